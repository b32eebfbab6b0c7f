package dev.lbkit.spring.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancerListener;
import dev.lbkit.core.Outcome;
import dev.lbkit.spring.LbkitLoadBalancerCustomizer;
import dev.lbkit.spring.LbkitUpstreams;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every attempt's outcome reaches the load balancer: success with its duration once the response
 * was written, failure for a backend that could not be connected to, completed for a client that
 * went away; and no request stays in flight.
 */
class OutcomeReportsTest {
  record Report(String upstream, String backend, Outcome outcome, long durationNanos) {}

  static final List<Report> reports = new CopyOnWriteArrayList<>();

  /** Records the outcomes of every upstream. */
  @Configuration(proxyBeanMethods = false)
  static class Recording {
    @Bean
    LbkitLoadBalancerCustomizer recordOutcomes() {
      return (name, upstream, builder) ->
          builder.listener(
              new LoadBalancerListener() {
                @Override
                public void onOutcome(Decision decision, Outcome outcome, long durationNanos) {
                  reports.add(new Report(name, decision.backend().id(), outcome, durationNanos));
                }
              });
    }
  }

  private static TestBackend fast;
  private static TestBackend slow;
  private static TestBackend broken;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    fast = TestBackend.start("flat-white-0");
    slow = TestBackend.slow("cold-brew-0", 1500);
    broken = TestBackend.answering("macchiato-broken", 500);
    Map<String, Object> p = new LinkedHashMap<>();
    TestGateway.route(p, 0, "flat-white");
    TestGateway.route(p, 1, "cold-brew");
    p.put("lbkit.upstreams.flat-white.method", "round_robin");
    p.put("lbkit.upstreams.flat-white.backends[0].id", "dead");
    p.put("lbkit.upstreams.flat-white.backends[0].address", "127.0.0.1:" + TestBackend.deadPort());
    p.put("lbkit.upstreams.flat-white.backends[1].id", fast.name);
    p.put("lbkit.upstreams.flat-white.backends[1].address", fast.address());
    p.put("lbkit.upstreams.cold-brew.backends[0].id", slow.name);
    p.put("lbkit.upstreams.cold-brew.backends[0].address", slow.address());
    TestGateway.route(p, 2, "macchiato");
    p.put("spring.cloud.gateway.server.webflux.routes[2].filters[0]", "Retry=2");
    p.put("lbkit.upstreams.macchiato.method", "round_robin");
    p.put("lbkit.upstreams.macchiato.backends[0].id", broken.name);
    p.put("lbkit.upstreams.macchiato.backends[0].address", broken.address());
    p.put("lbkit.upstreams.macchiato.backends[1].id", fast.name);
    p.put("lbkit.upstreams.macchiato.backends[1].address", fast.address());
    gateway = TestGateway.start(p, Recording.class);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    fast.close();
    slow.close();
    broken.close();
  }

  @BeforeEach
  void clear() {
    reports.clear();
  }

  private static List<Report> awaitReports(int n) throws InterruptedException {
    for (int i = 0; i < 100 && reports.size() < n; i++) {
      Thread.sleep(50);
    }
    return List.copyOf(reports);
  }

  /**
   * The requests in flight in {@code upstream} once the last report came in: the outcome is
   * reported after the response was written, so the client may read it a moment before.
   */
  private static int inFlight(String upstream) throws InterruptedException {
    for (int i = 0; i < 100 && inFlightNow(upstream) > 0; i++) {
      Thread.sleep(50);
    }
    return inFlightNow(upstream);
  }

  private static int inFlightNow(String upstream) {
    int total = 0;
    for (var b :
        gateway
            .context
            .getBean(LbkitUpstreams.class)
            .named(upstream)
            .upstream()
            .status()
            .backends()) {
      total += b.inFlight();
    }
    return total;
  }

  @Test
  void aConnectFailureIsReportedAsFailureAndItsRetryAsSuccessWithADuration() throws Exception {
    // Round robin starts with the dead backend for one of the first two requests.
    for (int i = 0; i < 2; i++) {
      assertThat(gateway.get("/flat-white/").statusCode()).isEqualTo(200);
    }
    List<Report> seen = awaitReports(3);
    assertThat(seen)
        .anySatisfy(
            r -> {
              assertThat(r.backend()).isEqualTo("dead");
              assertThat(r.outcome()).isEqualTo(Outcome.FAILURE);
            });
    assertThat(seen)
        .filteredOn(r -> r.outcome() == Outcome.SUCCESS)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.backend()).isEqualTo(fast.name);
              assertThat(r.durationNanos()).isPositive();
            });
    assertThat(inFlight("flat-white")).isZero();
  }

  @Test
  void eachAttemptOfSpringsRetryFilterIsPickedAndReported() throws Exception {
    for (int i = 0; i < 2; i++) {
      // Round robin: the broken backend's 500 is retried by the route's Retry filter on the other.
      assertThat(gateway.get("/macchiato/").body()).isEqualTo(fast.name);
    }
    // Round robin alternates: each request tries the broken backend, then the other.
    List<Report> seen = awaitReports(4);
    assertThat(seen)
        .filteredOn(r -> r.upstream().equals("macchiato"))
        .extracting(Report::backend)
        .contains(broken.name, fast.name);
    // An HTTP status is an answer, not a failure (nginx); and nothing is left in flight.
    assertThat(seen).extracting(Report::outcome).containsOnly(Outcome.SUCCESS);
    assertThat(inFlight("macchiato")).isZero();
  }

  @Test
  void aClientThatGoesAwayIsReportedAsCompleted() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port), 5000);
      s.getOutputStream()
          .write(
              "GET /cold-brew/ HTTP/1.1\r\nHost: cafe\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      Thread.sleep(300); // the gateway is waiting for the slow backend
    }
    List<Report> seen = awaitReports(1);
    assertThat(seen).extracting(Report::outcome).containsExactly(Outcome.COMPLETED);
    assertThat(inFlight("cold-brew")).isZero();
  }
}
