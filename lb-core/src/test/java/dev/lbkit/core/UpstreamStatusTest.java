package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link UpstreamStatus} and {@link DecisionCounters} after a scripted sequence of requests. */
class UpstreamStatusTest {
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final Upstream upstream =
      Upstream.builder("tea")
          .backends(
              Backend.of("a", "10.0.0.1", 80),
              Backend.of("b", "10.0.0.2", 80).withWeight(3),
              Backend.of("c", "10.0.0.3", 80))
          .passiveHealth(PassiveHealth.of(1, Duration.ofSeconds(10)))
          .clock(clock)
          .build();
  private final DecisionCounters counters = DecisionCounters.of(upstream);
  private final LoadBalancer lb =
      LoadBalancer.builder(upstream).affinity(TestAffinity.lenient()).listener(counters).build();

  @Test
  void aScriptedSequenceGivesExactStatesAndCounts() {
    for (int i = 0; i < 3; i++) {
      assertThat(pick("b").reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    }
    Decision held = lb.pick(TestAffinity.requestFor("a")); // left in flight
    lb.pick(TestAffinity.requestFor("c")).report(Outcome.FAILURE); // c taken out
    Decision fresh = lb.pick(TestAffinity.requestFor(null));
    fresh.report(Outcome.SUCCESS);
    Decision moved = lb.pick(TestAffinity.requestFor("c")); // c failed: rebalanced
    moved.report(Outcome.SUCCESS);
    upstream.setState("a", BackendState.DRAINING);
    lb.pick(TestAffinity.requestFor("a")).report(Outcome.SUCCESS); // draining keeps sessions
    clock.advance(Duration.ofSeconds(4));

    UpstreamStatus status = counters.status();
    assertThat(status.upstreamName()).isEqualTo("tea");
    assertThat(status.version()).isEqualTo(upstream.snapshot().version());
    assertThat(status.backends()).extracting(s -> s.backend().id()).containsExactly("a", "b", "c");
    UpstreamStatus.BackendStatus a = status.backends().get(0);
    UpstreamStatus.BackendStatus b = status.backends().get(1);
    UpstreamStatus.BackendStatus c = status.backends().get(2);
    assertThat(a.availability()).isEqualTo(Availability.DRAINING);
    assertThat(a.inFlight()).isEqualTo(1);
    assertThat(a.decisions(Decision.Reason.STICKY_HIT)).isEqualTo(2);
    assertThat(b.backend().weight()).isEqualTo(3);
    assertThat(b.availability()).isEqualTo(Availability.AVAILABLE);
    assertThat(b.inFlight()).isZero();
    assertThat(b.decisions(Decision.Reason.STICKY_HIT)).isEqualTo(3);
    assertThat(c.availability()).isEqualTo(Availability.FAILED);
    assertThat(c.failures()).isEqualTo(1);
    assertThat(c.untilProbe()).isEqualTo(Duration.ofMillis(6_001));
    assertThat(c.decisions(Decision.Reason.STICKY_HIT)).isEqualTo(1);
    assertThat(b.untilProbe()).isZero();
    assertThat(status.available()).isEqualTo(1);

    // The fresh pick and the rebalanced one went where round robin sent them: each counted there.
    assertThat(
            counters.count(fresh.backend().id(), Decision.Reason.NEW_SESSION)
                + counters.count(moved.backend().id(), Decision.Reason.REBALANCED_FAILED))
        .isEqualTo(2);
    assertThat(counters.count(Decision.Reason.STICKY_HIT)).isEqualTo(6);
    assertThat(counters.count(Decision.Reason.NEW_SESSION)).isEqualTo(1);
    assertThat(counters.count(Decision.Reason.REBALANCED_FAILED)).isEqualTo(1);
    assertThat(status.decisions(Decision.Reason.STICKY_HIT)).isEqualTo(6);
    assertThat(status.decisions()).hasSize(Decision.Reason.values().length);
    assertThat(moved.backend().id()).isNotEqualTo("c");

    clock.advance(Duration.ofMillis(6_001));
    assertThat(upstream.status().backends().get(2).availability())
        .isEqualTo(Availability.AVAILABLE);
    assertThat(upstream.status().backends().get(2).untilProbe()).isZero();
    assertThat(upstream.status().decisions()).isEmpty();
    held.report(Outcome.SUCCESS);
    assertThat(upstream.status().backends().get(0).inFlight()).isZero();
  }

  @Test
  void decisionsWithoutBackendCountInTheTotalsOnly() {
    upstream.replaceAll(java.util.List.of());
    Decision none = lb.pick(TestAffinity.requestFor(null));
    assertThat(none.reason()).isEqualTo(Decision.Reason.NO_BACKEND);
    assertThat(counters.count(Decision.Reason.NO_BACKEND)).isEqualTo(1);
    assertThat(counters.status().backends()).isEmpty();
  }

  @Test
  void aBackendThatLeavesTakesItsCountsButTheTotalsKeepThem() {
    pick("b").report(Outcome.SUCCESS);
    assertThat(counters.count("b", Decision.Reason.STICKY_HIT)).isEqualTo(1);
    upstream.remove("b");
    assertThat(counters.count("b", Decision.Reason.STICKY_HIT)).isZero();
    assertThat(counters.counts("b")).containsEntry(Decision.Reason.STICKY_HIT, 0L);
    assertThat(counters.count(Decision.Reason.STICKY_HIT)).isEqualTo(1);
  }

  @Test
  void decisionsOfAnotherUpstreamAreNotCounted() {
    Upstream other = Upstream.of("coffee", Backend.of("b", "10.0.1.2", 80));
    LoadBalancer otherLb = LoadBalancer.builder(other).listener(counters).build();
    otherLb.pick(RequestContext.empty()).report(Outcome.SUCCESS);
    assertThat(counters.count(Decision.Reason.BALANCED)).isZero();
    assertThat(counters.count("b", Decision.Reason.BALANCED)).isZero();
  }

  private Decision pick(String session) {
    Decision d = lb.pick(TestAffinity.requestFor(session));
    d.report(Outcome.SUCCESS);
    return d;
  }
}
