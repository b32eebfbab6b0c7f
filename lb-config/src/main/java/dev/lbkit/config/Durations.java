package dev.lbkit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The duration forms of the configurations lbkit reads: the Gateway API's (GEP-2257) and nginx's.
 *
 * <p>All parsers are hand-written scanners over ASCII (no regular expressions, so no backtracking,
 * and no dependence on the default locale). An invalid value is an {@link IllegalArgumentException}
 * whose message quotes the value and says which form is accepted.
 *
 * <table>
 *   <caption>Forms</caption>
 *   <tr><th>method</th><th>accepts</th><th>examples</th></tr>
 *   <tr><td>{@link #parseGatewayDuration}</td><td>{@code ^([0-9]{1,5}(h|m|s|ms)){1,4}$}</td>
 *       <td>{@code 0s}, {@code 10s}, {@code 1h30m}, {@code 500ms}</td></tr>
 *   <tr><td>{@link #parseNginxTime}</td><td>nginx times with millisecond precision
 *       ({@code proxy_read_timeout}): units {@code w d h m s ms}, descending, each at most once; a
 *       plain number is seconds</td><td>{@code 60}, {@code 1h30m}, {@code 500ms}</td></tr>
 *   <tr><td>{@link #parseNginxSeconds}</td><td>nginx times in seconds ({@code fail_timeout},
 *       {@code expires}): units {@code y M w d h m s}</td><td>{@code 10s}, {@code 2h},
 *       {@code 1d}, {@code 1y}</td></tr>
 *   <tr><td>{@link #parseNginxCookieExpiry}</td><td>as {@link #parseNginxSeconds}, or {@code
 *       max}</td><td>{@code 1h}, {@code max}</td></tr>
 * </table>
 */
public final class Durations {
  /**
   * What {@code max} means for an nginx cookie expiry: ten years, the {@code Max-Age} nginx writes
   * for it. A value of {@code 3650d} parses to an equal duration and means the same.
   */
  public static final Duration NGINX_EXPIRES_MAX = Duration.ofSeconds(315_360_000L);

  /** The largest duration GEP-2257 can express: {@code 99999h59m59s999ms}. */
  public static final Duration GATEWAY_MAX = Duration.ofHours(99_999).plusMillis(3_599_999);

  private static final String GATEWAY_FORM =
      "a Gateway API duration: 1 to 4 components, each 1 to 5 digits and a unit h, m, s or ms,"
          + " such as 0s, 10s, 1h30m or 500ms";
  private static final String NGINX_TIME_FORM =
      "an nginx time: numbers with units in descending order, each at most once, from"
          + " w (weeks), d, h, m, s to ms, such as 30s, 1h30m or 500ms; a plain number is seconds";
  private static final String NGINX_SECONDS_FORM =
      "an nginx time in seconds: numbers with units in descending order, each at most once, from"
          + " y (years), M (months), w, d, h, m to s, such as 10s, 2h, 1d or 1h30m; a plain number"
          + " is seconds";

  private Durations() {}

  /**
   * Parses a Gateway API duration (GEP-2257): {@code ^([0-9]{1,5}(h|m|s|ms)){1,4}$}, the sum of its
   * components. {@code 0s} is valid; {@code 0}, the empty string, fractions, negative values and
   * days are not. Units may repeat ({@code 1h2h} is 3 hours), as the GEP allows.
   *
   * @throws IllegalArgumentException if {@code value} does not match
   */
  public static Duration parseGatewayDuration(String value) {
    Objects.requireNonNull(value, "value");
    int length = value.length();
    int pos = 0;
    int components = 0;
    long millis = 0;
    while (pos < length) {
      if (components == 4) {
        throw invalid(value, GATEWAY_FORM);
      }
      int digitsStart = pos;
      long number = 0;
      while (pos < length && isDigit(value.charAt(pos)) && pos - digitsStart < 5) {
        number = number * 10 + (value.charAt(pos) - '0');
        pos++;
      }
      if (pos == digitsStart || pos >= length) {
        throw invalid(value, GATEWAY_FORM); // no digits, more than 5 digits, or no unit
      }
      char unit = value.charAt(pos++);
      long scale;
      if (unit == 'h') {
        scale = 3_600_000L;
      } else if (unit == 's') {
        scale = 1_000L;
      } else if (unit == 'm') {
        if (pos < length && value.charAt(pos) == 's') {
          pos++;
          scale = 1L;
        } else {
          scale = 60_000L;
        }
      } else {
        throw invalid(value, GATEWAY_FORM);
      }
      millis += number * scale;
      components++;
    }
    if (components == 0) {
      throw invalid(value, GATEWAY_FORM);
    }
    return Duration.ofMillis(millis);
  }

  /**
   * Formats a duration in GEP-2257's standard form: descending, non-repeating units, the largest
   * possible for each component, and {@code 0s} for zero ({@code 150m} becomes {@code 2h30m}).
   *
   * @throws IllegalArgumentException if the duration is negative, has sub-millisecond precision or
   *     exceeds {@link #GATEWAY_MAX}
   */
  public static String formatGatewayDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()
        || duration.getNano() % 1_000_000 != 0
        || duration.compareTo(GATEWAY_MAX) > 0) {
      throw new IllegalArgumentException(
          "duration: "
              + duration
              + " (expected: 0 to 99999h59m59s999ms in whole milliseconds, as GEP-2257 allows)");
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder(16);
    appendComponent(sb, millis / 3_600_000L, "h");
    appendComponent(sb, millis / 60_000L % 60, "m");
    appendComponent(sb, millis / 1_000L % 60, "s");
    appendComponent(sb, millis % 1_000L, "ms");
    return sb.toString();
  }

  private static void appendComponent(StringBuilder sb, long value, String unit) {
    if (value != 0) {
      sb.append(value).append(unit);
    }
  }

  /**
   * Parses an nginx time as directives with millisecond precision read it ({@code
   * proxy_read_timeout 1m30s}, {@code keepalive_timeout 75}): nginx's {@code ngx_parse_time} with
   * {@code is_sec} off. Units {@code w d h m s ms}, in descending order, each at most once,
   * optionally separated by spaces; a trailing plain number is seconds. {@code y} and {@code M} are
   * refused, as nginx refuses them here.
   *
   * @throws IllegalArgumentException if nginx would refuse the value
   */
  public static Duration parseNginxTime(String value) {
    Objects.requireNonNull(value, "value");
    long millis = parseNginx(value, false);
    if (millis < 0) {
      throw invalid(value, NGINX_TIME_FORM);
    }
    return Duration.ofMillis(millis);
  }

  /**
   * Parses an nginx time as directives in whole seconds read it ({@code fail_timeout=10s}, {@code
   * expires 1y}): nginx's {@code ngx_parse_time} with {@code is_sec} on. Units {@code y M w d h m
   * s} (a year is 365 days, a month 30), in descending order, each at most once; {@code ms} is
   * refused, as nginx refuses it here.
   *
   * @throws IllegalArgumentException if nginx would refuse the value
   */
  public static Duration parseNginxSeconds(String value) {
    Objects.requireNonNull(value, "value");
    long seconds = parseNginx(value, true);
    if (seconds < 0) {
      throw invalid(value, NGINX_SECONDS_FORM);
    }
    return Duration.ofSeconds(seconds);
  }

  /**
   * Parses a cookie expiry as NGINX Plus {@code sticky cookie ... expires=} takes it: {@code max},
   * which gives {@link #NGINX_EXPIRES_MAX}, or a time as {@link #parseNginxSeconds}.
   *
   * @throws IllegalArgumentException if the value is neither
   */
  public static Duration parseNginxCookieExpiry(String value) {
    Objects.requireNonNull(value, "value");
    if (value.equals("max")) {
      return NGINX_EXPIRES_MAX;
    }
    long seconds = parseNginx(value, true);
    if (seconds < 0) {
      throw invalid(value, "max, or " + NGINX_SECONDS_FORM);
    }
    return Duration.ofSeconds(seconds);
  }

  // The steps of ngx_parse_time: each unit must come after the previous one.
  private static final int START = 0;
  private static final int YEAR = 1;
  private static final int MONTH = 2;
  private static final int WEEK = 3;
  private static final int DAY = 4;
  private static final int HOUR = 5;
  private static final int MINUTE = 6;
  private static final int SECOND = 7;
  private static final int MILLISECOND = 8;
  private static final int LAST = 9;

  /**
   * nginx's {@code ngx_parse_time}, step for step: the total in seconds ({@code isSec}) or
   * milliseconds, or -1 where nginx returns {@code NGX_ERROR} (including on overflow of a signed
   * 64-bit total).
   */
  private static long parseNginx(String line, boolean isSec) {
    boolean valid = false;
    long value = 0;
    long total = 0;
    int step = isSec ? START : MONTH;
    int length = line.length();
    int pos = 0;
    while (pos < length) {
      char c = line.charAt(pos);
      if (isDigit(c)) {
        if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
          return -1;
        }
        value = value * 10 + (c - '0');
        pos++;
        valid = true;
        continue;
      }
      pos++;
      long scale;
      switch (c) {
        case 'y':
          if (step > START) {
            return -1;
          }
          step = YEAR;
          scale = 60L * 60 * 24 * 365;
          break;
        case 'M':
          if (step >= MONTH) {
            return -1;
          }
          step = MONTH;
          scale = 60L * 60 * 24 * 30;
          break;
        case 'w':
          if (step >= WEEK) {
            return -1;
          }
          step = WEEK;
          scale = 60L * 60 * 24 * 7;
          break;
        case 'd':
          if (step >= DAY) {
            return -1;
          }
          step = DAY;
          scale = 60L * 60 * 24;
          break;
        case 'h':
          if (step >= HOUR) {
            return -1;
          }
          step = HOUR;
          scale = 60L * 60;
          break;
        case 'm':
          if (pos < length && line.charAt(pos) == 's') {
            if (isSec || step >= MILLISECOND) {
              return -1;
            }
            pos++;
            step = MILLISECOND;
            scale = 1;
            break;
          }
          if (step >= MINUTE) {
            return -1;
          }
          step = MINUTE;
          scale = 60;
          break;
        case 's':
          if (step >= SECOND) {
            return -1;
          }
          step = SECOND;
          scale = 1;
          break;
        case ' ':
          // A number followed by a space is seconds, and nothing may follow it.
          if (step >= SECOND) {
            return -1;
          }
          step = LAST;
          scale = 1;
          break;
        default:
          return -1;
      }
      if (step != MILLISECOND && !isSec) {
        scale *= 1000;
      }
      if (value > Long.MAX_VALUE / scale) {
        return -1;
      }
      value *= scale;
      if (total > Long.MAX_VALUE - value) {
        return -1;
      }
      total += value;
      value = 0;
      while (pos < length && line.charAt(pos) == ' ') {
        pos++;
      }
    }
    if (!valid) {
      return -1;
    }
    if (!isSec) {
      if (value > Long.MAX_VALUE / 1000) {
        return -1;
      }
      value *= 1000;
    }
    if (total > Long.MAX_VALUE - value) {
      return -1;
    }
    return total + value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String value, String form) {
    return new IllegalArgumentException("duration: \"" + value + "\" (expected: " + form + ")");
  }
}
