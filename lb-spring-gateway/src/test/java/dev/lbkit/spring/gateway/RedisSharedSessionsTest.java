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
 * Learned sessions on a real Redis ({@code lbkit.redis.uri}): two gateways share them, a gateway
 * restart loses none, and with Redis stopped both gateways keep answering, the sessions they have
 * seen still sticking.
 */
class RedisSharedSessionsTest {
  private static RedisServer redis;
  private static List<TestBackend> backends;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    backends =
        List.of(
            TestBackend.start("shop-0", "JSESSIONID=shop-0.s; Path=/"),
            TestBackend.start("shop-1", "JSESSIONID=shop-1.s; Path=/"),
            TestBackend.start("shop-2", "JSESSIONID=shop-2.s; Path=/"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (backends != null) {
      backends.forEach(TestBackend::close);
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static TestGateway gateway() {
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "shop");
    for (int i = 0; i < backends.size(); i++) {
      TestGateway.instance(p, "shop", i, backends.get(i));
    }
    p.put(
        "lbkit.upstreams.shop.sticky-learn",
        "sticky learn create=$upstream_cookie_JSESSIONID lookup=$cookie_JSESSIONID zone=shop:1m");
    p.put("lbkit.redis.uri", redis.uri());
    p.put("lbkit.redis.timeout", "200ms");
    return TestGateway.start(p);
  }

  @Test
  void twoGatewaysShareLearnedSessionsARestartKeepsThemAndAnOutageIsNoError() throws Exception {
    Map<String, String> sessions = new LinkedHashMap<>();
    try (TestGateway a = gateway();
        TestGateway b = gateway()) {
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> r = a.get("/shop/cart");
        sessions.put(cookiePair(r, "JSESSIONID"), r.body());
      }
      assertThat(sessions).hasSizeGreaterThan(1);
      Thread.sleep(300); // writes to Redis do not wait for it
      sessions.forEach(
          (pair, backend) -> {
            for (int i = 0; i < 3; i++) {
              assertThat(b.get("/shop/cart", "Cookie", pair).body()).isEqualTo(backend);
            }
          });
    }
    try (TestGateway restarted = gateway()) {
      sessions.forEach(
          (pair, backend) ->
              assertThat(restarted.get("/shop/cart", "Cookie", pair).body()).isEqualTo(backend));
      redis.stop();
      for (int round = 0; round < 3; round++) {
        sessions.forEach(
            (pair, backend) -> {
              HttpResponse<String> r = restarted.get("/shop/cart", "Cookie", pair);
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.body()).as("near-cached").isEqualTo(backend);
            });
        assertThat(restarted.get("/shop/cart", "Cookie", "JSESSIONID=unknown").statusCode())
            .isEqualTo(200);
      }
      redis.startAgain();
    }
  }
}
