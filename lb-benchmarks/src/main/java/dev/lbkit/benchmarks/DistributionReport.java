package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How evenly each method spreads keys, and how many keys move when a backend is added or removed:
 * counted, not timed, over {@value #KEYS} keys for N = 10 and 100.
 *
 * <p>Writes into the directory given as the first argument ({@code results} by default):
 *
 * <ul>
 *   <li>{@code shares.csv}: keys per backend, share, and share relative to the fair 1/N;
 *   <li>{@code balance.csv}: per method and N, the lowest and highest relative share and their
 *       standard deviation;
 *   <li>{@code disruption.csv}: per method, N and change, the fraction of keys that moved, split
 *       into the keys that had to move (to the added backend, or off the removed one) and those
 *       that moved between backends that did not change ("strayed");
 *   <li>{@code distribution.md}: the same as Markdown tables;
 *   <li>{@code balance-n10.svg}, {@code balance-n100.svg}, {@code disruption-n10.svg}, {@code
 *       disruption-n100.svg}: the charts shown in {@code docs/benchmarks.md}.
 * </ul>
 */
public final class DistributionReport {
  static final int KEYS = 1_000_000;
  static final int[] SIZES = {10, 100};

  /** The changes of the backend set measured; backends are compared by id, never by index. */
  enum Change {
    ADD("add one", "one backend added at the end"),
    REMOVE_MIDDLE("remove middle", "backend N/2 removed"),
    REMOVE_LAST("remove last", "the last backend removed");

    final String label;
    final String description;

    Change(String label, String description) {
      this.label = label;
      this.description = description;
    }
  }

  record Balance(String method, int n, int[] counts) {
    double relative(int backend) {
      return counts[backend] * (double) n / KEYS;
    }

    double min() {
      double min = Double.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        min = Math.min(min, relative(i));
      }
      return min;
    }

    double max() {
      double max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, relative(i));
      }
      return max;
    }

    double stddev() {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double d = relative(i) - 1;
        sum += d * d;
      }
      return Math.sqrt(sum / n);
    }
  }

  record Disruption(
      String method, int n, Change change, double moved, double necessary, double strayed) {}

  private final String[] keys;
  private final List<String> methods;
  final List<Balance> balances = new ArrayList<>();
  final List<Disruption> disruptions = new ArrayList<>();

  DistributionReport(String[] keys, List<String> methods) {
    this.keys = keys;
    this.methods = methods;
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "results");
    Files.createDirectories(out);
    DistributionReport report =
        new DistributionReport(Fixtures.keys(KEYS, 7L), Methods.DISTRIBUTION);
    report.measure();
    report.write(out);
    System.out.println(
        "DistributionReport: wrote shares, balance, disruption (CSV, Markdown, SVG) to " + out);
  }

  void measure() {
    for (int n : SIZES) {
      for (String method : methods) {
        List<Backend> before = Fixtures.backends(n);
        String[] owners = assign(method, before);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
          index.put(before.get(i).id(), i);
        }
        int[] counts = new int[n];
        for (String owner : owners) {
          counts[Objects.requireNonNull(index.get(owner))]++;
        }
        balances.add(new Balance(method, n, counts));
        for (Change change : Change.values()) {
          disruptions.add(disruption(method, n, change, before, owners));
        }
      }
    }
  }

  private Disruption disruption(
      String method, int n, Change change, List<Backend> before, String[] owners) {
    List<Backend> after;
    String changed;
    switch (change) {
      case ADD:
        after = Fixtures.backends(n + 1);
        changed = after.get(n).id();
        break;
      case REMOVE_MIDDLE:
        after = new ArrayList<>(before);
        changed = after.remove(n / 2).id();
        break;
      default:
        after = new ArrayList<>(before.subList(0, n - 1));
        changed = before.get(n - 1).id();
        break;
    }
    String[] next = assign(method, after);
    int moved = 0;
    int necessary = 0;
    for (int k = 0; k < keys.length; k++) {
      if (!owners[k].equals(next[k])) {
        moved++;
        // Had to move: onto the added backend, or off the removed one.
        if (change == Change.ADD ? next[k].equals(changed) : owners[k].equals(changed)) {
          necessary++;
        }
      }
    }
    double total = keys.length;
    return new Disruption(
        method, n, change, moved / total, necessary / total, (moved - necessary) / total);
  }

  /** The id of the backend each key goes to. */
  private String[] assign(String method, List<Backend> backends) {
    KeyedMethod m = Methods.create(method, backends);
    String[] owners = new String[keys.length];
    for (int k = 0; k < keys.length; k++) {
      owners[k] = m.backends[m.indexOf(m.fromKey(keys[k]))].id();
    }
    return owners;
  }

  // ---- Output ----

  void write(Path out) throws IOException {
    StringBuilder shares = new StringBuilder("method,n,backend,keys,share,relative_to_fair\n");
    StringBuilder balance =
        new StringBuilder("method,n,min_relative,max_relative,stddev_relative\n");
    for (Balance b : balances) {
      for (int i = 0; i < b.n(); i++) {
        shares.append(
            String.format(
                Locale.ROOT,
                "%s,%d,%s,%d,%.6f,%.4f%n",
                b.method(),
                b.n(),
                Fixtures.backends(b.n()).get(i).id(),
                b.counts()[i],
                b.counts()[i] / (double) KEYS,
                b.relative(i)));
      }
      balance.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%.4f,%.4f,%.4f%n",
              b.method(),
              b.n(),
              b.min(),
              b.max(),
              b.stddev()));
    }
    StringBuilder disruption =
        new StringBuilder("method,n,change,moved_fraction,necessary_fraction,strayed_fraction\n");
    for (Disruption d : disruptions) {
      disruption.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%s,%.5f,%.5f,%.5f%n",
              d.method(),
              d.n(),
              d.change().name().toLowerCase(Locale.ROOT),
              d.moved(),
              d.necessary(),
              d.strayed()));
    }
    write(out.resolve("shares.csv"), shares.toString());
    write(out.resolve("balance.csv"), balance.toString());
    write(out.resolve("disruption.csv"), disruption.toString());
    write(out.resolve("distribution.md"), markdown());
    for (int n : SIZES) {
      write(out.resolve("balance-n" + n + ".svg"), balanceChart(n));
      write(out.resolve("disruption-n" + n + ".svg"), disruptionChart(n));
    }
  }

  private static void write(Path path, String text) throws IOException {
    Files.writeString(path, text, StandardCharsets.UTF_8);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("<!-- Generated by dev.lbkit.benchmarks.DistributionReport; do not edit. -->\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%,d keys (memcached-style keys, user ids, UUIDs, session ids). Share relative to fair:"
                + " 1.00 is exactly 1/N; moved: fraction of all keys whose backend changed;"
                + " strayed: the part of it that moved between backends that did not change (0 for"
                + " a consistent method).%n%n",
            KEYS));
    for (int n : SIZES) {
      md.append("#### N = ")
          .append(n)
          .append("\n\n| method | lowest share | highest share | std dev |");
      for (Change c : Change.values()) {
        md.append(' ').append(c.label).append(": moved (strayed) |");
      }
      md.append("\n|---|---:|---:|---:|");
      for (int i = 0; i < Change.values().length; i++) {
        md.append("---:|");
      }
      md.append('\n');
      for (Balance b : balances) {
        if (b.n() != n) {
          continue;
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %.3f | %.3f | %.3f |",
                b.method(),
                b.min(),
                b.max(),
                b.stddev()));
        for (Change c : Change.values()) {
          Disruption d = find(b.method(), n, c);
          md.append(
              String.format(Locale.ROOT, " %.2f%% (%.2f%%) |", 100 * d.moved(), 100 * d.strayed()));
        }
        md.append('\n');
      }
      md.append(
          String.format(
              Locale.ROOT,
              "%nA perfect method moves %.2f%% of keys when one is added and about %.2f%% when one"
                  + " is removed, and strays none. With %,d keys, counting alone gives a std dev of"
                  + " about %.3f even for a perfectly fair method.%n%n",
              100.0 / (n + 1),
              100.0 / n,
              KEYS,
              Math.sqrt((n - 1) / (double) KEYS)));
    }
    return md.toString();
  }

  private Disruption find(String method, int n, Change change) {
    for (Disruption d : disruptions) {
      if (d.method().equals(method) && d.n() == n && d.change() == change) {
        return d;
      }
    }
    throw new IllegalStateException(method + " " + n + " " + change);
  }

  /** Each backend's share relative to fair as a dot, one column per method, with min-max bars. */
  String balanceChart(int n) {
    List<Balance> rows = new ArrayList<>();
    double top = 1.5;
    double bottom = 0.5;
    for (Balance b : balances) {
      if (b.n() == n) {
        rows.add(b);
        top = Math.max(top, Math.ceil(b.max() * 4) / 4);
        bottom = Math.min(bottom, Math.floor(b.min() * 4) / 4);
      }
    }
    int left = 60;
    int column = 130;
    int plotTop = 50;
    int plotHeight = 300;
    int width = Math.max(560, left + column * rows.size() + 20);
    Svg svg = new Svg(width, plotTop + plotHeight + 50);
    svg.text(
        width / 2.0,
        24,
        String.format(
            Locale.ROOT, "Share of %,d keys per backend, relative to fair (N = %d)", KEYS, n),
        15,
        "middle",
        0);
    double scale = plotHeight / (top - bottom);
    for (double y = bottom; y <= top + 1e-9; y += 0.25) {
      double py = plotTop + plotHeight - (y - bottom) * scale;
      boolean fair = Math.abs(y - 1) < 1e-9;
      svg.line(left, py, width - 20, py, fair ? "#444" : "#ddd", fair ? 1.2 : 0.8, fair);
      svg.text(left - 6, py + 4, String.format(Locale.ROOT, "%.2f", y), 11, "end", 0);
    }
    svg.text(16, plotTop + plotHeight / 2.0, "share ÷ (1/N)", 12, "middle", -90);
    for (int c = 0; c < rows.size(); c++) {
      Balance b = rows.get(c);
      double cx = left + column * c + column / 2.0;
      String colour = Svg.PALETTE[c % Svg.PALETTE.length];
      double base = plotTop + plotHeight;
      svg.line(
          cx,
          base - (b.max() - bottom) * scale,
          cx,
          base - (b.min() - bottom) * scale,
          colour,
          2,
          false);
      for (int i = 0; i < n; i++) {
        // Spread the dots sideways a little so that equal shares stay visible.
        double jitter = ((i * 37) % 21 - 10) * 2.0;
        svg.circle(
            cx + jitter, base - (b.relative(i) - bottom) * scale, n > 50 ? 2.5 : 4, colour, 0.6);
      }
      svg.text(cx, plotTop + plotHeight + 18, b.method(), 11, "middle", 0);
      svg.text(
          cx,
          plotTop + plotHeight + 34,
          String.format(Locale.ROOT, "%.2f-%.2f", b.min(), b.max()),
          11,
          "middle",
          0);
    }
    return svg.toString();
  }

  private static final String[] CHANGE_COLOURS = {"#0072B2", "#56B4E9", "#009E73"};
  private static final String STRAYED = "#D55E00";

  /** Fraction of keys moved per change: the necessary part and the strayed part stacked. */
  String disruptionChart(int n) {
    List<String> rows = new ArrayList<>();
    for (Balance b : balances) {
      if (b.n() == n) {
        rows.add(b.method());
      }
    }
    Change[] changes = Change.values();
    int left = 60;
    int bar = 26;
    int group = bar * changes.length + 56;
    int plotTop = 50;
    int plotHeight = 300;
    int width = Math.max(560, left + group * rows.size() + 20);
    Svg svg = new Svg(width, plotTop + plotHeight + 110);
    svg.text(
        width / 2.0,
        24,
        String.format(
            Locale.ROOT, "Keys moved when the backend set changes (N = %d, %,d keys)", n, KEYS),
        15,
        "middle",
        0);
    double scale = plotHeight / 1.0;
    for (int pct = 0; pct <= 100; pct += 20) {
      double py = plotTop + plotHeight - pct / 100.0 * scale;
      svg.line(left, py, width - 20, py, "#ddd", 0.8, false);
      svg.text(left - 6, py + 4, pct + "%", 11, "end", 0);
    }
    svg.text(16, plotTop + plotHeight / 2.0, "keys moved", 12, "middle", -90);
    for (int g = 0; g < rows.size(); g++) {
      String method = rows.get(g);
      double gx = left + g * group + 28;
      for (int c = 0; c < changes.length; c++) {
        Disruption d = find(method, n, changes[c]);
        double x = gx + c * bar;
        double necessaryHeight = d.necessary() * scale;
        double strayedHeight = d.strayed() * scale;
        double base = plotTop + plotHeight;
        svg.rect(x, base - necessaryHeight, bar - 4, necessaryHeight, CHANGE_COLOURS[c]);
        svg.rect(x, base - necessaryHeight - strayedHeight, bar - 4, strayedHeight, STRAYED);
        svg.text(
            x + (bar - 4) / 2.0,
            base - necessaryHeight - strayedHeight - 4,
            String.format(Locale.ROOT, d.moved() < 0.1 ? "%.1f" : "%.0f", 100 * d.moved()),
            9,
            "middle",
            0);
      }
      svg.text(gx + bar * changes.length / 2.0, plotTop + plotHeight + 18, method, 11, "middle", 0);
    }
    double ly = plotTop + plotHeight + 42;
    for (int c = 0; c < changes.length; c++) {
      svg.rect(left, ly - 10 + 16 * c, 12, 12, CHANGE_COLOURS[c]);
      svg.text(
          left + 16,
          ly + 16 * c,
          changes[c].description + ": keys that had to move",
          11,
          "start",
          0);
    }
    svg.rect(left, ly - 10 + 16 * changes.length, 12, 12, STRAYED);
    svg.text(
        left + 16,
        ly + 16 * changes.length,
        "strayed: keys moved between backends that did not change",
        11,
        "start",
        0);
    return svg.toString();
  }
}
