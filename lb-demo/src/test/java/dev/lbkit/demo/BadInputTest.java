package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thousand requests with malformed {@code Cookie}, {@code X-Forwarded-For}, {@code Forwarded} and
 * session-header values, through the gateway of the default file: every answer is a normal one (no
 * 5xx), and nothing the client sent comes back as a response header of its own.
 */
class BadInputTest {
  private static final String[] ROUTES = {
    "/coffee", "/tea", "/latte", "/header", "/balanced", "/persistent"
  };
  private static final Set<String> EXPECTED_HEADERS =
      Set.of(
          "date",
          "content-type",
          "content-length",
          "cache-control",
          "set-cookie",
          "session-b",
          "server",
          "via",
          "connection",
          "transfer-encoding",
          "expires",
          "retry-after");
  private static final String[] PIECES = {
    "cookie-tea=",
    "INGRESSCOOKIE=",
    "Session-B",
    "=",
    ";",
    ",",
    " ",
    "\t",
    "\"",
    "\\",
    "%0d%0a",
    "X-Injected: 1",
    "AAAAAAAAAAAAAAAAAAAAAAAA",
    "-",
    "_",
    "..",
    "for=",
    "for=\"[::1]:80\"",
    "by=",
    "unknown",
    "_hidden",
    "256.1.1.1",
    "1.2.3",
    "::ffff:",
    "[",
    "]",
    ":",
    "2001:db8::1",
    "127.0.0.1",
    "10.0.0.1/8",
    "\u00e9",
    "\u2028",
    "%00",
    "\u00ff",
    "0x7f",
    "null",
    "undefined",
  };

  private static Demo demo;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(Cafe.config());
    port = demo.gateway().port();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @Test
  void aThousandMalformedRequestsGetNormalAnswersAndInjectNothing() {
    Random random = new Random(20_240_601L);
    String validTea = Http.get(port, Cafe.HOST, "/tea").cookiePair("cookie-tea");
    for (int i = 0; i < 1000; i++) {
      String route = ROUTES[i % ROUTES.length];
      StringBuilder request = new StringBuilder("GET ").append(route).append(" HTTP/1.1\r\n");
      request.append("Host: ").append(Cafe.HOST).append("\r\n");
      request.append("Cookie: ").append(garbage(random, validTea)).append("\r\n");
      request.append("X-Forwarded-For: ").append(garbage(random, "203.0.113.9")).append("\r\n");
      request.append("Forwarded: ").append(garbage(random, "for=198.51.100.1")).append("\r\n");
      request.append("Session-B: ").append(garbage(random, "AAAA")).append("\r\n");
      request.append("Connection: close\r\n\r\n");

      Http.Response r = Http.exchange(port, request.toString().getBytes(StandardCharsets.UTF_8));

      String what = "request " + i + ":\n" + request;
      assertThat(r.status()).as(what).isLessThan(500);
      for (Map.Entry<String, String> h : r.headers()) {
        assertThat(EXPECTED_HEADERS).as(what).contains(h.getKey());
        assertThat(h.getValue())
            .as(what)
            .doesNotContain("Injected")
            .doesNotContain("\r")
            .doesNotContain("\n");
      }
      for (String token : r.headers("Session-B")) {
        assertThat(token).as(what).matches("[A-Za-z0-9_-]+");
      }
      for (String setCookie : r.headers("Set-Cookie")) {
        assertThat(SetCookie.value(setCookie)).as(what).matches("[A-Za-z0-9_-]+");
      }
    }
  }

  /** A mix of plausible and hostile pieces, sometimes around a valid value. */
  private static String garbage(Random random, String valid) {
    StringBuilder sb = new StringBuilder();
    if (random.nextInt(4) == 0) {
      sb.append(valid);
    }
    int pieces = random.nextInt(8);
    for (int i = 0; i < pieces; i++) {
      if (random.nextInt(5) == 0) {
        // Raw bytes a header value may carry (no CR, LF or NUL: those end the request line).
        sb.append((char) (0x20 + random.nextInt(0x5f)));
      } else {
        sb.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    if (random.nextInt(6) == 0) {
      List<String> mangled =
          List.of(
              valid.substring(0, valid.length() / 2),
              valid + valid,
              valid.toUpperCase(java.util.Locale.ROOT));
      sb.append(mangled.get(random.nextInt(mangled.size())));
    }
    return sb.toString();
  }
}
