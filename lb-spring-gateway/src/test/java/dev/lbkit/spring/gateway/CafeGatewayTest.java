package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
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

/**
 * The cafe walkthroughs of the seed guides (NGINX Gateway Fabric's coffee, tea and latte; a header
 * session as kgateway's), through a real gateway: coffee by ip_hash on the address a trusted proxy
 * forwarded, tea with the Permanent cookie {@code cookie-tea}, latte round robin, milk with an
 * {@code X-Session} header; and route metadata that switches lbkit off or names another upstream.
 */
class CafeGatewayTest {
  private static final List<TestBackend> backends = new ArrayList<>();
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    Map<String, Object> p = new LinkedHashMap<>();
    String[] services = {"coffee", "tea", "latte"};
    for (String service : services) {
      for (int i = 0; i < 2; i++) {
        TestBackend b =
            service.equals("tea")
                ? TestBackend.start("tea-" + i, "app=tea-" + i + "; Path=/")
                : TestBackend.start(service + "-" + i);
        backends.add(b);
        TestGateway.instance(p, service, i, b);
      }
    }
    TestBackend milk0 = TestBackend.start("milk-0");
    TestBackend milk1 = TestBackend.start("milk-1");
    backends.add(milk0);
    backends.add(milk1);
    TestGateway.route(p, 0, "coffee");
    TestGateway.route(p, 1, "tea");
    TestGateway.route(p, 2, "latte");
    TestGateway.route(p, 3, "milk");
    String decaf = "spring.cloud.gateway.server.webflux.routes[4].";
    p.put(decaf + "id", "decaf");
    p.put(decaf + "uri", "lb://tea");
    p.put(decaf + "predicates[0]", "Path=/decaf/**");
    p.put(decaf + "metadata.lbkit.enabled", "false");
    String chai = "spring.cloud.gateway.server.webflux.routes[5].";
    p.put(chai + "id", "chai");
    p.put(chai + "uri", "lb://tea");
    p.put(chai + "predicates[0]", "Path=/chai/**");
    p.put(chai + "metadata[lbkit.upstream]", "tea-by-header");

    p.put("lbkit.client-address.trusted-proxies[0]", "127.0.0.1/32");
    p.put("lbkit.client-address.header", "X-Forwarded-For");
    p.put("lbkit.upstreams.coffee.method", "ip_hash");
    String tea = "lbkit.upstreams.tea.session-persistence.";
    p.put(tea + "session-name", "cookie-tea");
    p.put(tea + "type", "Cookie");
    p.put(tea + "absolute-timeout", "24h");
    p.put(tea + "cookie-config.lifetime-type", "Permanent");
    p.put(tea + "path", "/tea");
    p.put("lbkit.upstreams.latte.method", "round_robin");
    p.put("lbkit.upstreams.milk.backends[0].id", "milk-0");
    p.put("lbkit.upstreams.milk.backends[0].address", milk0.address());
    p.put("lbkit.upstreams.milk.backends[1].id", "milk-1");
    p.put("lbkit.upstreams.milk.backends[1].address", milk1.address());
    p.put("lbkit.upstreams.milk.session-persistence.type", "Header");
    p.put("lbkit.upstreams.milk.session-persistence.session-name", "X-Session");
    p.put("lbkit.upstreams.tea-by-header.service-id", "tea");
    p.put("lbkit.upstreams.tea-by-header.session-persistence.type", "Header");
    p.put("lbkit.upstreams.tea-by-header.session-persistence.session-name", "X-Chai");
    gateway = TestGateway.start(p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(TestBackend::close);
  }

  @Test
  void coffeeIpHashSticksToTheForwardedAddressOfATrustedProxy() {
    Map<String, String> backendOf = new HashMap<>();
    for (int net = 1; net <= 12; net++) {
      String client = "203.0." + net + ".10";
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        // A second address of the same /24 lands with it too: ip_hash keys on three octets.
        String forwarded = "203.0." + net + "." + (10 + i);
        HttpResponse<String> r = gateway.get("/coffee/order", "X-Forwarded-For", forwarded);
        assertThat(r.statusCode()).isEqualTo(200);
        seen.add(r.body());
      }
      assertThat(seen).as("client %s", client).hasSize(1);
      backendOf.put(client, seen.iterator().next());
    }
    assertThat(new HashSet<>(backendOf.values())).containsExactlyInAnyOrder("coffee-0", "coffee-1");
  }

  @Test
  void coffeeIgnoresTheForwardedAddressOfAnUntrustedPeer() throws Exception {
    InetAddress untrusted = InetAddress.getByName("127.0.0.2");
    String request = "GET /coffee/order HTTP/1.1\r\nHost: cafe.example.com\r\n";
    TestGateway.RawResponse own = gateway.raw(untrusted, request);
    assertThat(own.status()).isEqualTo(200);
    // A forwarded address that a trusted proxy would have sent elsewhere.
    String elsewhere = null;
    for (int net = 1; net <= 32 && elsewhere == null; net++) {
      String client = "198.51." + net + ".7";
      if (!gateway.get("/coffee/", "X-Forwarded-For", client).body().equals(own.body())) {
        elsewhere = client;
      }
    }
    assertThat(elsewhere).isNotNull();
    for (int i = 0; i < 3; i++) {
      TestGateway.RawResponse r =
          gateway.raw(untrusted, request + "X-Forwarded-For: " + elsewhere + "\r\n");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(own.body());
    }
  }

  @Test
  void teaSetsThePermanentCookieNextToTheBackendsOwnAndSticks() {
    HttpResponse<String> first = gateway.get("/tea/order");
    assertThat(first.statusCode()).isEqualTo(200);
    List<String> cookies = first.headers().allValues("set-cookie");
    assertThat(cookies)
        .anySatisfy(
            c ->
                assertThat(c)
                    .matches(
                        "cookie-tea=[A-Za-z0-9_.~-]+; Max-Age=86400; Expires=[^;]+ GMT;"
                            + " Path=/tea; HttpOnly"))
        .contains("app=" + first.body() + "; Path=/");
    String session = cookiePair(first, "cookie-tea");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gateway.get("/tea/order", "Cookie", session);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(first.body());
    }
  }

  @Test
  void latteRoundRobinsWithoutASession() {
    Map<String, Integer> counts = new HashMap<>();
    String previous = null;
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = gateway.get("/latte/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().allValues("set-cookie")).isEmpty();
      assertThat(r.body()).isNotEqualTo(previous);
      previous = r.body();
      counts.merge(r.body(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("latte-0", 5), Map.entry("latte-1", 5));
  }

  @Test
  void milkAnswersAHeaderSessionThatSticks() {
    HttpResponse<String> first = gateway.get("/milk/");
    assertThat(first.statusCode()).isEqualTo(200);
    String session = first.headers().firstValue("X-Session").orElse(null);
    assertThat(session).isNotBlank();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gateway.get("/milk/", "X-Session", session);
      assertThat(r.body()).isEqualTo(first.body());
    }
  }

  @Test
  void routeMetadataSwitchesLbkitOffOrNamesAnotherUpstream() {
    HttpResponse<String> decaf = gateway.get("/decaf/");
    assertThat(decaf.statusCode()).isEqualTo(200);
    assertThat(decaf.body()).startsWith("tea-");
    assertThat(cookiePair(decaf, "cookie-tea")).isNull();

    HttpResponse<String> chai = gateway.get("/chai/");
    assertThat(chai.statusCode()).isEqualTo(200);
    assertThat(cookiePair(chai, "cookie-tea")).isNull();
    String session = chai.headers().firstValue("X-Chai").orElse(null);
    assertThat(session).isNotBlank();
    for (int i = 0; i < 4; i++) {
      assertThat(gateway.get("/chai/", "X-Chai", session).body()).isEqualTo(chai.body());
    }
  }
}
