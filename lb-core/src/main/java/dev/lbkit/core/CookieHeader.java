package dev.lbkit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads cookies from a raw {@code Cookie} request header, as RFC 6265 section 5.4 sends them
 * ({@code name=value; name2=value2}), without building a map: a lookup scans the header and
 * allocates only the value it returns.
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
    return find(header, name, false);
  }

  /** As {@link #first}, but the name matches ignoring ASCII case (for {@code JSESSIONID}). */
  public static @Nullable String firstIgnoringCase(@Nullable String header, String name) {
    return find(header, name, true);
  }

  /** The values of every cookie named {@code name}, in the order sent. */
  public static List<String> all(@Nullable String header, String name) {
    if (header == null || header.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>(2);
    int length = header.length();
    int pos = 0;
    while (pos < length) {
      int pairEnd = indexOf(header, ';', pos, length);
      String value = valueIfNamed(header, pos, pairEnd, name, false);
      if (value != null) {
        values.add(value);
      }
      pos = pairEnd + 1;
    }
    return values;
  }

  /** Every cookie as name and value, in the order sent. */
  public static List<Map.Entry<String, String>> parse(@Nullable String header) {
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
          cookies.add(
              Map.entry(
                  header.substring(nameStart, nameEnd), value(header, eq + 1, pairEnd)));
        }
      }
      pos = pairEnd + 1;
    }
    return cookies;
  }

  private static @Nullable String find(@Nullable String header, String name, boolean ignoreCase) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    int length = header.length();
    int pos = 0;
    while (pos < length) {
      int pairEnd = indexOf(header, ';', pos, length);
      String value = valueIfNamed(header, pos, pairEnd, name, ignoreCase);
      if (value != null) {
        return value;
      }
      pos = pairEnd + 1;
    }
    return null;
  }

  private static @Nullable String valueIfNamed(
      String header, int start, int end, String name, boolean ignoreCase) {
    int nameStart = skipSpace(header, start, end);
    int nameLength = name.length();
    if (end - nameStart <= nameLength
        || !header.regionMatches(ignoreCase, nameStart, name, 0, nameLength)) {
      return null;
    }
    int afterName = skipSpace(header, nameStart + nameLength, end);
    if (afterName >= end || header.charAt(afterName) != '=') {
      return null;
    }
    return value(header, afterName + 1, end);
  }

  private static String value(String header, int start, int end) {
    int from = skipSpace(header, start, end);
    int to = trimSpace(header, from, end);
    if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
      from++;
      to--;
    }
    return header.substring(from, to);
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
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return from;
  }

  private static int trimSpace(String s, int from, int to) {
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return to;
  }
}
