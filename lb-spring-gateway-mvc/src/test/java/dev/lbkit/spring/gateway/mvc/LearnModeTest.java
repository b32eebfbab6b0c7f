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
 * Learn mode on a Server MVC gateway (NGINX Plus {@code sticky learn}): each backend issues its own
 * {@code JSESSIONID}; the gateway learns it from the proxied response and sends every request
 * carrying it back to that backend, writing no cookie of its own.
 */
class LearnModeTest {
  static final List<TestBackend> backends = new ArrayList<>();
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      backends.add(TestBackend.withCookie("shop-" + i, "JSESSIONID=shop-" + i + ".s; Path=/"));
    }
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      p.put("lbkit.upstreams.shop.backends[" + i + "].id", backends.get(i).name());
      p.put("lbkit.upstreams.shop.backends[" + i + "].address", backends.get(i).address());
    }
    p.put(
        "lbkit.upstreams.shop.sticky-learn",
        "sticky learn create=$upstream_cookie_JSESSIONID lookup=$cookie_JSESSIONID zone=shop:1m");
    String r = "spring.cloud.gateway.server.webmvc.routes[0]";
    p.put(r + ".id", "shop");
    p.put(r + ".uri", "lb://shop");
    p.put(r + ".predicates[0]", "Path=/shop/**");
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
  void aSessionTheBackendIssuedReturnsToIt() {
    Map<String, String> sessions = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = gateway.get("/shop/cart");
      assertThat(r.statusCode()).isEqualTo(200);
      String pair = TestGateway.cookie(r, "JSESSIONID");
      assertThat(pair).isEqualTo("JSESSIONID=" + r.body() + ".s");
      assertThat(TestGateway.setCookies(r)).hasSize(1); // the backend's only
      sessions.put(pair, r.body());
    }
    assertThat(sessions).hasSizeGreaterThan(1);
    sessions.forEach(
        (pair, backend) -> {
          for (int i = 0; i < 4; i++) {
            assertThat(gateway.get("/shop/cart", "Cookie", "x=1; " + pair).body())
                .isEqualTo(backend);
          }
        });
  }
}
