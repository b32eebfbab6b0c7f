package dev.lbkit.benchmarks;

import java.util.Locale;

/**
 * A tiny SVG writer for the report's charts, so that they need no plotting library: absolute
 * coordinates, a few shapes, text escaped. Numbers are written with {@link Locale#ROOT}.
 */
final class Svg {
  /**
   * Colours that stay apart for readers with the common colour-vision deficiencies (Okabe-Ito),
   * with grey in place of its yellow, which is faint on white.
   */
  static final String[] PALETTE = {
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#777777", "#000000"
  };

  private final StringBuilder body = new StringBuilder();
  private final int width;
  private final int height;

  Svg(int width, int height) {
    this.width = width;
    this.height = height;
  }

  Svg rect(double x, double y, double w, double h, String fill) {
    body.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
            x,
            y,
            w,
            h,
            fill));
    return this;
  }

  Svg line(
      double x1,
      double y1,
      double x2,
      double y2,
      String stroke,
      double strokeWidth,
      boolean dashed) {
    body.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"%.1f\"%s/>%n",
            x1,
            y1,
            x2,
            y2,
            stroke,
            strokeWidth,
            dashed ? " stroke-dasharray=\"4 3\"" : ""));
    return this;
  }

  Svg circle(double cx, double cy, double r, String fill, double opacity) {
    body.append(
        String.format(
            Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>%n",
            cx,
            cy,
            r,
            fill,
            opacity));
    return this;
  }

  /**
   * Text anchored at {@code anchor} (start, middle, end); {@code rotate} in degrees about (x, y).
   */
  Svg text(double x, double y, String text, int size, String anchor, double rotate) {
    body.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n",
            x,
            y,
            size,
            anchor,
            rotate == 0
                ? ""
                : String.format(Locale.ROOT, " transform=\"rotate(%.0f %.1f %.1f)\"", rotate, x, y),
            escape(text)));
    return this;
  }

  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\""
                + " fill=\"white\"/>%n",
            width,
            height,
            width,
            height)
        + body
        + "</svg>\n";
  }
}
