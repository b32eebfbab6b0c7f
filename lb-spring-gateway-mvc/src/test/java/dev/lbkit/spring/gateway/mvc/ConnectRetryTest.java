package dev.lbkit.spring.gateway.mvc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.UpstreamStatus;
import dev.lbkit.spring.LbkitUpstreams;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A backend nothing listens on: the request is tried on another, and the client sees no 5xx. */
class ConnectRetryTest {
  static TestBackend live;
  static TestBackend discoveredLive;
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    live = TestBackend.start("espresso-live");
    discoveredLive = TestBackend.start("cortado-live");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("lbkit.upstreams.espresso.backends[0].id", "espresso-dead");
    p.put("lbkit.upstreams.espresso.backends[0].address", "127.0.0.1:" + TestBackend.deadPort());
    p.put("lbkit.upstreams.espresso.backends[1].id", "espresso-live");
    p.put("lbkit.upstreams.espresso.backends[1].address", live.address());
    p.put("lbkit.upstreams.espresso.session-persistence.session-name", "espresso");
    p.put("lbkit.upstreams.decaf.backends[0].address", "127.0.0.1:" + TestBackend.deadPort());
    p.put("lbkit.upstreams.decaf.backends[1].address", "127.0.0.1:" + TestBackend.deadPort());
    String s = "spring.cloud.discovery.client.simple.instances.cortado";
    p.put(s + "[0].uri", "http://127.0.0.1:" + TestBackend.deadPort());
    p.put(s + "[0].instance-id", "cortado-dead");
    p.put(s + "[1].uri", discoveredLive.uri());
    p.put(s + "[1].instance-id", "cortado-live");
    p.put("lbkit.upstreams.cortado.method", "round_robin");
    String r = "spring.cloud.gateway.server.webmvc.routes";
    int i = 0;
    for (String service : new String[] {"espresso", "decaf", "cortado"}) {
      p.put(r + "[" + i + "].id", service);
      p.put(r + "[" + i + "].uri", "lb://" + service);
      p.put(r + "[" + i + "].predicates[0]", "Path=/" + service + "/**");
      i++;
    }
    gateway = TestGateway.start(App.class, p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    live.close();
    discoveredLive.close();
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherStaticBackend() {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = gateway.get("/espresso/cup");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("espresso-live");
      // A session that failed over is bound to the backend that answered.
      String cookie = TestGateway.cookie(r, "espresso");
      if (cookie != null) {
        assertThat(gateway.get("/espresso/cup", "Cookie", cookie).body())
            .isEqualTo("espresso-live");
      }
    }
    assertInFlightReturnsToZero("espresso");
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherDiscoveredInstance() {
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = gateway.get("/cortado/cup");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("cortado-live");
    }
    assertInFlightReturnsToZero("cortado");
  }

  @Test
  void noBackendLeftToTryIsA502() {
    HttpResponse<String> r = gateway.get("/decaf/cup");
    assertThat(r.statusCode()).isEqualTo(502);
    assertInFlightReturnsToZero("decaf");
  }

  /**
   * The outcome of a proxied request is reported once its body was relayed, which is a moment after
   * the client may have read it all: wait (boundedly) for the last reports.
   */
  static void assertInFlightReturnsToZero(String name) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (status(name).backends().stream().anyMatch(b -> b.inFlight() != 0)
        && System.nanoTime() < deadline) {
      sleep();
    }
    assertThat(status(name).backends()).allMatch(b -> b.inFlight() == 0);
  }

  private static void sleep() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static UpstreamStatus status(String name) {
    return gateway.context.getBean(LbkitUpstreams.class).named(name).upstream().status();
  }
}
