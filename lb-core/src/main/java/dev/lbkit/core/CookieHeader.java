package dev.lbkit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads cookies from a raw {@code Cookie} request header, as RFC 6265 section 5.4 sends them
 * ({@code name=value; name2=value2}), without building a map: a lookup scans the header and
 * allocates only the value it returns, and {@link #nextValue} finds where a value stands without
 * allocating at all.
 *
 * <p>Parsing is lenient, as browsers and servers are: pairs are split on {@code ;}, spaces and tabs
 * around names and values are ignored, a value in double quotes is returned without them, and a
 * pair without {@code =} is skipped. Duplicate names are kept, in order. Names match exactly
 * (cookie names are case-sensitive) unless a method says otherwise. Nothing here throws on any
 * input.
 */
public final class CookieHeader {
  private CookieHeader() {}

  /** The value of the first cookie named {@code name}, or {@code null}. */
  public static @Nullable String first(@Nullable String header, String name) {
    return valueAt(header, nextValue(header, name, 0));
  }

  /** As {@link #first}, but the name matches ignoring ASCII case (for {@code JSESSIONID}). */
  public static @Nullable String firstIgnoringCase(@Nullable String header, String name) {
    return valueAt(header, nextValueIgnoringCase(header, name, 0));
  }

  /** The values of every cookie named {@code name}, in the order sent. */
  public static List<String> all(@Nullable String header, String name) {
    long region = nextValue(header, name, 0);
    if (header == null || region < 0) {
      return List.of();
    }
    List<String> values = new ArrayList<>(2);
    while (region >= 0) {
      values.add(header.substring(valueStart(region), valueEnd(region)));
      region = nextValue(header, name, valueEnd(region));
    }
    return values;
  }

  /**
   * Where the value of the next cookie named {@code name} stands in {@code header}, without
   * allocating: the first such cookie whose name begins at or after index {@code from}, its value
   * as {@link #first} would return it (spaces and one pair of double quotes removed). Returns the
   * region packed in a {@code long}, to be read with {@link #valueStart} and {@link #valueEnd}, or
   * -1 when there is no such cookie. Passing the {@link #valueEnd} of one region as {@code from}
   * finds the next cookie of that name:
   *
   * <pre>{@code
   * for (long r = CookieHeader.nextValue(header, "srv_id", 0); r >= 0;
   *     r = CookieHeader.nextValue(header, "srv_id", CookieHeader.valueEnd(r))) {
   *   verify(header, CookieHeader.valueStart(r), CookieHeader.valueEnd(r));
   * }
   * }</pre>
   *
   * <p>For a name that is a cookie token (no {@code ;}, not starting with a space) the name is
   * found with {@link String#indexOf(String, int)}, which the JVM vectorises, instead of walking
   * every pair of a long header.
   */
  public static long nextValue(@Nullable String header, String name, int from) {
    if (header == null) {
      return -1;
    }
    int nameLength = name.length();
    if (nameLength == 0 || isSpace(name.charAt(0)) || name.indexOf(';') >= 0) {
      return walk(header, name, from, false); // cannot be found by indexOf; matches as parsed
    }
    int length = header.length();
    int at = header.indexOf(name, Math.max(0, from));
    while (at >= 0) {
      if (isPairStart(header, at)) {
        int eq = skipSpace(header, at + nameLength, length);
        if (eq < length && header.charAt(eq) == '=') {
          int pairEnd = header.indexOf(';', eq);
          return region(header, eq + 1, pairEnd < 0 ? length : pairEnd);
        }
      }
      at = header.indexOf(name, at + 1);
    }
    return -1;
  }

  /** As {@link #nextValue}, but the name matches ignoring ASCII case (for {@code JSESSIONID}). */
  public static long nextValueIgnoringCase(@Nullable String header, String name, int from) {
    return header == null ? -1 : walk(header, name, from, true);
  }

  /** The index where the value of a region found by {@link #nextValue} begins. */
  public static int valueStart(long region) {
    return (int) (region >>> 32);
  }

  /** The index just past the value of a region found by {@link #nextValue}. */
  public static int valueEnd(long region) {
    return (int) region;
  }

  /** Every cookie as name and value, in the order sent. */
  static List<Map.Entry<String, String>> parse(@Nullable String header) {
    if (header == null || header.isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, String>> cookies = new ArrayList<>();
    int length = header.length();
    int pos = 0;
    while (pos < length) {
      int pairEnd = indexOf(header, ';', pos, length);
      int eq = indexOf(header, '=', pos, pairEnd);
      if (eq < pairEnd) {
        int nameStart = skipSpace(header, pos, eq);
        int nameEnd = trimSpace(header, nameStart, eq);
        if (nameEnd > nameStart) {
          long value = region(header, eq + 1, pairEnd);
          cookies.add(
              Map.entry(
                  header.substring(nameStart, nameEnd),
                  header.substring(valueStart(value), valueEnd(value))));
        }
      }
      pos = pairEnd + 1;
    }
    return cookies;
  }

  private static @Nullable String valueAt(@Nullable String header, long region) {
    return region < 0 || header == null
        ? null
        : header.substring(valueStart(region), valueEnd(region));
  }

  /** Pair by pair from the pair that starts at or after {@code from}: any name, any case rule. */
  private static long walk(String header, String name, int from, boolean ignoreCase) {
    int length = header.length();
    int nameLength = name.length();
    int pos = Math.max(0, from);
    if (pos > 0 && !isPairStart(header, pos)) {
      pos = indexOf(header, ';', pos, length) + 1;
    }
    while (pos < length) {
      int pairEnd = indexOf(header, ';', pos, length);
      int nameStart = skipSpace(header, pos, pairEnd);
      if (pairEnd - nameStart > nameLength
          && header.regionMatches(ignoreCase, nameStart, name, 0, nameLength)) {
        int eq = skipSpace(header, nameStart + nameLength, pairEnd);
        if (eq < pairEnd && header.charAt(eq) == '=') {
          return region(header, eq + 1, pairEnd);
        }
      }
      pos = pairEnd + 1;
    }
    return -1;
  }

  /** The value between {@code start} and {@code end} without spaces and a pair of quotes. */
  private static long region(String header, int start, int end) {
    int from = skipSpace(header, start, end);
    int to = trimSpace(header, from, end);
    if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
      from++;
      to--;
    }
    return ((long) from << 32) | to;
  }

  /** Whether {@code at} starts a pair: only blanks since the last {@code ;}, or the start. */
  private static boolean isPairStart(String header, int at) {
    int i = at - 1;
    while (i >= 0 && isSpace(header.charAt(i))) {
      i--;
    }
    return i < 0 || header.charAt(i) == ';';
  }

  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return to;
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimSpace(String s, int from, int to) {
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
