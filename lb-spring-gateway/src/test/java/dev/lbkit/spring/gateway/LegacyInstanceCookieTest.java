package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Migration from Spring Cloud LoadBalancer's sticky sessions: a client holding the raw instance id
 * in {@code sc-lb-instance-id} keeps its instance, receives an lbkit token once, and is told to
 * drop the old cookie; an id naming no instance is no session.
 */
class LegacyInstanceCookieTest {
  private static TestBackend t0;
  private static TestBackend t1;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    t0 = TestBackend.start("tea-0");
    t1 = TestBackend.start("tea-1");
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "tea");
    TestGateway.instance(p, "tea", 0, t0);
    TestGateway.instance(p, "tea", 1, t1);
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.legacy-instance-id-cookie", "sc-lb-instance-id");
    gateway = TestGateway.start(p);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    t0.close();
    t1.close();
  }

  @Test
  void aLegacyCookieKeepsItsInstanceAndIsReissuedOnce() {
    for (TestBackend b : new TestBackend[] {t0, t1}) {
      HttpResponse<String> first = gateway.get("/tea/", "Cookie", "sc-lb-instance-id=" + b.name);
      assertThat(first.body()).isEqualTo(b.name);
      String token = cookiePair(first, "cookie-tea");
      assertThat(token).isNotNull();
      assertThat(first.headers().allValues("set-cookie"))
          .anySatisfy(c -> assertThat(c).startsWith("sc-lb-instance-id=;").contains("Max-Age=0"));

      // A browser now sends the lbkit token (and perhaps the old cookie until it expires).
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> next =
            gateway.get("/tea/", "Cookie", token + "; sc-lb-instance-id=" + b.name);
        assertThat(next.body()).isEqualTo(b.name);
        assertThat(next.headers().allValues("set-cookie")).isEmpty();
      }
    }
  }

  @Test
  void anIdOfNoInstanceIsNoSession() {
    HttpResponse<String> r = gateway.get("/tea/", "Cookie", "sc-lb-instance-id=tea-9");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(cookiePair(r, "cookie-tea")).isNotNull();
    assertThat(r.headers().allValues("set-cookie"))
        .noneSatisfy(c -> assertThat(c).startsWith("sc-lb-instance-id="));
  }
}
