package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nginx max_fails / fail_timeout, driven by a hand-moved clock. */
class PassiveHealthTest {
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);

  private LoadBalancer balancer(PassiveHealth health, int backends) {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < backends; i++) {
      list.add(Backend.of(String.valueOf((char) ('a' + i)), "10.0.0." + (i + 1), 80));
    }
    Upstream upstream =
        Upstream.builder("u").backends(list).passiveHealth(health).clock(clock).build();
    return LoadBalancer.of(upstream);
  }

  /** Picks until backend {@code id} comes up, and reports it with {@code outcome}. */
  private void sendTo(LoadBalancer lb, String id, Outcome outcome) {
    for (int i = 0; i < 100; i++) {
      Decision d = lb.pick(RequestContext.empty());
      lb.report(d, d.hasBackend() && d.backend().id().equals(id) ? outcome : Outcome.SUCCESS);
      if (d.hasBackend() && d.backend().id().equals(id)) {
        return;
      }
    }
    throw new AssertionError(id + " was never picked");
  }

  private static Availability availability(LoadBalancer lb, String id) {
    PoolSnapshot pool = lb.upstream().snapshot();
    return pool.availability(pool.indexOf(id));
  }

  private static List<String> pickIds(LoadBalancer lb, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Decision d = lb.pick(RequestContext.empty());
      ids.add(d.hasBackend() ? d.backend().id() : "-");
      lb.report(d, Outcome.SUCCESS);
    }
    return ids;
  }

  @Test
  void defaultsAreNginxs() {
    assertThat(PassiveHealth.defaults().maxFails()).isEqualTo(1);
    assertThat(PassiveHealth.defaults().failTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Upstream.of("u").passiveHealth()).isEqualTo(PassiveHealth.defaults());
  }

  @Test
  void failedAfterMaxFailsAndBackAfterFailTimeout() {
    LoadBalancer lb = balancer(PassiveHealth.of(2, Duration.ofSeconds(10)), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.AVAILABLE);
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.FAILED);
    assertThat(pickIds(lb, 5)).containsOnly("b");

    clock.advance(Duration.ofSeconds(10));
    assertThat(availability(lb, "a"))
        .as("still out at exactly fail_timeout")
        .isEqualTo(Availability.FAILED);
    clock.advance(Duration.ofMillis(1));
    assertThat(availability(lb, "a")).isEqualTo(Availability.AVAILABLE);
  }

  @Test
  void aSuccessfulProbeClearsTheFailures() {
    LoadBalancer lb = balancer(PassiveHealth.of(1, Duration.ofSeconds(10)), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.FAILED);
    clock.advance(Duration.ofSeconds(11));
    sendTo(lb, "a", Outcome.SUCCESS);
    PoolSnapshot pool = lb.upstream().snapshot();
    assertThat(pool.stats(pool.indexOf("a")).fails()).isZero();
    // A single new failure is needed to take it out again, not a leftover count.
    assertThat(pickIds(lb, 4)).contains("a", "b");
  }

  @Test
  void aFailedProbeKeepsItOutForAnotherFailTimeout() {
    LoadBalancer lb = balancer(PassiveHealth.of(1, Duration.ofSeconds(10)), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    clock.advance(Duration.ofSeconds(11));
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.FAILED);
    clock.advance(Duration.ofSeconds(9));
    assertThat(pickIds(lb, 4)).containsOnly("b");
    clock.advance(Duration.ofSeconds(2));
    assertThat(availability(lb, "a")).isEqualTo(Availability.AVAILABLE);
  }

  @Test
  void successesBeforeTheProbeDoNotClearFailures() {
    // As nginx: fails is only reset by a success of a request picked after the fail timeout.
    LoadBalancer lb = balancer(PassiveHealth.of(2, Duration.ofSeconds(10)), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    clock.advance(Duration.ofSeconds(5));
    sendTo(lb, "a", Outcome.SUCCESS);
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.FAILED);
  }

  @Test
  void maxFailsZeroTurnsItOff() {
    LoadBalancer lb = balancer(PassiveHealth.disabled(), 2);
    for (int i = 0; i < 5; i++) {
      sendTo(lb, "a", Outcome.FAILURE);
    }
    assertThat(availability(lb, "a")).isEqualTo(Availability.AVAILABLE);
    assertThat(PassiveHealth.of(0, Duration.ofSeconds(1)).maxFails()).isZero();
  }

  @Test
  void aSingleBackendIsNeverMarkedFailed() {
    LoadBalancer lb = balancer(PassiveHealth.defaults(), 1);
    sendTo(lb, "a", Outcome.FAILURE);
    assertThat(availability(lb, "a")).isEqualTo(Availability.AVAILABLE);
    assertThat(pickIds(lb, 2)).containsOnly("a");
  }

  @Test
  void whenEveryBackendFailedTheyAreAllTriedAgain() {
    LoadBalancer lb = balancer(PassiveHealth.defaults(), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    sendTo(lb, "b", Outcome.FAILURE);
    Decision refused = lb.pick(RequestContext.empty());
    assertThat(refused.hasBackend()).isFalse();
    assertThat(refused.reason()).isEqualTo(Decision.Reason.NO_BACKEND);
    // nginx's quick recovery: the request that found none is refused, the next ones go through.
    assertThat(pickIds(lb, 2)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void completedRequestsAreNoVerdict() {
    LoadBalancer lb = balancer(PassiveHealth.defaults(), 2);
    sendTo(lb, "a", Outcome.COMPLETED);
    PoolSnapshot pool = lb.upstream().snapshot();
    assertThat(pool.stats(pool.indexOf("a")).fails()).isZero();
    assertThat(pool.inFlight(pool.indexOf("a"))).isZero();
  }

  @Test
  void failuresSurviveAChangeOfTheBackendSet() {
    LoadBalancer lb = balancer(PassiveHealth.defaults(), 2);
    sendTo(lb, "a", Outcome.FAILURE);
    lb.upstream().add(Backend.of("c", "10.0.0.3", 80));
    assertThat(availability(lb, "a")).isEqualTo(Availability.FAILED);
  }

  @Test
  void invalidPoliciesAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> PassiveHealth.of(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFails: -1");
    assertThatThrownBy(() -> PassiveHealth.of(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failTimeout: PT0S (expected: > 0)");
  }

  @Test
  void valueSemantics() {
    assertThat(PassiveHealth.of(1, Duration.ofSeconds(10))).isEqualTo(PassiveHealth.defaults());
    assertThat(PassiveHealth.of(1, Duration.ofSeconds(10)).hashCode())
        .isEqualTo(PassiveHealth.defaults().hashCode());
    assertThat(PassiveHealth.of(2, Duration.ofSeconds(10))).isNotEqualTo(PassiveHealth.defaults());
    assertThat(PassiveHealth.defaults().toString())
        .isEqualTo("PassiveHealth{maxFails=1, failTimeout=PT10S}");
  }
}
