package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Availability;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.PoolSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: random malformed and unusual requests, sent as raw bytes through the real proxy to
 * healthy backends, never mark a backend failed, never move a persistent session, and are never
 * answered 5xx by lbkit (Jetty's own 501 and 505 for what it does not speak are fine).
 */
class ClientFuzzTest {
  private static final long SEED = Long.getLong("lbkit.fuzz.seed", 18L);
  private static final int REQUESTS = 400;

  private static Cafe cafe;

  @BeforeAll
  static void open() throws Exception {
    // Persistent sessions (a moved session would get a new cookie), nginx's max_fails=1, and a
    // gateway that accepts heads larger than its proxy's request buffer.
    cafe =
        Cafe.open(
            tea -> tea.mode(SessionPersistence.Mode.PERSISTENT),
            PassiveHealth.defaults(),
            64 * 1024);
  }

  @AfterAll
  static void close() {
    cafe.close();
  }

  @Test
  void noClientRequestFailsABackendOrMovesASession() throws Exception {
    Raw first = send("GET /tea HTTP/1.1\r\nHost: cafe\r\n", null);
    assertThat(first.status).isEqualTo(200);
    String cookie = Http.cookiePair(first.header("set-cookie"));
    String home = HelloBackend.serverName(first.body);

    Random random = new Random(SEED);
    for (int i = 0; i < REQUESTS; i++) {
      String path =
          random.nextBoolean() ? "/tea" : "/latte" + (random.nextBoolean() ? "?ignoreBody" : "");
      String[] request = mutated(random, path, cookie);
      Raw response = send(request[0], request[1]);
      assertThat(response.status)
          .as("seed %s, request %s: %s%s", SEED, i, request[0], request[1])
          .satisfiesAnyOf(
              status -> assertThat(status).isBetween(100, 499),
              status -> assertThat(status).isIn(501, 505, -1));
      if (response.status >= 200 && response.status < 300 && path.equals("/tea")) {
        assertThat(response.header("set-cookie")).as("request %s moved the session", i).isNull();
      }
    }
    for (String route : new String[] {"tea", "latte"}) {
      LoadBalancer lb = cafe.lb(route);
      ProxyAssertions.assertNothingInFlight(lb);
      PoolSnapshot pool = lb.upstream().snapshot();
      for (int b = 0; b < pool.size(); b++) {
        assertThat(pool.availability(b))
            .as("seed %s: %s", SEED, pool.backend(b).id())
            .isEqualTo(Availability.AVAILABLE);
      }
    }
    Raw again = send("GET /tea HTTP/1.1\r\nHost: cafe\r\nCookie: " + cookie + "\r\n", null);
    assertThat(HelloBackend.serverName(again.body)).isEqualTo(home);
    assertThat(again.header("set-cookie")).isNull();
  }

  /** A head (without the final empty line) and a body to send after it, or null. */
  private static String[] mutated(Random random, String path, String cookie) {
    StringBuilder head = new StringBuilder();
    String body = null;
    String method = pick(random, "GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "FOO");
    String version =
        random.nextInt(10) == 0
            ? pick(random, "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.x")
            : "HTTP/1.1";
    head.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
    head.append("Host: cafe\r\n").append("Cookie: ").append(cookie).append("\r\n");
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      switch (random.nextInt(12)) {
        case 0:
          head.append("Expect: 100-continue\r\n");
          if (body == null && random.nextBoolean()) {
            head.append("Content-Length: 5\r\n");
            body = "hello";
          }
          break;
        case 1:
          if (body == null) {
            head.append("Transfer-Encoding: chunked\r\n");
            body =
                pick(
                    random,
                    "5\r\nhello\r\nzz\r\n",
                    "5\r\nhel",
                    "5\r\nhello\r\n0\r\nBad Trailer\r\n\r\n",
                    "ffffffffffffffffff\r\nx\r\n0\r\n\r\n",
                    "5;x=\"\r\nhello\r\n0\r\n\r\n",
                    "0\r\n\r\n");
          }
          break;
        case 2:
          if (body == null) {
            // Fewer bytes than announced: the client stops sending.
            head.append("Content-Length: 100\r\n");
            body = "short";
          }
          break;
        case 3:
          for (int n = 0; n < 200 + random.nextInt(900); n++) {
            head.append("X-Forwarded-For: 192.0.2.").append(n % 250).append("\r\n");
          }
          break;
        case 4:
          head.append("Via: ").append(garbage(random)).append("\r\n");
          break;
        case 5:
          head.append("Forwarded: ").append(garbage(random)).append("\r\n");
          break;
        case 6:
          head.append("X-Junk: ").append(garbage(random)).append("\r\n");
          break;
        case 7:
          head.append("Content-Length: ")
              .append(pick(random, "-1", "abc", "5, 6", "99999999999999999999"))
              .append("\r\n");
          break;
        case 8:
          head.append("Transfer-Encoding: ")
              .append(pick(random, "gzip", "chunked, chunked", "identity", "x"))
              .append("\r\n");
          break;
        case 9:
          head.append("Connection: ")
              .append(pick(random, "Upgrade", "keep-alive, x", "TE"))
              .append("\r\n")
              .append("Upgrade: ")
              .append(pick(random, "websocket", "h2c", "x"))
              .append("\r\n");
          break;
        case 10:
          head.append("Host: second.example\r\n");
          break;
        default:
          head.append("X-Long: ").append("a".repeat(1000 + random.nextInt(7000))).append("\r\n");
          break;
      }
    }
    return new String[] {head.toString(), body};
  }

  private static String garbage(Random random) {
    String alphabet = "abcXYZ0189 \t;,=\"'[]:\\/%$#@!?{}()<>+*&^~`|_-.\u00e9\u00ff";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(40); i >= 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString().strip();
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }

  private static final class Raw {
    final int status;
    final List<String> headers;
    final String body;

    Raw(int status, List<String> headers, String body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    String header(String name) {
      for (String line : headers) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":")) {
          return line.substring(name.length() + 1).trim();
        }
      }
      return null;
    }
  }

  /**
   * Sends the head and body, then half-closes (a body shorter than announced ends there), and reads
   * the final response: a "100 Continue" before it is skipped; -1 when none came.
   */
  private static Raw send(String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cafe.gateway.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body.getBytes(StandardCharsets.ISO_8859_1));
      }
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        in.transferTo(bytes);
      } catch (IOException e) {
        // A reset after the answer: what arrived is the answer.
      }
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      while (text.startsWith("HTTP/1.1 100")) {
        int end = text.indexOf("\r\n\r\n");
        text = end < 0 ? "" : text.substring(end + 4);
      }
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/") || end < 0) {
        return new Raw(-1, List.of(), "");
      }
      String[] lines = text.substring(0, end).split("\r\n");
      List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
      return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }
  }
}
