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
 * Gateway replicas that share a session secret share sessions, and a restarted gateway keeps them
 * (the NGINX Ingress Controller and kgateway guides, seeds 000 and 003): the token is signed, not
 * stored.
 */
class SharedSessionsTest {
  static final List<TestBackend> backends = new ArrayList<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    for (int i = 1; i <= 3; i++) {
      backends.add(TestBackend.start("tea-" + i));
    }
  }

  @AfterAll
  static void stop() {
    backends.forEach(TestBackend::close);
  }

  static TestGateway gateway() {
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      p.put("lbkit.upstreams.tea.backends[" + i + "].id", backends.get(i).name());
      p.put("lbkit.upstreams.tea.backends[" + i + "].address", backends.get(i).address());
    }
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    String r = "spring.cloud.gateway.server.webmvc.routes[0]";
    p.put(r + ".id", "tea");
    p.put(r + ".uri", "lb://tea");
    p.put(r + ".predicates[0]", "Path=/tea/**");
    return TestGateway.start(App.class, p);
  }

  @Test
  void replicasShareSessionsAndARestartKeepsThem() {
    Map<String, String> sessions = new LinkedHashMap<>(); // cookie -> backend
    try (TestGateway a = gateway();
        TestGateway b = gateway()) {
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> r = a.get("/tea/cup");
        sessions.put(TestGateway.cookie(r, "cookie-tea"), r.body());
      }
      assertThat(sessions.values()).as("sessions on several backends").hasSizeGreaterThan(1);
      sessions.forEach(
          (cookie, backend) -> {
            HttpResponse<String> r = b.get("/tea/cup", "Cookie", cookie);
            assertThat(r.body()).isEqualTo(backend);
            assertThat(TestGateway.cookie(r, "cookie-tea")).isNull();
          });
    }
    try (TestGateway restarted = gateway()) {
      sessions.forEach(
          (cookie, backend) ->
              assertThat(restarted.get("/tea/cup", "Cookie", cookie).body()).isEqualTo(backend));
    }
  }
}
