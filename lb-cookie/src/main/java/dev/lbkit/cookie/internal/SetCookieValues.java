package dev.lbkit.cookie.internal;

import org.jspecify.annotations.Nullable;

/**
 * Reads a cookie's value out of {@code Set-Cookie} response headers, as an adapter hands them over:
 * one value, or several joined with {@code ", "}. A cookie value never holds a comma (RFC 6265
 * cookie-octet), so a cookie starts at the beginning or after a comma; an {@code Expires} date's
 * comma is followed by a day number and a space, never by {@code NAME=}.
 */
final class SetCookieValues {
  private SetCookieValues() {}

  /**
   * The value of the first cookie named {@code name}, or {@code null} if none (or empty, or odd).
   */
  static @Nullable String first(@Nullable String setCookie, String name) {
    if (setCookie == null) {
      return null;
    }
    int n = setCookie.length();
    int at = 0;
    while (at < n) {
      while (at < n && (setCookie.charAt(at) == ' ' || setCookie.charAt(at) == '\t')) {
        at++;
      }
      if (setCookie.startsWith(name, at)
          && at + name.length() < n
          && setCookie.charAt(at + name.length()) == '=') {
        int from = at + name.length() + 1;
        int to = from;
        while (to < n && setCookie.charAt(to) != ';' && setCookie.charAt(to) != ',') {
          to++;
        }
        String value = setCookie.substring(from, to).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() || !isToken(value) ? null : value;
      }
      int comma = setCookie.indexOf(',', at);
      if (comma < 0) {
        return null;
      }
      at = comma + 1;
    }
    return null;
  }

  /** Whether every character is a cookie-octet (visible ASCII but {@code " , ; \}). */
  static boolean isToken(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
