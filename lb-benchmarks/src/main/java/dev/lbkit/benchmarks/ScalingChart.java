package dev.lbkit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws {@code scaling.svg}: the time of a pick and its report against N, both axes logarithmic,
 * one line per method of {@link ScalingBenchmark} (solid) and per peer of {@link
 * ScalingPeerBenchmark} (dashed). A method that grows logarithmically has a line that stays nearly
 * flat; a linear one climbs a decade per decade.
 *
 * <p>Usage: {@code ScalingChart results.json scaling.svg}
 */
public final class ScalingChart {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 440;
  private static final int LEFT = 70;
  private static final int TOP = 40;
  private static final int PLOT_WIDTH = 440;
  private static final int PLOT_HEIGHT = 340;

  private ScalingChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ScalingChart results.json scaling.svg");
      System.exit(2);
    }
    List<ResultsTable.Result> results =
        ResultsTable.read(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    Map<String, Boolean> peer = new LinkedHashMap<>();
    for (ResultsTable.Result r : results) {
      boolean isPeer = r.benchmark().equals(ResultsTable.SCALING_PEER);
      if (!isPeer && !r.benchmark().equals(ResultsTable.SCALING_PICK)) {
        continue;
      }
      String method = r.param("method");
      lines
          .computeIfAbsent(method, k -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(r.param("n")), r.score()});
      peer.put(method, isPeer);
    }
    if (lines.isEmpty()) {
      return; // the scaling benchmarks were not run
    }
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (List<double[]> points : lines.values()) {
      points.sort((a, b) -> Double.compare(a[0], b[0]));
      for (double[] p : points) {
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    double lowDecade = Math.floor(Math.log10(minY));
    double highDecade = Math.ceil(Math.log10(maxY));
    Svg svg = new Svg(WIDTH, HEIGHT);
    svg.text(
        LEFT,
        24,
        "A pick and its report through LoadBalancer (ns, log) against N (log)",
        14,
        "start",
        0);
    for (double d = lowDecade; d <= highDecade; d++) {
      double y = y(d, lowDecade, highDecade);
      svg.line(LEFT, y, LEFT + PLOT_WIDTH, y, "#ddd", 0.8, false);
      svg.text(LEFT - 6, y + 4, String.format(Locale.ROOT, "%.0f", Math.pow(10, d)), 11, "end", 0);
    }
    for (int decade = 1; decade <= 4; decade++) {
      double x = x(decade);
      svg.line(x, TOP, x, TOP + PLOT_HEIGHT, "#eee", 0.8, false);
      svg.text(
          x,
          TOP + PLOT_HEIGHT + 18,
          String.format(Locale.ROOT, "%,d", (int) Math.pow(10, decade)),
          11,
          "middle",
          0);
    }
    int colour = 0;
    int legend = 0;
    for (Map.Entry<String, List<double[]>> line : lines.entrySet()) {
      String stroke = Svg.PALETTE[colour++ % Svg.PALETTE.length];
      boolean dashed = Boolean.TRUE.equals(peer.get(line.getKey())) || colour > Svg.PALETTE.length;
      List<double[]> points = line.getValue();
      for (int i = 0; i < points.size(); i++) {
        double px = x(Math.log10(points.get(i)[0]));
        double py = y(Math.log10(points.get(i)[1]), lowDecade, highDecade);
        svg.circle(px, py, 3, stroke, 1);
        if (i > 0) {
          svg.line(
              x(Math.log10(points.get(i - 1)[0])),
              y(Math.log10(points.get(i - 1)[1]), lowDecade, highDecade),
              px,
              py,
              stroke,
              2,
              dashed);
        }
      }
      double ly = TOP + 10 + 20 * legend++;
      svg.line(LEFT + PLOT_WIDTH + 20, ly, LEFT + PLOT_WIDTH + 44, ly, stroke, 2, dashed);
      svg.text(LEFT + PLOT_WIDTH + 50, ly + 4, line.getKey(), 12, "start", 0);
    }
    Files.writeString(Path.of(args[1]), svg.toString(), StandardCharsets.UTF_8);
  }

  private static double x(double log10n) {
    return LEFT + (log10n - 1) / 3 * PLOT_WIDTH;
  }

  private static double y(double log10ns, double low, double high) {
    return TOP + PLOT_HEIGHT - (log10ns - low) / Math.max(1, high - low) * PLOT_HEIGHT;
  }
}
