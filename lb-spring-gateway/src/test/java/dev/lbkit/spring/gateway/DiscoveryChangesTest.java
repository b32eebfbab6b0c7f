package dev.lbkit.spring.gateway;

import static dev.lbkit.spring.gateway.MutableDiscovery.instance;
import static dev.lbkit.spring.gateway.TestGateway.cookiePair;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions while a service's instances change under a running gateway: an instance that leaves
 * discovery hands its sessions on with a new cookie, a draining one keeps its sessions and takes no
 * new ones, and a strict session whose instance left is answered 503 with Retry-After.
 */
class DiscoveryChangesTest {
  private static TestBackend e0;
  private static TestBackend e1;
  private static TestBackend m0;
  private static TestBackend m1;
  private static TestGateway gateway;
  private static MutableDiscovery discovery;

  @BeforeAll
  static void start() {
    e0 = TestBackend.start("espresso-0");
    e1 = TestBackend.start("espresso-1");
    m0 = TestBackend.start("mocha-0");
    m1 = TestBackend.start("mocha-1");
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "espresso");
    TestGateway.route(p, 1, "mocha");
    p.put("lbkit.upstreams.espresso.method", "round_robin");
    p.put("lbkit.upstreams.espresso.session-persistence.session-name", "espresso-session");
    p.put("lbkit.upstreams.mocha.session-persistence.session-name", "mocha-session");
    p.put("lbkit.upstreams.mocha.session-persistence.on-unavailable", "strict");
    p.put("lbkit.gateway.retry-after", "7s");
    gateway = TestGateway.start(p, MutableDiscovery.Config.class);
    discovery = gateway.context.getBean(MutableDiscovery.class);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    for (TestBackend b : new TestBackend[] {e0, e1, m0, m1}) {
      b.close();
    }
  }

  private static TestBackend other(String name, TestBackend a, TestBackend b) {
    return a.name.equals(name) ? b : a;
  }

  private static TestBackend named(String name, TestBackend a, TestBackend b) {
    return a.name.equals(name) ? a : b;
  }

  @Test
  void aRemovedInstancesSessionMovesWithANewCookie() {
    discovery.set("espresso", instance("espresso", e0), instance("espresso", e1));
    HttpResponse<String> first = gateway.get("/espresso/");
    String session = cookiePair(first, "espresso-session");
    assertThat(session).isNotNull();
    TestBackend stays = other(first.body(), e0, e1);

    discovery.set("espresso", instance("espresso", stays));
    HttpResponse<String> moved = gateway.get("/espresso/", "Cookie", session);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).isEqualTo(stays.name);
    String newSession = cookiePair(moved, "espresso-session");
    assertThat(newSession).isNotNull().isNotEqualTo(session);

    discovery.set("espresso", instance("espresso", e0), instance("espresso", e1));
    for (int i = 0; i < 4; i++) {
      assertThat(gateway.get("/espresso/", "Cookie", newSession).body()).isEqualTo(stays.name);
    }
  }

  @Test
  void aDrainingInstanceKeepsItsSessionsAndTakesNoNewOnes() {
    discovery.set("espresso", instance("espresso", e0), instance("espresso", e1));
    HttpResponse<String> first = gateway.get("/espresso/");
    String session = cookiePair(first, "espresso-session");
    TestBackend draining = named(first.body(), e0, e1);
    TestBackend up = other(first.body(), e0, e1);

    discovery.set(
        "espresso",
        instance("espresso", draining, Map.of("lbkit.state", "DRAINING")),
        instance("espresso", up));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = gateway.get("/espresso/", "Cookie", session);
      assertThat(r.body()).isEqualTo(draining.name);
      assertThat(cookiePair(r, "espresso-session")).isNull();
    }
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = gateway.get("/espresso/");
      assertThat(r.body()).isEqualTo(up.name);
    }
  }

  @Test
  void aStrictSessionWhoseInstanceLeftIsAnswered503WithRetryAfter() {
    discovery.set("mocha", instance("mocha", m0), instance("mocha", m1));
    HttpResponse<String> first = gateway.get("/mocha/");
    String session = cookiePair(first, "mocha-session");
    assertThat(session).isNotNull();
    TestBackend stays = other(first.body(), m0, m1);

    discovery.set("mocha", instance("mocha", stays));
    HttpResponse<String> refused = gateway.get("/mocha/", "Cookie", session);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(refused.headers().allValues("set-cookie")).isEmpty();
    assertThat(refused.body()).startsWith("503 Service Unavailable");
    // A request without the session is served.
    assertThat(gateway.get("/mocha/").body()).isEqualTo(stays.name);
  }

  @Test
  void noInstanceIsAnswered503WithRetryAfter() {
    discovery.set("mocha");
    HttpResponse<String> r = gateway.get("/mocha/");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
  }
}
