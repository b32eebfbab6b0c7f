package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gateways that share a session secret share sessions, as NGINX Plus replicas do: a cookie one
 * gateway set is honoured by another and by a restarted one; a gateway with another secret does not
 * honour it.
 */
class SharedSessionsTest {
  private static TestBackend t0;
  private static TestBackend t1;
  private static final List<TestGateway> gateways = new ArrayList<>();

  @BeforeAll
  static void backends() {
    t0 = TestBackend.start("tea-0");
    t1 = TestBackend.start("tea-1");
  }

  @AfterAll
  static void stop() {
    gateways.forEach(TestGateway::close);
    t0.close();
    t1.close();
  }

  private static TestGateway gateway(String secret) {
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "tea");
    TestGateway.instance(p, "tea", 0, t0);
    TestGateway.instance(p, "tea", 1, t1);
    p.put("lbkit.upstreams.tea.method", "round_robin");
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.path", "/tea");
    if (secret != null) {
      p.put("lbkit.session-secrets-env", "");
      p.put("lbkit.session-secrets[0]", secret);
    }
    TestGateway g = TestGateway.start(p);
    gateways.add(g);
    return g;
  }

  /**
   * Each session's requests to {@code g} reach the backend it was made on, without a new cookie.
   */
  private static void assertHonoured(TestGateway g, Map<String, String> sessions) {
    for (Map.Entry<String, String> s : sessions.entrySet()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = g.get("/tea/", "Cookie", s.getKey());
        assertThat(r.body()).isEqualTo(s.getValue());
        assertThat(cookiePair(r, "cookie-tea")).isNull();
      }
    }
  }

  @Test
  void aSessionOfOneGatewayWorksOnAnotherAndAfterARestart() {
    TestGateway a = gateway(null);
    TestGateway b = gateway(null);
    Map<String, String> sessions = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = a.get("/tea/");
      sessions.put(cookiePair(r, "cookie-tea"), r.body());
    }
    assertThat(new HashSet<>(sessions.values())).containsExactlyInAnyOrder("tea-0", "tea-1");
    assertHonoured(b, sessions);

    a.close();
    gateways.remove(a);
    TestGateway restarted = gateway(null);
    assertHonoured(restarted, sessions);

    TestGateway stranger = gateway("Zx9wV2qN7rT4yL1mK6pB3cH8dF5sG0jA");
    Set<String> reissued = new HashSet<>();
    for (String session : sessions.keySet()) {
      HttpResponse<String> r = stranger.get("/tea/", "Cookie", session);
      assertThat(r.statusCode()).isEqualTo(200);
      String fresh = cookiePair(r, "cookie-tea");
      assertThat(fresh).isNotNull().isNotEqualTo(session);
      reissued.add(fresh);
    }
    assertThat(reissued).hasSize(sessions.size());
  }
}
