package dev.lbkit.demo;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads a {@code Set-Cookie} value in tests. */
final class SetCookie {
  private SetCookie() {}

  /** The attributes after the pair, names lower-cased, a flag mapped to "". */
  static Map<String, String> attributes(String setCookie) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] parts = setCookie.split(";");
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      String name = (eq < 0 ? part : part.substring(0, eq)).toLowerCase(Locale.ROOT);
      out.put(name, eq < 0 ? "" : part.substring(eq + 1));
    }
    return out;
  }

  static String value(String setCookie) {
    String pair = setCookie.split(";")[0];
    return pair.substring(pair.indexOf('=') + 1);
  }

  /** Seconds from now until an {@code Expires} date (RFC 1123, or nginx's two-digit year). */
  static long expiresInSeconds(String expires) {
    ZonedDateTime when;
    try {
      when = ZonedDateTime.parse(expires, DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (RuntimeException e) {
      when =
          ZonedDateTime.parse(
              expires, DateTimeFormatter.ofPattern("EEE, dd-MMM-yy HH:mm:ss zzz", Locale.ROOT));
    }
    return when.toEpochSecond() - Instant.now().getEpochSecond();
  }
}
