package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thousand malformed session cookies and headers (random octets, huge values, CR/LF injection
 * attempts, tampered and garbage tokens, bad forwarded addresses) sent as raw bytes: the gateway
 * answers none of them with a 5xx, and no response header carries anything the client sent.
 */
class MalformedInputTest {
  private static TestBackend t0;
  private static TestBackend t1;
  private static TestBackend m0;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    t0 = TestBackend.start("tea-0");
    t1 = TestBackend.start("tea-1");
    m0 = TestBackend.start("milk-0");
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "tea");
    TestGateway.route(p, 1, "milk");
    TestGateway.instance(p, "tea", 0, t0);
    TestGateway.instance(p, "tea", 1, t1);
    TestGateway.instance(p, "milk", 0, m0);
    p.put("lbkit.client-address.trusted-proxies[0]", "127.0.0.1/32");
    p.put("lbkit.client-address.header", "X-Forwarded-For");
    p.put("lbkit.upstreams.tea.method", "ip_hash");
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.absolute-timeout", "24h");
    p.put("lbkit.upstreams.tea.session-persistence.cookie-config.lifetime-type", "Permanent");
    p.put("lbkit.upstreams.milk.session-persistence.type", "Header");
    p.put("lbkit.upstreams.milk.session-persistence.session-name", "X-Session");
    gateway = TestGateway.start(p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    t0.close();
    t1.close();
    m0.close();
  }

  @Test
  void aThousandMalformedCookiesAndHeadersGetNo5xxAndAreNotEchoed() {
    String valid = cookiePair(gateway.get("/tea/"), "cookie-tea").substring("cookie-tea=".length());
    String header = gateway.get("/milk/").headers().firstValue("X-Session").orElseThrow();
    Random random = new Random(20261203L);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int answered = 0;
    int served = 0;
    for (int i = 0; i < 1000; i++) {
      String marker = marker(random);
      boolean milk = i % 3 == 2;
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      write(head, "GET /" + (milk ? "milk" : "tea") + "/order HTTP/1.1\r\nHost: cafe\r\n");
      switch (i % 10) {
        case 0 -> { // random octets (no CR/LF) around the marker
          write(head, "Cookie: cookie-tea=");
          head.writeBytes(randomOctets(random, 1 + random.nextInt(200)));
          write(head, marker + "\r\n");
        }
        case 1 -> // a huge cookie, often past the server's header limit
            write(
                head,
                "Cookie: cookie-tea=" + marker + "A".repeat(1000 + random.nextInt(20000)) + "\r\n");
        case 2 -> // a tampered valid token
            write(head, "Cookie: cookie-tea=" + tamper(valid, random) + marker + "\r\n");
        case 3 -> // an attempt to inject a header through the session header's value
            write(head, "X-Session: " + marker + "\r\nSet-Cookie: injected=" + marker + "\r\n");
        case 4 -> // a tampered header session
            write(head, "X-Session: " + tamper(header, random) + marker + "\r\n");
        case 5 -> // encoded CR/LF
            write(
                head, "Cookie: cookie-tea=" + marker + "%0d%0aSet-Cookie:%20x=" + marker + "\r\n");
        case 6 -> // garbage forwarded addresses
            write(head, "X-Forwarded-For: " + marker + ", 999.1.1.1, ::ffff:zz, , \r\n");
        case 7 -> // many cookies of the session name, all garbage
            write(
                head,
                "Cookie: cookie-tea="
                    + marker
                    + "; cookie-tea=; cookie-tea==; =cookie-tea; cookie-tea=\"quoted"
                    + marker
                    + "\"\r\n");
        case 8 -> { // random octets in the session header
          write(head, "X-Session: ");
          head.writeBytes(randomOctets(random, 1 + random.nextInt(300)));
          write(head, marker + "\r\n");
        }
        default -> // a valid token followed by garbage tokens
            write(
                head,
                "Cookie: cookie-tea="
                    + valid
                    + "."
                    + marker
                    + "; x="
                    + marker
                    + "\r\n"
                    + "X-Session: "
                    + header
                    + "=="
                    + marker
                    + "\r\n");
      }
      TestGateway.RawResponse r = gateway.raw(loopback, head.toByteArray());
      if (r.status() > 0 || i % 10 == 1) {
        answered++; // an oversized head may be cut off by a reset instead of a 431
      }
      assertThat(r.status()).as("request %d", i).isLessThan(500);
      if (r.status() == 200) {
        served++;
      }
      String lowerMarker = marker.toLowerCase(Locale.ROOT);
      for (String line : r.headerLines()) {
        assertThat(line.toLowerCase(Locale.ROOT)).as("request %d", i).doesNotContain(lowerMarker);
      }
    }
    // Every request got an answer: the backend's, or a 4xx of the server for what it refuses.
    assertThat(answered).isEqualTo(1000);
    // Most reached lbkit and a backend: the server refuses only controls and oversized heads.
    assertThat(served).isGreaterThan(600);
  }

  private static String marker(Random random) {
    StringBuilder s = new StringBuilder("zqx");
    for (int i = 0; i < 10; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  /**
   * Random octets, mostly visible ASCII and octets above 0x7F (which the server lets through to the
   * gateway), now and then a control character (which it refuses with 400); never CR or LF, which
   * would end the line.
   */
  private static byte[] randomOctets(Random random, int n) {
    boolean controls = random.nextInt(10) == 0;
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      int v;
      do {
        v = controls ? 1 + random.nextInt(255) : 0x21 + random.nextInt(0xFF - 0x21 + 1);
      } while (v == '\r' || v == '\n' || v == 0x7F);
      b[i] = (byte) v;
    }
    return b;
  }

  private static String tamper(String token, Random random) {
    char[] c = token.toCharArray();
    int at = random.nextInt(c.length);
    c[at] = c[at] == 'A' ? 'B' : 'A';
    return new String(c);
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
