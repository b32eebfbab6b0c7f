package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request flow of {@link LoadBalancer}: sessions, rebalancing, retries and reporting. */
class LoadBalancerTest {
  private final MutableClock clock = new MutableClock(1_000_000);
  private final Upstream upstream =
      Upstream.builder("tea")
          .backends(
              Backend.of("a", "10.0.0.1", 80),
              Backend.of("b", "10.0.0.2", 80),
              Backend.of("c", "10.0.0.3", 80))
          .clock(clock)
          .build();

  private LoadBalancer sticky(TestAffinity affinity) {
    return LoadBalancer.builder(upstream).affinity(affinity).build();
  }

  private int inFlight(String id) {
    PoolSnapshot pool = upstream.snapshot();
    return pool.inFlight(pool.indexOf(id));
  }

  @Test
  void withoutAffinityEveryPickIsBalanced() {
    LoadBalancer lb = LoadBalancer.of(upstream);
    Decision d = lb.pick(RequestContext.empty());
    assertThat(d.reason()).isEqualTo(Decision.Reason.BALANCED);
    assertThat(d.responseHeaders()).isEmpty();
    assertThat(d.attempt()).isEqualTo(1);
    assertThat(d.snapshot()).isSameAs(upstream.snapshot());
    assertThat(lb.affinity()).isSameAs(SessionAffinity.none());
    assertThat(lb.maxTries()).isEqualTo(LoadBalancer.DEFAULT_MAX_TRIES);
    assertThat(SessionAffinity.none().persistsSessions()).isFalse();
  }

  /** Issue 11: an affinity says whether it keeps sessions; no identity test against none(). */
  @Test
  void anAffinityThatKeepsNoSessionsBalancesLikeNone() {
    SessionAffinity passThrough =
        new SessionAffinity() {
          @Override
          public boolean persistsSessions() {
            return false;
          }

          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            return Binding.none();
          }

          @Override
          public List<ResponseHeader> responseHeaders(
              PoolSnapshot pool,
              RequestContext request,
              Binding binding,
              int chosen,
              Decision.Reason reason) {
            return List.of();
          }
        };
    Decision d =
        LoadBalancer.builder(upstream).affinity(passThrough).build().pick(RequestContext.empty());
    assertThat(d.reason()).isEqualTo(Decision.Reason.BALANCED);
    assertThat(TestAffinity.lenient().persistsSessions()).isTrue();
  }

  @Test
  void aRequestWithoutSessionStartsOne() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    Decision d = lb.pick(TestAffinity.requestFor(null));
    assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(d.responseHeaders())
        .containsExactly(new ResponseHeader(TestAffinity.HEADER, d.backend().id()));
  }

  @Test
  void aSessionSticksToItsBackend() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(TestAffinity.requestFor("b"));
      assertThat(d.backend().id()).isEqualTo("b");
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(d.responseHeaders()).isEmpty();
      lb.report(d, Outcome.SUCCESS);
    }
  }

  @Test
  void aDrainingBackendKeepsItsSessionsButTakesNoNewOnes() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    upstream.setState("b", BackendState.DRAINING);
    Decision bound = lb.pick(TestAffinity.requestFor("b"));
    assertThat(bound.backend().id()).isEqualTo("b");
    assertThat(bound.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    for (int i = 0; i < 20; i++) {
      assertThat(lb.pick(TestAffinity.requestFor(null)).backend().id()).isNotEqualTo("b");
    }
  }

  @Test
  void aDownBackendsSessionsAreRebalanced() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    upstream.setState("b", BackendState.DOWN);
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    assertThat(d.backend().id()).isNotEqualTo("b");
    assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
    assertThat(d.reason().isRebalance()).isTrue();
    assertThat(d.responseHeaders())
        .containsExactly(new ResponseHeader(TestAffinity.HEADER, d.backend().id()));
  }

  @Test
  void aFailedBackendsSessionsAreRebalanced() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    lb.report(d, Outcome.FAILURE);
    Decision next = lb.pick(TestAffinity.requestFor("b"));
    assertThat(next.backend().id()).isNotEqualTo("b");
    assertThat(next.reason()).isEqualTo(Decision.Reason.REBALANCED_FAILED);
  }

  @Test
  void aFullBackendsSessionsAreRebalanced() {
    upstream.update("b", b -> b.withMaxConnections(1));
    LoadBalancer lb = sticky(TestAffinity.lenient());
    Decision holding = lb.pick(TestAffinity.requestFor("b"));
    assertThat(holding.backend().id()).isEqualTo("b");
    Decision next = lb.pick(TestAffinity.requestFor("b"));
    assertThat(next.backend().id()).isNotEqualTo("b");
    assertThat(next.reason()).isEqualTo(Decision.Reason.REBALANCED_FULL);
    lb.report(holding, Outcome.SUCCESS);
    assertThat(lb.pick(TestAffinity.requestFor("b")).reason())
        .isEqualTo(Decision.Reason.STICKY_HIT);
  }

  @Test
  void aRemovedBackendsSessionsAreRebalanced() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    upstream.remove("b");
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    assertThat(d.backend().id()).isIn("a", "c");
    assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(d.binding().kind()).isEqualTo(Binding.Kind.GONE);
  }

  @Test
  void aStrictAffinityRefusesInsteadOfMoving() {
    LoadBalancer lb = sticky(new TestAffinity(true, true, null));
    upstream.setState("b", BackendState.DOWN);
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.backend()).isNull();
    assertThat(d.reason()).isEqualTo(Decision.Reason.REFUSED_UNAVAILABLE);
    assertThat(d.responseHeaders()).isEmpty();
    // A draining backend is still available to its sessions, strict or not.
    upstream.setState("b", BackendState.DRAINING);
    assertThat(lb.pick(TestAffinity.requestFor("b")).reason())
        .isEqualTo(Decision.Reason.STICKY_HIT);
  }

  @Test
  void theAffinitysFallbackIsHonouredOnlyWhenEligible() {
    LoadBalancer lb = sticky(new TestAffinity(false, true, "c"));
    upstream.setState("a", BackendState.DOWN);
    for (int i = 0; i < 5; i++) {
      assertThat(lb.pick(TestAffinity.requestFor("a")).backend().id()).isEqualTo("c");
    }
    upstream.setState("c", BackendState.DRAINING);
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(TestAffinity.requestFor("a"));
      assertThat(d.backend().id()).isEqualTo("b");
      assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
    }
  }

  /**
   * Issue 18: the affinity's fallback is decided once. The load balancer used to check its choice
   * again, so a backend that became full between the two checks (another request took its last
   * connection) sent the session to the selector instead.
   */
  @Test
  void aFallbackIsDecidedOnceEvenIfItsBackendFillsUpMeanwhile() {
    Upstream limited =
        Upstream.builder("limited")
            .backends(
                Backend.of("a", "10.0.0.1", 80),
                Backend.of("b", "10.0.0.2", 80),
                Backend.of("c", "10.0.0.3", 80).withMaxConnections(1))
            .build();
    LoadBalancer[] self = new LoadBalancer[1];
    TestAffinity sessions = new TestAffinity(false, true, null);
    SessionAffinity racing =
        new SessionAffinity() {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            return sessions.resolve(pool, request);
          }

          @Override
          public int fallback(
              PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
            int c = pool.indexOf("c");
            assertThat(eligible.isEligible(c)).isTrue();
            // A concurrent request takes c's only connection right after the check.
            assertThat(self[0].pick(TestAffinity.requestFor("c")).backend().id()).isEqualTo("c");
            return c;
          }

          @Override
          public List<ResponseHeader> responseHeaders(
              PoolSnapshot pool,
              RequestContext request,
              Binding binding,
              int chosen,
              Decision.Reason reason) {
            return sessions.responseHeaders(pool, request, binding, chosen, reason);
          }
        };
    self[0] = LoadBalancer.builder(limited).affinity(racing).build();
    limited.setState("a", BackendState.DOWN);
    Decision d = self[0].pick(TestAffinity.requestFor("a"));
    assertThat(d.backend().id()).isEqualTo("c");
    assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
  }

  @Test
  void retriesExcludeTriedBackendsAndStopAfterMaxTries() {
    LoadBalancer lb = LoadBalancer.builder(upstream).maxTries(3).build();
    Set<String> tried = new HashSet<>();
    Decision d = lb.pick(RequestContext.empty());
    tried.add(d.backend().id());
    for (int attempt = 2; attempt <= 3; attempt++) {
      lb.report(d, Outcome.FAILURE);
      d = lb.retry(d);
      assertThat(d.attempt()).isEqualTo(attempt);
      assertThat(d.reason()).isEqualTo(Decision.Reason.FAILOVER);
      assertThat(tried.add(d.backend().id())).as("a backend not tried before").isTrue();
    }
    lb.report(d, Outcome.FAILURE);
    Decision exhausted = lb.retry(d);
    assertThat(exhausted.hasBackend()).isFalse();
    assertThat(exhausted.reason()).isEqualTo(Decision.Reason.TRIES_EXHAUSTED);
    assertThat(tried).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void retriesRunOutOfBackendsBeforeTries() {
    LoadBalancer lb = LoadBalancer.builder(upstream).maxTries(10).build();
    Decision d = lb.pick(RequestContext.empty());
    for (int i = 0; i < 2; i++) {
      lb.report(d, Outcome.COMPLETED);
      d = lb.retry(d);
      assertThat(d.hasBackend()).isTrue();
    }
    lb.report(d, Outcome.COMPLETED);
    Decision none = lb.retry(d);
    assertThat(none.reason()).isEqualTo(Decision.Reason.NO_BACKEND);
    assertThat(lb.retry(none).reason()).isEqualTo(Decision.Reason.NO_BACKEND);
  }

  @Test
  void oneTryMeansNoRetry() {
    LoadBalancer lb = LoadBalancer.builder(upstream).maxTries(1).build();
    Decision d = lb.pick(RequestContext.empty());
    lb.report(d, Outcome.FAILURE);
    assertThat(lb.retry(d).reason()).isEqualTo(Decision.Reason.TRIES_EXHAUSTED);
  }

  @Test
  void aSessionThatMayNotChangeOnFailureRetriesTheSameBackend() {
    LoadBalancer lb = sticky(new TestAffinity(false, false, null));
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.backend().id()).isEqualTo("b");
    assertThat(retry.reason()).isEqualTo(Decision.Reason.RETRY_SAME);
    assertThat(retry.responseHeaders()).isEmpty();
    lb.report(retry, Outcome.SUCCESS);
  }

  @Test
  void aSessionThatMayChangeOnFailureFailsOver() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.backend().id()).isNotEqualTo("b");
    assertThat(retry.reason()).isEqualTo(Decision.Reason.FAILOVER);
    assertThat(retry.responseHeaders())
        .containsExactly(new ResponseHeader(TestAffinity.HEADER, retry.backend().id()));
  }

  @Test
  void aStrictSessionIsRefusedRatherThanMovedOnRetry() {
    LoadBalancer lb = sticky(new TestAffinity(true, true, null));
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.hasBackend()).isFalse();
    assertThat(retry.reason()).isEqualTo(Decision.Reason.REFUSED_UNAVAILABLE);
    assertThat(retry.responseHeaders()).isEmpty();
    assertThat(inFlight("b")).isZero();
  }

  @Test
  void aStrictSessionThatMayNotChangeOnFailureRetriesTheSameBackend() {
    LoadBalancer lb = sticky(new TestAffinity(true, false, null));
    Decision d = lb.pick(TestAffinity.requestFor("b"));
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.backend().id()).isEqualTo("b");
    assertThat(retry.reason()).isEqualTo(Decision.Reason.RETRY_SAME);
    lb.report(retry, Outcome.SUCCESS);
  }

  @Test
  void aStrictAffinityStillFailsOverRequestsWithoutSession() {
    LoadBalancer lb = sticky(new TestAffinity(true, true, null));
    Decision d = lb.pick(TestAffinity.requestFor(null));
    assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.reason()).isEqualTo(Decision.Reason.FAILOVER);
    assertThat(retry.backend().id()).isNotEqualTo(d.backend().id());
    lb.report(retry, Outcome.SUCCESS);
  }

  @Test
  void reportingTwiceCountsOnce() {
    LoadBalancer lb = LoadBalancer.of(upstream);
    Decision d = lb.pick(RequestContext.empty());
    String id = d.backend().id();
    assertThat(inFlight(id)).isEqualTo(1);
    lb.report(d, Outcome.FAILURE);
    lb.report(d, Outcome.FAILURE);
    lb.report(d, Outcome.SUCCESS);
    assertThat(inFlight(id)).isZero();
    PoolSnapshot pool = upstream.snapshot();
    assertThat(pool.stats(pool.indexOf(id)).fails()).isEqualTo(1);
  }

  @Test
  void inFlightCountsReturnToZero() {
    LoadBalancer lb =
        LoadBalancer.builder(upstream).selector(Selector.leastConn()).maxTries(3).build();
    Decision[] open = new Decision[30];
    for (int i = 0; i < open.length; i++) {
      open[i] = lb.pick(RequestContext.empty());
    }
    assertThat(inFlight("a") + inFlight("b") + inFlight("c")).isEqualTo(30);
    // least_conn spreads concurrent requests evenly.
    assertThat(List.of(inFlight("a"), inFlight("b"), inFlight("c"))).containsOnly(10);
    for (Decision d : open) {
      lb.report(d, Outcome.COMPLETED);
      Decision retry = lb.retry(d);
      lb.report(retry, Outcome.SUCCESS);
    }
    assertThat(List.of(inFlight("a"), inFlight("b"), inFlight("c"))).containsOnly(0);
  }

  @Test
  void aBrokenAffinityCountsAsNoSession() {
    SessionAffinity throwing =
        new SessionAffinity() {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            throw new IllegalStateException("bug");
          }

          @Override
          public List<ResponseHeader> responseHeaders(
              PoolSnapshot pool,
              RequestContext request,
              Binding binding,
              int chosen,
              Decision.Reason reason) {
            throw new IllegalStateException("bug");
          }
        };
    Decision d;
    try (CapturedLog log = CapturedLog.start()) { // how it is logged: AdapterFailureLoggingTest
      d = LoadBalancer.builder(upstream).affinity(throwing).build().pick(RequestContext.empty());
      assertThat(log.records())
          .extracting(CapturedLog.Entry::logger)
          .containsOnly("dev.lbkit.core.LoadBalancer");
    }
    assertThat(d.hasBackend()).isTrue();
    assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(d.responseHeaders()).isEmpty();
  }

  @Test
  void aBindingOutsideTheSnapshotCountsAsNoSession() {
    SessionAffinity outOfRange =
        new SessionAffinity() {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            return Binding.bound(pool.size() + 5, null);
          }

          @Override
          public List<ResponseHeader> responseHeaders(
              PoolSnapshot pool,
              RequestContext request,
              Binding binding,
              int chosen,
              Decision.Reason reason) {
            return List.of();
          }
        };
    Decision d;
    try (CapturedLog log = CapturedLog.start()) { // how it is logged: AdapterFailureLoggingTest
      d = LoadBalancer.builder(upstream).affinity(outOfRange).build().pick(RequestContext.empty());
      assertThat(log.records())
          .extracting(CapturedLog.Entry::logger)
          .containsOnly("dev.lbkit.core.LoadBalancer");
    }
    assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(upstream.snapshot().contains(d.backend())).isTrue();
  }

  @Test
  void anEmptyUpstreamHasNoBackend() {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("empty"));
    Decision d = lb.pick(RequestContext.empty());
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.NO_BACKEND);
    lb.report(d, Outcome.SUCCESS); // nothing to release, and no exception
    assertThat(d.toString()).isEqualTo("Decision{no backend, NO_BACKEND}");
  }

  @Test
  void decisionToStringNamesBackendReasonAndHeaders() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    Decision d = lb.pick(TestAffinity.requestFor("c"));
    assertThat(d.toString()).isEqualTo("Decision{c, STICKY_HIT}");
    upstream.setState("c", BackendState.DOWN);
    Decision moved = lb.pick(TestAffinity.requestFor("c"));
    assertThat(moved.toString())
        .startsWith("Decision{" + moved.backend().id() + ", REBALANCED_DOWN, [ResponseHeader[");
    assertThat(lb.toString())
        .isEqualTo("LoadBalancer{tea, round_robin, affinity=" + lb.affinity() + "}");
  }

  @Test
  void maxTriesIsValidated() {
    assertThatThrownBy(() -> LoadBalancer.builder(upstream).maxTries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTries: 0 (expected: >= 1)");
  }

  @Test
  void passiveHealthFromRetriesSeesTheFailure() {
    Upstream two =
        Upstream.builder("two")
            .backends(Backend.of("x", "10.0.1.1", 80), Backend.of("y", "10.0.1.2", 80))
            .passiveHealth(PassiveHealth.of(1, Duration.ofSeconds(30)))
            .clock(clock)
            .build();
    LoadBalancer lb = LoadBalancer.of(two);
    Decision d = lb.pick(RequestContext.empty());
    lb.report(d, Outcome.FAILURE);
    Decision retry = lb.retry(d);
    assertThat(retry.backend().id()).isNotEqualTo(d.backend().id());
    for (int i = 0; i < 4; i++) {
      assertThat(lb.pick(RequestContext.empty()).backend().id()).isEqualTo(retry.backend().id());
    }
  }

  @Test
  void aSessionResolvedBeforehandDecidesAsPickWould() {
    LoadBalancer lb = sticky(TestAffinity.lenient());
    PoolSnapshot pool = upstream.snapshot();
    ResolvedSession session = lb.resolveSession(TestAffinity.requestFor("c"));
    assertThat(session.kind()).isEqualTo(Binding.Kind.BOUND);

    Decision d = session.pick();
    assertThat(d.backend().id()).isEqualTo("c");
    assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    assertThat(d.snapshot()).isSameAs(pool);
    assertThat(inFlight("c")).isEqualTo(1);
    d.report(Outcome.SUCCESS);

    Decision gone = lb.resolveSession(TestAffinity.requestFor("z")).pick();
    assertThat(gone.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(gone.responseHeaders())
        .containsExactly(new ResponseHeader(TestAffinity.HEADER, gone.backend().id()));
    assertThat(lb.resolveSession(RequestContext.empty()).isPresent()).isFalse();
    assertThat(LoadBalancer.of(upstream).resolveSession(TestAffinity.requestFor("c")).isPresent())
        .isFalse();
  }
}
