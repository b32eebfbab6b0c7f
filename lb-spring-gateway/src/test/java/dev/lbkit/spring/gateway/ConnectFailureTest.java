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
 * A backend that cannot be connected to is retried on another, as nginx's proxy_next_upstream
 * error: the client sees no 5xx, and a session that had to move gets the new backend's cookie.
 */
class ConnectFailureTest {
  private static TestBackend a0;
  private static TestBackend a1;
  private static TestBackend c0;
  private static TestBackend c1;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    a0 = TestBackend.start("americano-0");
    a1 = TestBackend.start("americano-1");
    c0 = TestBackend.start("cortado-0");
    c1 = TestBackend.start("cortado-1");
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "americano");
    TestGateway.route(p, 1, "cortado");
    TestGateway.route(p, 2, "ristretto");
    // No pooled connection outlives a stopped backend: its next request must connect anew.
    p.put("spring.cloud.gateway.server.webflux.httpclient.pool.type", "DISABLED");
    String am = "lbkit.upstreams.americano.";
    p.put(am + "method", "round_robin");
    p.put(am + "backends[0].id", "dead");
    p.put(am + "backends[0].address", "127.0.0.1:" + TestBackend.deadPort());
    p.put(am + "backends[1].id", a0.name);
    p.put(am + "backends[1].address", a0.address());
    p.put(am + "backends[2].id", a1.name);
    p.put(am + "backends[2].address", a1.address());
    String co = "lbkit.upstreams.cortado.";
    p.put(co + "method", "round_robin");
    p.put(co + "backends[0].id", c0.name);
    p.put(co + "backends[0].address", c0.address());
    p.put(co + "backends[1].id", c1.name);
    p.put(co + "backends[1].address", c1.address());
    p.put(co + "session-persistence.session-name", "cortado-session");
    // As ingress-nginx's session-cookie-change-on-failure: without it a sticky request is retried
    // on its own backend (nginx sticky), and moves on its next request once passive health took
    // the backend out.
    p.put(co + "session-persistence.change-on-failure", "true");
    p.put("lbkit.upstreams.ristretto.backends[0].address", "127.0.0.1:" + TestBackend.deadPort());
    gateway = TestGateway.start(p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    for (TestBackend b : new TestBackend[] {a0, a1, c0, c1}) {
      b.close();
    }
  }

  @Test
  void aPortWithNothingListeningIsRetriedOnAnotherBackend() {
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> r = gateway.get("/americano/order?size=" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("americano-");
    }
    assertThat(a0.hits.get()).isPositive();
    assertThat(a1.hits.get()).isPositive();
  }

  @Test
  void aSessionWhoseBackendStoppedMovesWithTheNewBackendsCookieOnly() {
    HttpResponse<String> first = gateway.get("/cortado/");
    String session = cookiePair(first, "cortado-session");
    assertThat(session).isNotNull();
    TestBackend stopped = first.body().equals(c0.name) ? c0 : c1;
    TestBackend other = stopped == c0 ? c1 : c0;
    stopped.close();

    HttpResponse<String> moved = gateway.get("/cortado/", "Cookie", session);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).isEqualTo(other.name);
    assertThat(moved.headers().allValues("set-cookie"))
        .filteredOn(c -> c.startsWith("cortado-session="))
        .hasSize(1);
    String newSession = cookiePair(moved, "cortado-session");
    assertThat(newSession).isNotEqualTo(session);
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.get("/cortado/", "Cookie", newSession).body()).isEqualTo(other.name);
    }
  }

  @Test
  void noBackendLeftToTryIsA502Or503NotA500() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = gateway.get("/ristretto/");
      assertThat(r.statusCode()).isIn(502, 503);
      if (r.statusCode() == 503) {
        assertThat(r.headers().firstValue("Retry-After")).hasValue("10");
      }
    }
  }
}
