package dev.lbkit.spring.gateway.mvc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A thousand requests with malformed session cookies, session headers and forwarded addresses: a
 * client's bad input is read as absent, never a 5xx, and never written back in a response header.
 */
class MalformedInputTest {
  static final List<TestBackend> backends = new ArrayList<>();
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    String r = "spring.cloud.gateway.server.webmvc.routes";
    int route = 0;
    for (String service : List.of("tea", "milk", "coffee")) {
      for (int i = 0; i < 2; i++) {
        TestBackend b = TestBackend.start(service + "-" + i);
        backends.add(b);
        p.put("lbkit.upstreams." + service + ".backends[" + i + "].address", b.address());
      }
      p.put(r + "[" + route + "].id", service);
      p.put(r + "[" + route + "].uri", "lb://" + service);
      p.put(r + "[" + route + "].predicates[0]", "Path=/" + service + "/**");
      route++;
    }
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.idle-timeout", "30m");
    p.put("lbkit.upstreams.milk.session-persistence.type", "Header");
    p.put("lbkit.upstreams.milk.session-persistence.session-name", "X-Session");
    p.put("lbkit.upstreams.coffee.method", "ip_hash");
    p.put("lbkit.client-address.trusted-proxies", "127.0.0.1/32");
    gateway = TestGateway.start(App.class, p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(TestBackend::close);
  }

  @Test
  void malformedCookiesAndHeadersAreNeverA5xxNorEchoed() {
    Random random = new Random(20260101);
    String valid = TestGateway.cookie(gateway.get("/tea/cup"), "cookie-tea");
    for (int i = 0; i < 1000; i++) {
      String junk = junk(random);
      String[] request =
          switch (i % 5) {
            case 0 -> new String[] {"/tea/cup", "Cookie", "cookie-tea=" + junk};
            case 1 -> new String[] {"/tea/cup", "Cookie", valid + junk};
            case 2 -> new String[] {"/milk/cup", "X-Session", junk};
            case 3 -> new String[] {"/coffee/cup", "X-Forwarded-For", junk};
            default -> new String[] {"/tea/cup", "Cookie", junk + "=" + junk + "; cookie-tea"};
          };
      HttpResponse<String> r = gateway.get(request[0], request[1], request[2]);
      assertThat(r.statusCode()).as("%s: %s", request[1], request[2]).isLessThan(500);
      r.headers()
          .map()
          .forEach(
              (name, values) ->
                  assertThat(values)
                      .as("response header %s for %s", name, request[2])
                      .noneMatch(v -> v.contains(junk)));
    }
  }

  /** Ten to forty printable characters, with the separators cookies and addresses use. */
  static String junk(Random random) {
    String alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            + "!#$%&'()*+-./:<=>?@[]^_`{|}~\";,= \\";
    int n = 10 + random.nextInt(31);
    StringBuilder s = new StringBuilder(n);
    s.append('Z'); // never blank at either end, where the client would trim it
    for (int i = 2; i < n; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    s.append('Q');
    return s.toString();
  }
}
