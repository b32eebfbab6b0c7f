package dev.lbkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A scripted sequence of picks, failures and changes, then every meter's exact value, in a {@link
 * SimpleMeterRegistry} and in Prometheus's text format.
 */
class UpstreamMetricsTest {
  private final HandClock clock = new HandClock();
  private final Upstream upstream =
      Upstream.builder("tea")
          .backends(
              Backend.of("tea-1", "10.0.0.1", 80),
              Backend.of("tea-2", "10.0.0.2", 80).withWeight(2),
              Backend.of("tea-3", "10.0.0.3", 80))
          .passiveHealth(PassiveHealth.of(1, Duration.ofSeconds(10)))
          .clock(clock)
          .build();
  private final UpstreamMetrics metrics = UpstreamMetrics.of(upstream);
  private final LoadBalancer lb =
      LoadBalancer.builder(upstream).affinity(new HeaderSession()).listener(metrics).build();

  /** Three sticky hits, a new session, a failure that takes tea-3 out, a rebalance, a change. */
  private void script() {
    for (int i = 0; i < 3; i++) {
      lb.pick(session("tea-2")).report(Outcome.SUCCESS, TimeUnit.MILLISECONDS.toNanos(20));
    }
    Decision failed = lb.pick(session("tea-3"));
    failed.report(Outcome.FAILURE, TimeUnit.MILLISECONDS.toNanos(100));
    Decision moved = lb.pick(session("tea-3"));
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_FAILED);
    assertThat(moved.backend().id())
        .as("smooth round robin's first turn: the heaviest")
        .isEqualTo("tea-2");
    moved.report(Outcome.SUCCESS); // no duration: counted, not timed
    lb.pick(session("tea-1")); // left in flight
    upstream.setState("tea-2", BackendState.DRAINING);
    upstream.add(Backend.of("tea-4", "10.0.0.4", 80));
  }

  @Test
  void simpleRegistryHoldsExactValues() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    script();

    assertThat(count(registry, UpstreamMetrics.DECISIONS, "tea-2", "reason", "sticky_hit"))
        .isEqualTo(3);
    assertThat(count(registry, UpstreamMetrics.DECISIONS, "tea-3", "reason", "sticky_hit"))
        .isEqualTo(1);
    assertThat(count(registry, UpstreamMetrics.DECISIONS, "tea-2", "reason", "rebalanced_failed"))
        .isEqualTo(1);
    assertThat(count(registry, UpstreamMetrics.DECISIONS, "tea-1", "reason", "sticky_hit"))
        .isEqualTo(1);
    assertThat(registry.find(UpstreamMetrics.DECISIONS).counters()).hasSize(4);
    assertThat(count(registry, UpstreamMetrics.OUTCOMES, "tea-2", "outcome", "success"))
        .isEqualTo(4);
    assertThat(count(registry, UpstreamMetrics.OUTCOMES, "tea-3", "outcome", "failure"))
        .isEqualTo(1);
    assertThat(registry.find(UpstreamMetrics.OUTCOMES).tag("backend", "tea-1").counters())
        .as("still in flight")
        .isEmpty();

    Timer tea2 = timer(registry, "tea-2", "success");
    assertThat(tea2.count()).as("the outcome without a duration is not timed").isEqualTo(3);
    assertThat(tea2.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60.0);
    assertThat(timer(registry, "tea-3", "failure").totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(100.0);

    assertThat(count(registry, UpstreamMetrics.HEALTH_CHANGES, "tea-3", "change", "taken_out"))
        .isEqualTo(1);
    assertThat(gauge(registry, UpstreamMetrics.IN_FLIGHT, "tea-1")).isEqualTo(1);
    assertThat(gauge(registry, UpstreamMetrics.IN_FLIGHT, "tea-2")).isZero();
    assertThat(gauge(registry, UpstreamMetrics.AVAILABLE, "tea-1")).isEqualTo(1);
    assertThat(gauge(registry, UpstreamMetrics.AVAILABLE, "tea-2")).as("draining").isZero();
    assertThat(gauge(registry, UpstreamMetrics.AVAILABLE, "tea-3")).as("failed").isZero();
    assertThat(gauge(registry, UpstreamMetrics.AVAILABLE, "tea-4")).as("added").isEqualTo(1);
    assertThat(gauge(registry, UpstreamMetrics.WEIGHT, "tea-2")).isEqualTo(2);
    assertThat(gauge(registry, UpstreamMetrics.FAILURES, "tea-3")).isEqualTo(1);
    assertThat(backends(registry, "available")).isEqualTo(2);
    assertThat(backends(registry, "draining")).isEqualTo(1);
    assertThat(backends(registry, "failed")).isEqualTo(1);
    assertThat(backends(registry, "down")).isZero();
    assertThat(registry.get(UpstreamMetrics.SNAPSHOTS).tag("upstream", "tea").counter().count())
        .isEqualTo(2);

    clock.advance(Duration.ofSeconds(11));
    assertThat(gauge(registry, UpstreamMetrics.AVAILABLE, "tea-3")).as("probe due").isEqualTo(1);
    Decision probe = lb.pick(session("tea-3"));
    probe.report(Outcome.SUCCESS);
    assertThat(count(registry, UpstreamMetrics.HEALTH_CHANGES, "tea-3", "change", "probing"))
        .isEqualTo(1);
    assertThat(count(registry, UpstreamMetrics.HEALTH_CHANGES, "tea-3", "change", "recovered"))
        .isEqualTo(1);
    assertThat(gauge(registry, UpstreamMetrics.FAILURES, "tea-3")).isZero();
  }

  @Test
  void aBackendThatLeavesTakesItsMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    script();
    assertThat(registry.find(UpstreamMetrics.IN_FLIGHT).tag("backend", "tea-3").gauges())
        .hasSize(1);
    upstream.remove("tea-3");
    assertThat(registry.find(UpstreamMetrics.IN_FLIGHT).tag("backend", "tea-3").gauges()).isEmpty();
    assertThat(registry.find(UpstreamMetrics.DECISIONS).tag("backend", "tea-3").counters())
        .isEmpty();
    assertThat(registry.find(UpstreamMetrics.REQUESTS).tag("backend", "tea-3").timers()).isEmpty();
    assertThat(registry.find(UpstreamMetrics.DECISIONS).tag("backend", "tea-2").counters())
        .hasSize(2);
  }

  @Test
  void aDecisionWithoutBackendIsTaggedNone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    for (String id : List.of("tea-1", "tea-2", "tea-3")) {
      upstream.setState(id, BackendState.DOWN);
    }
    lb.pick(RequestContext.empty());
    lb.pick(RequestContext.empty());
    assertThat(
            count(
                registry, UpstreamMetrics.DECISIONS, UpstreamMetrics.NONE, "reason", "no_backend"))
        .isEqualTo(2);
    assertThat(backends(registry, "down")).isEqualTo(3);
  }

  @Test
  void prometheusTextHasTheSameValues() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.bindTo(registry);
    script();
    String text = registry.scrape();
    assertThat(text)
        .contains(
            "lbkit_decisions_total{backend=\"tea-2\",reason=\"sticky_hit\",upstream=\"tea\"} 3.0",
            "lbkit_decisions_total{backend=\"tea-2\",reason=\"rebalanced_failed\",upstream=\"tea\"}"
                + " 1.0",
            "lbkit_outcomes_total{backend=\"tea-2\",outcome=\"success\",upstream=\"tea\"} 4.0",
            "lbkit_outcomes_total{backend=\"tea-3\",outcome=\"failure\",upstream=\"tea\"} 1.0",
            "lbkit_requests_seconds_count{backend=\"tea-2\",outcome=\"success\",upstream=\"tea\"} 3",
            "lbkit_requests_seconds_sum{backend=\"tea-2\",outcome=\"success\",upstream=\"tea\"} 0.06",
            "lbkit_backend_in_flight{backend=\"tea-1\",upstream=\"tea\"} 1.0",
            "lbkit_backend_available{backend=\"tea-3\",upstream=\"tea\"} 0.0",
            "lbkit_backend_weight{backend=\"tea-2\",upstream=\"tea\"} 2.0",
            "lbkit_health_changes_total{backend=\"tea-3\",change=\"taken_out\",upstream=\"tea\"} 1.0",
            "lbkit_upstream_backends{availability=\"available\",upstream=\"tea\"} 2.0",
            "lbkit_upstream_snapshots_total{upstream=\"tea\"} 2.0");
  }

  @Test
  void eventsBeforeBindingAreNotCounted() {
    lb.pick(session("tea-1")).report(Outcome.SUCCESS);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertThat(registry.find(UpstreamMetrics.DECISIONS).counters()).isEmpty();
    lb.pick(session("tea-1")).report(Outcome.SUCCESS);
    assertThat(count(registry, UpstreamMetrics.DECISIONS, "tea-1", "reason", "sticky_hit"))
        .isEqualTo(1);
  }

  private static double count(
      MeterRegistry registry, String name, String backend, String key, String value) {
    return registry
        .get(name)
        .tag("upstream", "tea")
        .tag("backend", backend)
        .tag(key, value)
        .counter()
        .count();
  }

  private static Timer timer(MeterRegistry registry, String backend, String outcome) {
    return registry
        .get(UpstreamMetrics.REQUESTS)
        .tag("backend", backend)
        .tag("outcome", outcome)
        .timer();
  }

  private static double gauge(MeterRegistry registry, String name, String backend) {
    return registry.get(name).tag("upstream", "tea").tag("backend", backend).gauge().value();
  }

  private static double backends(MeterRegistry registry, String availability) {
    return registry.get(UpstreamMetrics.BACKENDS).tag("availability", availability).gauge().value();
  }

  private static RequestContext session(String backendId) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase(HeaderSession.HEADER) ? backendId : null)
        .build();
  }

  /** The session is a backend id in a request header. */
  private static final class HeaderSession implements SessionAffinity {
    static final String HEADER = "X-Backend";

    @Override
    public Binding resolve(PoolSnapshot pool, RequestContext request) {
      String id = request.header(HEADER);
      if (id == null) {
        return Binding.none();
      }
      int index = pool.indexOf(id);
      return index >= 0 ? Binding.bound(index, id) : Binding.gone(id);
    }

    @Override
    public List<ResponseHeader> responseHeaders(
        PoolSnapshot pool, RequestContext request, Binding binding, int chosen, Decision.Reason r) {
      return List.of();
    }
  }

  /** A clock moved by hand. */
  private static final class HandClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(@Nullable ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
