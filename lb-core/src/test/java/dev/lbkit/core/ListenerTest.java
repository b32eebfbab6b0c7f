package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What {@link LoadBalancerListener}s and {@link UpstreamListener}s hear, and when. */
class ListenerTest {
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);

  /** Everything it hears, as short strings, in order. */
  static final class Recorder implements LoadBalancerListener, UpstreamListener {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void onDecision(Decision d) {
      events.add(
          "decision "
              + (d.hasBackend() ? d.backend().id() : "-")
              + " "
              + d.reason()
              + (d.attempt() > 1 ? " attempt " + d.attempt() : ""));
    }

    @Override
    public synchronized void onOutcome(Decision d, Outcome outcome, long durationNanos) {
      events.add("outcome " + d.backend().id() + " " + outcome + " " + durationNanos);
    }

    @Override
    public synchronized void onSnapshotPublished(
        @Nullable PoolSnapshot previous, PoolSnapshot current) {
      events.add(
          "snapshot "
              + (previous == null ? "-" : "v" + previous.version())
              + " -> v"
              + current.version()
              + " "
              + current.size());
    }

    @Override
    public synchronized void onHealthChange(HealthChange change) {
      events.add("health " + change.backend().id() + " " + change.kind() + " " + change.failures());
    }

    synchronized List<String> take() {
      List<String> copy = List.copyOf(events);
      events.clear();
      return copy;
    }
  }

  private final Recorder recorder = new Recorder();

  private Upstream upstream(PassiveHealth health) {
    return Upstream.builder("tea")
        .backends(
            Backend.of("a", "10.0.0.1", 80),
            Backend.of("b", "10.0.0.2", 80),
            Backend.of("c", "10.0.0.3", 80))
        .passiveHealth(health)
        .clock(clock)
        .listener(recorder)
        .build();
  }

  @Test
  void everyDecisionIsHeardWithItsReason() {
    Upstream upstream = upstream(PassiveHealth.disabled());
    LoadBalancer lb =
        LoadBalancer.builder(upstream).affinity(TestAffinity.lenient()).listener(recorder).build();
    recorder.take();

    Decision fresh = lb.pick(TestAffinity.requestFor(null));
    lb.report(fresh, Outcome.SUCCESS, 1_500_000);
    Decision sticky = lb.pick(TestAffinity.requestFor("b"));
    sticky.report(Outcome.SUCCESS);
    upstream.setState("b", BackendState.DOWN);
    Decision moved = lb.pick(TestAffinity.requestFor("b"));
    moved.report(Outcome.COMPLETED, 42);
    moved.report(Outcome.SUCCESS, 43); // reported once only

    assertThat(recorder.take())
        .containsExactly(
            "decision a NEW_SESSION",
            "outcome a SUCCESS 1500000",
            "decision b STICKY_HIT",
            "outcome b SUCCESS -1",
            "snapshot v2 -> v3 3",
            "decision " + moved.backend().id() + " REBALANCED_DOWN",
            "outcome " + moved.backend().id() + " COMPLETED 42");
  }

  @Test
  void retriesRefusalsAndExhaustionAreHeard() {
    Upstream upstream = upstream(PassiveHealth.disabled());
    LoadBalancer strict =
        LoadBalancer.builder(upstream)
            .affinity(new TestAffinity(true, true, null))
            .maxTries(2)
            .listener(recorder)
            .build();
    LoadBalancer same =
        LoadBalancer.builder(upstream)
            .affinity(new TestAffinity(false, false, null))
            .maxTries(2)
            .listener(recorder)
            .build();
    LoadBalancer plain = LoadBalancer.builder(upstream).maxTries(2).listener(recorder).build();
    upstream.setState("c", BackendState.DOWN);
    recorder.take();

    strict.pick(TestAffinity.requestFor("c"));
    Decision first = same.pick(TestAffinity.requestFor("a"));
    first.report(Outcome.FAILURE, -5); // a negative duration is unknown
    Decision again = first.retry();
    again.report(Outcome.FAILURE);
    again.retry();
    Decision balanced = plain.pick(RequestContext.empty());
    balanced.report(Outcome.FAILURE);
    Decision failover = balanced.retry();

    assertThat(recorder.take())
        .containsExactly(
            "decision - REFUSED_UNAVAILABLE",
            "decision a STICKY_HIT",
            "outcome a FAILURE -1",
            "decision a RETRY_SAME attempt 2",
            "outcome a FAILURE -1",
            "decision - TRIES_EXHAUSTED attempt 3",
            "decision a BALANCED",
            "outcome a FAILURE -1",
            "decision " + failover.backend().id() + " FAILOVER attempt 2");
    assertThat(failover.backend().id()).isEqualTo("b");
  }

  @Test
  void passiveHealthChangesAreHeardOnceEach() {
    Upstream upstream = upstream(PassiveHealth.of(2, Duration.ofSeconds(10)));
    LoadBalancer lb = LoadBalancer.builder(upstream).listener(recorder).build();
    recorder.take();
    failOnce(lb, "a");
    assertThat(healthEvents()).isEmpty();
    failOnce(lb, "a");
    assertThat(healthEvents()).containsExactly("health a TAKEN_OUT 2");
    failOnce(lb, "b"); // one failure of b, below max_fails
    assertThat(healthEvents()).isEmpty();

    clock.advance(Duration.ofSeconds(11));
    failOnce(lb, "a"); // the probe, failed
    assertThat(healthEvents()).containsExactly("health a PROBING 2", "health a PROBE_FAILED 3");

    clock.advance(Duration.ofSeconds(11));
    Decision probe = pickUntil(lb, "a");
    assertThat(healthEvents()).containsExactly("health a PROBING 3");
    probe.report(Outcome.SUCCESS);
    assertThat(healthEvents()).containsExactly("health a RECOVERED 0");
    pickUntil(lb, "a").report(Outcome.SUCCESS);
    assertThat(healthEvents()).as("a success of a healthy backend changes nothing").isEmpty();
  }

  @Test
  void quickRecoveryIsHeardAsForgottenThenRecovered() {
    Upstream upstream = upstream(PassiveHealth.of(1, Duration.ofSeconds(10)));
    LoadBalancer lb = LoadBalancer.builder(upstream).listener(recorder).build();
    failOnce(lb, "a");
    failOnce(lb, "b");
    failOnce(lb, "c");
    recorder.take();

    Decision none = lb.pick(RequestContext.empty());
    assertThat(none.reason()).isEqualTo(Decision.Reason.NO_BACKEND);
    assertThat(recorder.take())
        .containsExactly(
            "health a FORGOTTEN 0",
            "health b FORGOTTEN 0",
            "health c FORGOTTEN 0",
            "decision - NO_BACKEND");
    failOnce(lb, "a");
    assertThat(healthEvents()).containsExactly("health a PROBE_FAILED 1");
    pickUntil(lb, "b").report(Outcome.SUCCESS);
    assertThat(healthEvents()).containsExactly("health b RECOVERED 0");
  }

  @Test
  void snapshotsAreHeardFromTheFirstOn() {
    Upstream upstream = upstream(PassiveHealth.defaults());
    assertThat(recorder.take()).containsExactly("snapshot - -> v1 3");
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.random()).build();
    assertThat(recorder.take())
        .as("a registration republishes")
        .containsExactly("snapshot v1 -> v2 3");
    upstream.remove("c");
    upstream.setWeight("a", 1); // unchanged: nothing published
    upstream.add(Backend.of("d", "10.0.0.4", 80));
    lb.close();
    assertThat(recorder.take())
        .containsExactly("snapshot v2 -> v3 2", "snapshot v3 -> v4 3", "snapshot v4 -> v5 3");
  }

  @Test
  void listenersCanBeAddedAndRemovedAtRuntime() {
    Upstream upstream = Upstream.of("u", Backend.of("a", "10.0.0.1", 80));
    Recorder late = new Recorder();
    upstream.addListener(late);
    upstream.addListener(late);
    upstream.setWeight("a", 2);
    assertThat(late.take()).containsExactly("snapshot v1 -> v2 1", "snapshot v1 -> v2 1");
    assertThat(upstream.removeListener(late)).isTrue();
    upstream.setWeight("a", 3);
    assertThat(late.take()).containsExactly("snapshot v2 -> v3 1");
    assertThat(upstream.removeListener(late)).isTrue();
    assertThat(upstream.removeListener(late)).isFalse();
    upstream.setWeight("a", 4);
    assertThat(late.take()).isEmpty();
  }

  @Test
  void aThrowingListenerNeverBreaksARequestAndWarnsOnce() {
    LoadBalancerListener throwing =
        new LoadBalancerListener() {
          @Override
          public void onDecision(Decision decision) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onOutcome(Decision decision, Outcome outcome, long durationNanos) {
            throw new IllegalStateException("listener bug");
          }
        };
    UpstreamListener throwingUpstream =
        new UpstreamListener() {
          @Override
          public void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
            throw new IllegalStateException("upstream listener bug");
          }

          @Override
          public void onHealthChange(HealthChange change) {
            throw new IllegalStateException("upstream listener bug");
          }
        };
    try (CapturedLog log = CapturedLog.start()) {
      Upstream upstream =
          Upstream.builder("u")
              .backends(Backend.of("a", "10.0.0.1", 80), Backend.of("b", "10.0.0.2", 80))
              .listener(throwingUpstream)
              .clock(clock)
              .build();
      LoadBalancer lb =
          LoadBalancer.builder(upstream).listener(throwing).listener(recorder).build();
      for (int i = 0; i < 5; i++) {
        Decision d = lb.pick(RequestContext.empty());
        assertThat(d.hasBackend()).isTrue();
        d.report(i == 0 ? Outcome.FAILURE : Outcome.SUCCESS); // a taken out: a health change
        upstream.setWeight("a", 2 + i);
      }
      assertThat(recorder.take()).as("the next listener still hears everything").hasSize(10);
      assertThat(upstream.snapshot().inFlight(0) + upstream.snapshot().inFlight(1)).isZero();

      assertThat(log.records("WARN", "dev.lbkit.core.LoadBalancer"))
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("load balancer listener", "threw"))
          .satisfies(e -> assertThat(e.stackTrace()).contains("listener bug"));
      assertThat(log.records("WARN", "dev.lbkit.core.Upstream"))
          .filteredOn(e -> e.message().contains("upstream listener"))
          .singleElement()
          .satisfies(e -> assertThat(e.stackTrace()).contains("upstream listener bug"));
    }
  }

  private List<String> healthEvents() {
    List<String> health = new ArrayList<>();
    for (String e : recorder.take()) {
      if (e.startsWith("health ")) {
        health.add(e);
      }
    }
    return health;
  }

  private static Decision pickUntil(LoadBalancer lb, String id) {
    for (int i = 0; i < 100; i++) {
      Decision d = lb.pick(RequestContext.empty());
      if (d.hasBackend() && d.backend().id().equals(id)) {
        return d;
      }
      d.report(Outcome.COMPLETED);
    }
    throw new AssertionError(id + " was never picked");
  }

  private static void failOnce(LoadBalancer lb, String id) {
    pickUntil(lb, id).report(Outcome.FAILURE);
  }
}
