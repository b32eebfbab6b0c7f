package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: one routing interface. A decision reports and retries itself through the load balancer
 * that made it, carries the split members that led to it, and splits nest.
 */
class RouterTest {
  private final Upstream stable =
      Upstream.of("stable", Backend.of("s1", "10.0.0.1", 80), Backend.of("s2", "10.0.0.2", 80));
  private final Upstream blue = Upstream.of("blue", Backend.of("b1", "10.0.1.1", 80));
  private final Upstream green =
      Upstream.of("green", Backend.of("g1", "10.0.2.1", 80), Backend.of("g2", "10.0.2.2", 80));

  private final LoadBalancer stableLb = scoped(stable);
  private final LoadBalancer blueLb = scoped(blue);
  private final LoadBalancer greenLb = scoped(green);

  private static LoadBalancer scoped(Upstream upstream) {
    return LoadBalancer.builder(upstream).affinity(new ScopedSession()).build();
  }

  /** Seeded, so that every run draws the same members: the counts below are not left to chance. */
  private TrafficSplit nested(int stableWeight, int canaryWeight) {
    TrafficSplit canary =
        TrafficSplit.builder()
            .member("blue", blueLb, 1)
            .member("green", greenLb, 1)
            .seed(2)
            .build();
    return TrafficSplit.builder()
        .member("stable", stableLb, stableWeight)
        .member("canary", canary, canaryWeight)
        .seed(1)
        .build();
  }

  private static RequestContext session(String value) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase(ScopedSession.HEADER) ? value : null)
        .build();
  }

  @Test
  void aLoadBalancerIsARouterWhoseDecisionsReportThemselves() {
    Router router = stableLb;
    Decision d = router.pick(RequestContext.empty());
    assertThat(d.loadBalancer()).isSameAs(stableLb);
    assertThat(d.members()).isEmpty();
    int index = d.snapshot().indexOf(d.backend().id());
    assertThat(d.snapshot().inFlight(index)).isEqualTo(1);
    d.report(Outcome.SUCCESS);
    assertThat(d.snapshot().inFlight(index)).isZero();
  }

  @Test
  void aSessionInANestedSplitKeepsItsMemberPathAtWeightZero() {
    TrafficSplit split = nested(100, 0);
    for (int i = 0; i < 20; i++) {
      Decision d = split.pick(session("green:g2"));
      assertThat(d.backend().id()).isEqualTo("g2");
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(d.members()).containsExactly("canary", "green");
      assertThat(d.loadBalancer()).isSameAs(greenLb);
      d.report(Outcome.SUCCESS);
    }
    for (int i = 0; i < 20; i++) {
      Decision d = split.pick(RequestContext.empty());
      assertThat(d.members()).containsExactly("stable");
      assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
      d.report(Outcome.SUCCESS);
    }
    assertThat(split.resolveSession(session("blue:b1")).kind()).isEqualTo(Binding.Kind.BOUND);
    assertThat(split.resolveSession(session("nobody:x")).isPresent()).isFalse();
  }

  @Test
  void aRetryStaysInTheMemberThatDecided() {
    TrafficSplit split = nested(0, 1);
    Decision first = split.pick(session("green:g1"));
    assertThat(first.members()).containsExactly("canary", "green");
    first.report(Outcome.FAILURE);
    Decision retry = first.retry();
    assertThat(retry.backend().id()).isEqualTo("g2");
    assertThat(retry.reason()).isEqualTo(Decision.Reason.FAILOVER);
    assertThat(retry.members()).containsExactly("canary", "green");
    assertThat(retry.loadBalancer()).isSameAs(greenLb);
    retry.report(Outcome.SUCCESS);
    Decision third = retry.retry();
    assertThat(third.hasBackend()).isFalse(); // both of green's backends tried
    assertThat(green.snapshot().inFlight(0) + green.snapshot().inFlight(1)).isZero();
  }

  @Test
  void newSessionsFollowTheWeightsOfEveryLevel() {
    TrafficSplit split = nested(1, 1);
    int blueCount = 0;
    int n = 4_000;
    for (int i = 0; i < n; i++) {
      Decision d = split.pick(RequestContext.empty());
      if (d.members().equals(List.of("canary", "blue"))) {
        blueCount++;
      }
      d.report(Outcome.SUCCESS);
    }
    // One in four: half the traffic to the canary, half of it to blue (sd about 0.7 %).
    assertThat(blueCount / (double) n).isBetween(0.21, 0.29);
  }

  @Test
  void noMemberWhenNoWeightIsLeft() {
    TrafficSplit split = nested(0, 0);
    Decision d = split.pick(RequestContext.empty());
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.NO_MEMBER);
    assertThat(d.members()).isEmpty();
    d.report(Outcome.FAILURE); // nothing to release
    assertThat(d.retry().hasBackend()).isFalse();
    // Sessions still find their member.
    assertThat(split.pick(session("stable:s2")).backend().id()).isEqualTo("s2");
  }

  @Test
  void legacySplitsClaimNoSession() {
    TrafficSplit legacy =
        TrafficSplit.builder()
            .member("blue", blueLb, 1)
            .member("green", greenLb, 1)
            .canaryBehavior(TrafficSplit.CanaryBehavior.LEGACY)
            .build();
    assertThat(legacy.resolveSession(session("green:g1")).isPresent()).isFalse();
    assertThatThrownBy(() -> ResolvedSession.none().pick())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDecisionBelongsToItsLoadBalancer() {
    Decision d = stableLb.pick(RequestContext.empty());
    assertThatThrownBy(() -> greenLb.report(d, Outcome.SUCCESS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("decision: one of LoadBalancer{stable");
    assertThatThrownBy(() -> greenLb.retry(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("previous: a decision of LoadBalancer{stable");
    d.report(Outcome.SUCCESS);
  }

  /** {@code X-Session: upstream:backend}; another upstream's session is no session here. */
  static final class ScopedSession implements SessionAffinity {
    static final String HEADER = "X-Session";

    @Override
    public Binding resolve(PoolSnapshot pool, RequestContext request) {
      String value = request.header(HEADER);
      String prefix = pool.upstreamName() + ':';
      if (value == null || !value.startsWith(prefix)) {
        return Binding.none();
      }
      int index = pool.indexOf(value.substring(prefix.length()));
      return index >= 0 ? Binding.bound(index, null) : Binding.gone(null);
    }

    @Override
    public List<ResponseHeader> responseHeaders(
        PoolSnapshot pool,
        RequestContext request,
        Binding binding,
        int chosen,
        Decision.Reason reason) {
      if (reason == Decision.Reason.STICKY_HIT) {
        return List.of();
      }
      return List.of(
          new ResponseHeader(HEADER, pool.upstreamName() + ':' + pool.backend(chosen).id()));
    }
  }
}
