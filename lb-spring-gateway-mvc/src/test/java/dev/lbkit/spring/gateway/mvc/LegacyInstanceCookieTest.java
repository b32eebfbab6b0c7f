package dev.lbkit.spring.gateway.mvc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * Migration from Spring Cloud LoadBalancer's sticky sessions on a Server MVC gateway: a client
 * holding the raw instance id in {@code sc-lb-instance-id} keeps its instance, receives an lbkit
 * token once, and is told to drop the old cookie; an id naming no instance is no session.
 */
class LegacyInstanceCookieTest {
  static final List<TestBackend> backends = new ArrayList<>();
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    for (int i = 0; i < 2; i++) {
      backends.add(TestBackend.start("tea-" + i));
    }
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      p.put("lbkit.upstreams.tea.backends[" + i + "].id", backends.get(i).name());
      p.put("lbkit.upstreams.tea.backends[" + i + "].address", backends.get(i).address());
    }
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.legacy-instance-id-cookie", "sc-lb-instance-id");
    String r = "spring.cloud.gateway.server.webmvc.routes[0]";
    p.put(r + ".id", "tea");
    p.put(r + ".uri", "lb://tea");
    p.put(r + ".predicates[0]", "Path=/tea/**");
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
  void aLegacyCookieKeepsItsInstanceAndIsReissuedOnce() {
    for (TestBackend b : backends) {
      HttpResponse<String> first = gateway.get("/tea/", "Cookie", "sc-lb-instance-id=" + b.name());
      assertThat(first.body()).isEqualTo(b.name());
      String token = TestGateway.cookie(first, "cookie-tea");
      assertThat(token).isNotNull();
      assertThat(TestGateway.setCookies(first))
          .anySatisfy(c -> assertThat(c).startsWith("sc-lb-instance-id=;").contains("Max-Age=0"));

      // A browser now sends the lbkit token (and perhaps the old cookie until it expires).
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> next =
            gateway.get("/tea/", "Cookie", token + "; sc-lb-instance-id=" + b.name());
        assertThat(next.body()).isEqualTo(b.name());
        assertThat(TestGateway.setCookies(next)).isEmpty();
      }
    }
  }

  @Test
  void anIdOfNoInstanceIsNoSession() {
    HttpResponse<String> r = gateway.get("/tea/", "Cookie", "sc-lb-instance-id=tea-9");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestGateway.cookie(r, "cookie-tea")).isNotNull();
    assertThat(TestGateway.setCookies(r))
        .noneSatisfy(c -> assertThat(c).startsWith("sc-lb-instance-id="));
  }
}
