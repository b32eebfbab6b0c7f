package dev.lbkit.spring.gateway.mvc;

import static dev.lbkit.spring.gateway.mvc.LbkitFilterFunctions.lbkit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The cafe of the NGINX Gateway Fabric and kgateway guides (seeds 001 and 003) on a Server MVC
 * gateway: coffee by ip_hash over the client address a trusted proxy forwarded, tea with a
 * permanent {@code cookie-tea} on {@code /tea}, latte round robin, and a header session. Coffee and
 * tea are discovered services on {@code lb://} and {@code Lbkit=tea} YAML routes, latte a Java
 * route with {@code lbkit("latte")}, milk a static upstream behind {@code lb://milk}.
 */
class CafeWalkthroughTest {
  static final List<TestBackend> backends = new ArrayList<>();
  static final Map<String, List<TestBackend>> byService = new HashMap<>();
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Cafe {
    @Bean
    RouterFunction<ServerResponse> latteRoute() {
      return route("latte").GET("/latte/**", http()).filter(lbkit("latte")).build();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    for (String service : List.of("coffee", "tea", "latte", "milk")) {
      List<TestBackend> list = new ArrayList<>();
      int n = service.equals("coffee") ? 3 : 2;
      for (int i = 1; i <= n; i++) {
        String name = service + "-" + i;
        list.add(
            service.equals("tea")
                ? TestBackend.withCookie(name, "tea-own=" + i + "; Path=/")
                : TestBackend.start(name));
      }
      backends.addAll(list);
      byService.put(service, list);
    }
    gateway = TestGateway.start(Cafe.class, properties("127.0.0.1/32"));
  }

  static Map<String, String> properties(String trustedProxies) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String service : List.of("coffee", "tea")) {
      List<TestBackend> list = byService.get(service);
      for (int i = 0; i < list.size(); i++) {
        String at = "spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].";
        p.put(at + "uri", list.get(i).uri());
        p.put(at + "instance-id", list.get(i).name());
      }
    }
    for (String service : List.of("latte", "milk")) {
      List<TestBackend> list = byService.get(service);
      for (int i = 0; i < list.size(); i++) {
        String at = "lbkit.upstreams." + service + ".backends[" + i + "].";
        p.put(at + "id", list.get(i).name());
        p.put(at + "address", list.get(i).address());
      }
    }
    p.put("lbkit.client-address.trusted-proxies", trustedProxies);
    p.put("lbkit.upstreams.coffee.method", "ip_hash");
    p.put("lbkit.upstreams.tea.session-persistence.session-name", "cookie-tea");
    p.put("lbkit.upstreams.tea.session-persistence.cookie-config.lifetime-type", "Permanent");
    p.put("lbkit.upstreams.tea.session-persistence.absolute-timeout", "24h");
    p.put("lbkit.upstreams.tea.session-persistence.path", "/tea");
    p.put("lbkit.upstreams.latte.method", "round_robin");
    p.put("lbkit.upstreams.milk.session-persistence.type", "Header");
    p.put("lbkit.upstreams.milk.session-persistence.session-name", "X-Session");
    String r = "spring.cloud.gateway.server.webmvc.routes";
    p.put(r + "[0].id", "coffee");
    p.put(r + "[0].uri", "lb://coffee");
    p.put(r + "[0].predicates[0]", "Path=/coffee/**");
    p.put(r + "[1].id", "tea");
    // The URI is a placeholder: the Lbkit filter points the proxy at the backend it picks.
    p.put(r + "[1].uri", "http://localhost:9");
    p.put(r + "[1].predicates[0]", "Path=/tea/**");
    p.put(r + "[1].filters[0]", "Lbkit=tea");
    p.put(r + "[2].id", "milk");
    p.put(r + "[2].uri", "lb://milk");
    p.put(r + "[2].predicates[0]", "Path=/milk/**");
    return p;
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(TestBackend::close);
  }

  @Test
  void coffeeStaysWithEachClientAddressFromTrustedForwardedFor() {
    for (String client : List.of("10.0.1.7", "10.0.2.7")) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = gateway.get("/coffee/cup", "X-Forwarded-For", client);
        assertThat(r.statusCode()).isEqualTo(200);
        seen.add(r.body());
      }
      assertThat(seen).as("backends for client %s", client).hasSize(1);
    }
    // The forwarded address is what is hashed: twenty /24 networks do not all land on one backend.
    assertThat(coffeeBackendsFor(gateway)).hasSizeGreaterThan(1);
  }

  @Test
  void anUntrustedForwardedForIsIgnored() {
    // 127.0.0.1 is not among this gateway's trusted proxies: every request is the peer's.
    try (TestGateway strict = TestGateway.start(Cafe.class, properties("192.0.2.1/32"))) {
      assertThat(coffeeBackendsFor(strict)).hasSize(1);
    }
  }

  private static Set<String> coffeeBackendsFor(TestGateway g) {
    Set<String> seen = new HashSet<>();
    for (int net = 0; net < 20; net++) {
      seen.add(g.get("/coffee/cup", "X-Forwarded-For", "10.0." + net + ".9").body());
    }
    return seen;
  }

  @Test
  void teaSetsAPermanentCookieOnItsPathAndItSticks() {
    HttpResponse<String> first = gateway.get("/tea/cup");
    assertThat(first.statusCode()).isEqualTo(200);
    List<String> cookies = TestGateway.setCookies(first);
    String tea = cookies.stream().filter(c -> c.startsWith("cookie-tea=")).findFirst().orElse("");
    assertThat(tea).contains("; Max-Age=86400").contains("; Path=/tea");
    // The backend's own cookie arrives beside lbkit's.
    assertThat(cookies).anyMatch(c -> c.startsWith("tea-own="));
    String cookie = TestGateway.cookie(first, "cookie-tea");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gateway.get("/tea/cup", "Cookie", cookie + "; tea-own=1");
      assertThat(r.statusCode()).isEqualTo(200);
      seen.add(r.body());
    }
    assertThat(seen).containsExactly(first.body());
  }

  @Test
  void latteIsRoundRobin() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = gateway.get("/latte/cup");
      assertThat(r.statusCode()).isEqualTo(200);
      counts.merge(r.body(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("latte-1", "latte-2");
    assertThat(counts.values()).containsOnly(3);
  }

  @Test
  void aHeaderSessionSticks() {
    HttpResponse<String> first = gateway.get("/milk/cup");
    assertThat(first.statusCode()).isEqualTo(200);
    String session = first.headers().firstValue("X-Session").orElse(null);
    assertThat(session).isNotBlank();
    assertThat(TestGateway.setCookies(first)).isEmpty();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gateway.get("/milk/cup", "X-Session", session);
      assertThat(r.body()).isEqualTo(first.body());
    }
  }
}
