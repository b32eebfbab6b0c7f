package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Learn mode on a WebFlux gateway (NGINX Plus {@code sticky learn}): each backend issues its own
 * {@code JSESSIONID}; the gateway learns it from the backend's response and sends every request
 * carrying it back to that backend, writing no cookie of its own.
 */
class LearnModeTest {
  private static List<TestBackend> backends;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    backends =
        List.of(
            TestBackend.start("shop-0", "JSESSIONID=shop-0.s; Path=/; HttpOnly"),
            TestBackend.start("shop-1", "JSESSIONID=shop-1.s; Path=/; HttpOnly"),
            TestBackend.start("shop-2", "JSESSIONID=shop-2.s; Path=/; HttpOnly"));
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "shop");
    for (int i = 0; i < backends.size(); i++) {
      TestGateway.instance(p, "shop", i, backends.get(i));
    }
    p.put(
        "lbkit.upstreams.shop.sticky-learn",
        "sticky learn create=$upstream_cookie_JSESSIONID lookup=$cookie_JSESSIONID zone=shop:1m");
    gateway = TestGateway.start(p);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    backends.forEach(TestBackend::close);
  }

  @Test
  void aSessionTheBackendIssuedReturnsToIt() {
    Map<String, String> sessions = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = gateway.get("/shop/cart");
      assertThat(r.statusCode()).isEqualTo(200);
      String pair = cookiePair(r, "JSESSIONID");
      assertThat(pair).isEqualTo("JSESSIONID=" + r.body() + ".s");
      assertThat(r.headers().allValues("set-cookie")).hasSize(1); // the backend's only
      sessions.put(pair, r.body());
    }
    assertThat(sessions).hasSizeGreaterThan(1);
    sessions.forEach(
        (pair, backend) -> {
          for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = gateway.get("/shop/cart", "Cookie", "x=1; " + pair);
            assertThat(r.body()).isEqualTo(backend);
          }
        });
  }
}
