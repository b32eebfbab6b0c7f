package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thousand requests with malformed {@code Cookie}, {@code X-Forwarded-For}, {@code Forwarded} and
 * session-header values, sent as raw bytes: every answer is normal (never 5xx) and no response
 * header carries anything the client sent.
 */
class BadInputTest {
  private static final Set<String> EXPECTED_HEADERS =
      Set.of(
          "date",
          "content-type",
          "content-length",
          "server",
          "set-cookie",
          "connection",
          Cafe.SESSION_HEADER.toLowerCase(Locale.ROOT));

  private static Cafe cafe;

  @BeforeAll
  static void open() throws Exception {
    cafe = Cafe.open();
  }

  @AfterAll
  static void close() throws Exception {
    cafe.close();
  }

  @Test
  void thousandMalformedValuesGiveNormalAnswersAndInjectNothing() throws Exception {
    Random random = new Random(6);
    String[] paths = {"/tea", "/coffee", "/header", "/latte"};
    for (int i = 0; i < 1000; i++) {
      String marker = "zq" + i + "x";
      String path = paths[i % paths.length];
      String head =
          "GET "
              + path
              + " HTTP/1.1\r\n"
              + "Host: cafe.example.com\r\n"
              + "Cookie: "
              + malformedCookie(random, marker)
              + "\r\n"
              + "X-Forwarded-For: "
              + malformedAddresses(random, marker)
              + "\r\n"
              + "Forwarded: "
              + malformedForwarded(random, marker)
              + "\r\n"
              + "Via: "
              + malformedForwarded(random, marker)
              + "\r\n"
              + Cafe.SESSION_HEADER
              + ": "
              + malformedToken(random, marker)
              + "\r\n";
      Http.Raw response = Http.raw(cafe.gateway.port(), head);
      assertThat(response.status).as("request %s: %s", i, head).isBetween(200, 499);
      for (String line : response.headerLines) {
        assertThat(line.toLowerCase(Locale.ROOT)).as("request %s", i).doesNotContain(marker);
      }
      assertThat(EXPECTED_HEADERS).as("request %s", i).containsAll(response.headerNames());
      if (response.status == 200) {
        assertThat(response.body).contains("Server name: ");
      }
    }
    for (String route : new String[] {"tea", "coffee", "header", "latte"}) {
      ProxyAssertions.assertNothingInFlight(cafe.lb(route));
    }
  }

  private static String malformedCookie(Random random, String marker) {
    switch (random.nextInt(8)) {
      case 0:
        return "cookie-tea=" + garbage(random, marker);
      case 1:
        return "cookie-tea=" + marker + "; cookie-tea=; cookie-tea";
      case 2:
        return "cookie-tea=\"" + garbage(random, marker);
      case 3:
        return ";;;=;cookie-tea==" + marker + ";=";
      case 4:
        // A token's shape, but forged: right length, right alphabet, wrong MAC.
        return "cookie-tea=" + base64url(random, 32);
      case 5:
        return "cookie-tea=" + "A".repeat(4000);
      case 6:
        return garbage(random, marker);
      default:
        return "cookie-tea=\u00ff\u00fe" + marker + "\t\t";
    }
  }

  private static String malformedAddresses(Random random, String marker) {
    switch (random.nextInt(7)) {
      case 0:
        return "999.1.1.1, " + marker;
      case 1:
        return "1.2.3.4:99999, [::1, ::ffff:1.2.3.4:80:80";
      case 2:
        return ",,, ,\t," + garbage(random, marker);
      case 3:
        return "[2001:db8::1]:x, unknown, _hidden";
      case 4:
        return "1.2.3";
      case 5:
        return "1.2.3.4".repeat(500);
      default:
        return garbage(random, marker);
    }
  }

  private static String malformedForwarded(Random random, String marker) {
    switch (random.nextInt(7)) {
      case 0:
        return "for=\"" + marker;
      case 1:
        return "for=[2001:db8::1;by=" + marker;
      case 2:
        return "for=1.2.3.4;for=5.6.7.8, for";
      case 3:
        return "for=\"[::1]:_x" + marker + "\", ;;, for=unknown";
      case 4:
        return "=;=,=" + marker;
      case 5:
        return "for=\\\"" + marker + "\\\"";
      default:
        return garbage(random, marker);
    }
  }

  private static String malformedToken(Random random, String marker) {
    switch (random.nextInt(4)) {
      case 0:
        return base64url(random, 32);
      case 1:
        return marker + "\u00e9\u00e8";
      case 2:
        return "";
      default:
        return garbage(random, marker);
    }
  }

  /** Printable ASCII, separators, tabs and Latin-1 bytes, around the marker. */
  private static String garbage(Random random, String marker) {
    String alphabet =
        "abcXYZ0189 \t;,=\"'[]:\\/%$#@!?{}()<>+*&^~`|_-." + "\u0080\u00a0\u00c3\u00a9\u00ff";
    StringBuilder sb = new StringBuilder();
    int length = random.nextInt(60);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    sb.insert(random.nextInt(sb.length() + 1), marker);
    // A value may not start or end with whitespace on the wire without being trimmed: fine too.
    return sb.toString();
  }

  private static String base64url(Random random, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
