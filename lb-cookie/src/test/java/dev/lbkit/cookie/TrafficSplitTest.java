package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {
  private final Upstream stable =
      Upstream.of(
          "stable",
          Backend.of("s1", "10.0.0.1", 8080).withRoute("s1"),
          Backend.of("s2", "10.0.0.2", 8080).withRoute("s2"));
  private final Upstream canary =
      Upstream.of(
          "canary",
          Backend.of("c1", "10.0.1.1", 8080).withRoute("c1"),
          Backend.of("c2", "10.0.1.2", 8080).withRoute("c2"));

  private static LoadBalancer routed(Upstream upstream) {
    return LoadBalancer.builder(upstream)
        .affinity(JvmRouteAffinity.builder().routeCookie("ROUTEID").build())
        .build();
  }

  private final LoadBalancer stableLb = routed(stable);
  private final LoadBalancer canaryLb = routed(canary);

  /**
   * Every split that draws members is seeded: the shares below are checked within tolerances, and a
   * tolerance left to chance can be missed by chance.
   */
  private static final long SEED = 20_240_601L;

  private TrafficSplit split(int stableWeight, int canaryWeight) {
    return TrafficSplit.builder()
        .member("stable", stableLb, stableWeight)
        .member("canary", canaryLb, canaryWeight)
        .seed(SEED)
        .build();
  }

  private static RequestContext withCookie(@Nullable String cookie) {
    return JvmRouteAffinityTest.cookie(cookie);
  }

  private static RequestContext withHeader(String session) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase("X-Session") ? session : null)
        .build();
  }

  private static Decision pickAndReport(TrafficSplit split, RequestContext request) {
    Decision d = split.pick(request);
    d.report(Outcome.SUCCESS);
    return d;
  }

  /** The split member that took the request, or null. */
  private static String member(Decision d) {
    return d.members().isEmpty() ? null : d.members().get(0);
  }

  @Test
  void newSessionsFollowTheWeights() {
    TrafficSplit split = split(90, 10);
    int n = 20_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Decision d = pickAndReport(split, withCookie(null));
      assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
      assertThat(d.responseHeaders()).hasSize(1); // the member's route cookie
      counts.merge(member(d), 1, Integer::sum);
    }
    // Binomial(20000, 0.1): one standard deviation is 0.21 %; 1 % is about five.
    assertThat(counts.get("canary") / (double) n).isCloseTo(0.10, within(0.01));
  }

  @Test
  void threeWaySplitFollowsTheWeights() {
    Upstream third = Upstream.of("third", Backend.of("t1", "10.0.2.1", 8080));
    TrafficSplit split =
        TrafficSplit.builder()
            .member("a", stableLb, 500_000)
            .member("b", canaryLb, 300_000)
            .member("c", LoadBalancer.of(third), 200_000)
            .seed(SEED)
            .build();
    int n = 20_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(member(pickAndReport(split, withCookie(null))), 1, Integer::sum);
    }
    assertThat(counts.get("a") / (double) n).isCloseTo(0.5, within(0.015));
    assertThat(counts.get("b") / (double) n).isCloseTo(0.3, within(0.015));
    assertThat(counts.get("c") / (double) n).isCloseTo(0.2, within(0.015));
  }

  @Test
  void sessionsStayOnTheirMemberAndBackendEvenAtWeightZero() {
    TrafficSplit split = split(50, 50);
    String canaryCookie = null;
    Backend canaryBackend = null;
    while (canaryCookie == null) {
      Decision d = pickAndReport(split, withCookie(null));
      if ("canary".equals(member(d))) {
        canaryBackend = d.backend();
        canaryCookie = cookiePair(d.responseHeaders());
      }
    }
    split.setWeight("canary", 0);
    assertThat(split.weight("canary")).isZero();
    for (int i = 0; i < 50; i++) {
      Decision kept = pickAndReport(split, withCookie(canaryCookie));
      assertThat(member(kept)).isEqualTo("canary");
      assertThat(kept.backend()).isEqualTo(canaryBackend);
      assertThat(kept.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(kept.responseHeaders()).isEmpty();
    }
    for (int i = 0; i < 500; i++) {
      assertThat(member(pickAndReport(split, withCookie(null)))).isEqualTo("stable");
    }
  }

  @Test
  void aFullCutOverKeepsTheOldSessions() {
    TrafficSplit split = split(100, 0);
    Decision first = pickAndReport(split, withCookie(null));
    String cookie = cookiePair(first.responseHeaders());
    split.setWeight("stable", 0);
    split.setWeight("canary", 100);
    assertThat(pickAndReport(split, withCookie(cookie)).backend()).isEqualTo(first.backend());
    assertThat(member(pickAndReport(split, withCookie(null)))).isEqualTo("canary");
  }

  @Test
  void legacyModeDecidesTheSplitOnEveryRequest() {
    TrafficSplit split =
        TrafficSplit.builder()
            .member("stable", stableLb, 100)
            .member("canary", canaryLb, 0)
            .canaryBehavior(TrafficSplit.CanaryBehavior.LEGACY)
            .seed(SEED)
            .build();
    for (int i = 0; i < 100; i++) {
      Decision d = pickAndReport(split, withCookie("ROUTEID=.c2"));
      assertThat(member(d)).isEqualTo("stable");
      // The stable member knows no route c2: a new session there.
      assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    }
    split.setWeight("canary", 100);
    int onCanary = 0;
    for (int i = 0; i < 4_000; i++) {
      Decision d = pickAndReport(split, withCookie("ROUTEID=.c2"));
      if ("canary".equals(member(d))) {
        onCanary++;
        // Within the member, the session still holds.
        assertThat(d.backend().id()).isEqualTo("c2");
        assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      }
    }
    assertThat(onCanary / 4_000.0).isCloseTo(0.5, within(0.04));
  }

  @Test
  void aSessionWhoseBackendIsGoneStaysOnItsMember() {
    LoadBalancer stableScoped =
        LoadBalancer.builder(stable).affinity(new HeaderSession(true)).build();
    LoadBalancer canaryScoped =
        LoadBalancer.builder(canary).affinity(new HeaderSession(true)).build();
    TrafficSplit split =
        TrafficSplit.builder()
            .member("stable", stableScoped, 1)
            .member("canary", canaryScoped, 0)
            .build();
    canary.remove("c1");
    Decision d = pickAndReport(split, withHeader("canary:c1"));
    assertThat(member(d)).isEqualTo("canary");
    assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(d.backend().id()).isEqualTo("c2");
    assertThat(d.responseHeaders()).containsExactly(new ResponseHeader("X-Session", "canary:c2"));
  }

  @Test
  void aSessionSeveralMembersCallGoneStartsAgainByWeight() {
    TrafficSplit split =
        TrafficSplit.builder()
            .member(
                "stable",
                LoadBalancer.builder(stable).affinity(new HeaderSession(false)).build(),
                1)
            .member(
                "canary",
                LoadBalancer.builder(canary).affinity(new HeaderSession(false)).build(),
                0)
            .build();
    Decision d = pickAndReport(split, withHeader("x9"));
    assertThat(member(d)).isEqualTo("stable");
    assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
  }

  @Test
  void aMemberWithoutBackendsDoesNotKeepRequests() {
    TrafficSplit split = split(50, 50);
    canary.setState("c1", BackendState.DOWN);
    canary.setState("c2", BackendState.DOWN);
    Decision session = pickAndReport(split, withCookie("ROUTEID=.c1"));
    assertThat(member(session)).isEqualTo("stable");
    assertThat(session.hasBackend()).isTrue();
    for (int i = 0; i < 200; i++) {
      assertThat(member(pickAndReport(split, withCookie(null)))).isEqualTo("stable");
    }
  }

  @Test
  void aStrictMemberKeepsItsRefusal() {
    LoadBalancer strictCanary =
        LoadBalancer.builder(canary)
            .affinity(JvmRouteAffinity.builder().routeCookie("ROUTEID").failover(false).build())
            .build();
    TrafficSplit split =
        TrafficSplit.builder()
            .member("stable", stableLb, 1)
            .member("canary", strictCanary, 1)
            .build();
    canary.setState("c1", BackendState.DOWN);
    Decision d = split.pick(withCookie("ROUTEID=.c1"));
    assertThat(member(d)).isEqualTo("canary");
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.REFUSED_UNAVAILABLE);
  }

  @Test
  void noMemberWhenEveryWeightIsZero() {
    TrafficSplit split = split(0, 0);
    Decision d = split.pick(withCookie(null));
    assertThat(d.reason()).isEqualTo(Decision.Reason.NO_MEMBER);
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.backend()).isNull();
    assertThat(member(d)).isNull();
    assertThat(d.responseHeaders()).isEmpty();
    d.report(Outcome.FAILURE); // nothing to release
    assertThat(d.retry().hasBackend()).isFalse();
    assertThat(d).hasToString("Decision{no backend, NO_MEMBER}");
    // A session still finds its member.
    assertThat(split.pick(withCookie("ROUTEID=.s2")).backend().id()).isEqualTo("s2");
  }

  @Test
  void retryAndReportStayWithinTheMember() {
    TrafficSplit split = split(1, 0);
    Decision first = split.pick(withCookie("ROUTEID=.s1"));
    assertThat(first.backend().id()).isEqualTo("s1");
    assertThat(stable.snapshot().inFlight(0)).isEqualTo(1);
    first.report(Outcome.FAILURE);
    assertThat(stable.snapshot().inFlight(0)).isZero();
    Decision second = first.retry();
    assertThat(member(second)).isEqualTo("stable");
    assertThat(second.backend().id()).isEqualTo("s2");
    assertThat(second.reason()).isEqualTo(Decision.Reason.FAILOVER);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.responseHeaders())
        .extracting(ResponseHeader::value)
        .containsExactly("ROUTEID=.s2; Path=/; HttpOnly");
    second.report(Outcome.SUCCESS);
    assertThat(stable.snapshot().inFlight(1)).isZero();
  }

  @Test
  void configurationErrors() {
    assertThatThrownBy(() -> TrafficSplit.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("members: none (expected: at least one member)");
    assertThatThrownBy(() -> TrafficSplit.builder().member("a", stableLb, -1))
        .hasMessage("weight of member a: -1 (expected: 0..1000000)");
    assertThatThrownBy(() -> TrafficSplit.builder().member("a", stableLb, 1_000_001))
        .hasMessage("weight of member a: 1000001 (expected: 0..1000000)");
    assertThatThrownBy(
            () -> TrafficSplit.builder().member("a", stableLb, 1).member("a", canaryLb, 1))
        .hasMessage("member: \"a\" (expected: a name not used yet)");
    assertThatThrownBy(() -> TrafficSplit.builder().member(" ", stableLb, 1))
        .hasMessage("member name: \" \" (expected: a non-blank name)");
    TrafficSplit split = split(1, 1);
    assertThatThrownBy(() -> split.setWeight("blue", 1))
        .hasMessage("member: \"blue\" (expected: one of [stable, canary])");
    assertThatThrownBy(() -> split.setWeight("canary", -5))
        .hasMessage("weight of member canary: -5 (expected: 0..1000000)");
    assertThatThrownBy(() -> TrafficSplit.CanaryBehavior.parse("sometimes"))
        .hasMessage("canary behavior: \"sometimes\" (expected: sticky or legacy)");
  }

  @Test
  void accessors() {
    TrafficSplit split = split(90, 10);
    assertThat(split.members()).containsExactly("stable", "canary");
    assertThat(split.member("canary")).isSameAs(canaryLb);
    assertThat(split.weight("stable")).isEqualTo(90);
    assertThat(split.canaryBehavior()).isEqualTo(TrafficSplit.CanaryBehavior.STICKY);
    assertThat(split).hasToString("TrafficSplit{stable=90, canary=10}");
    assertThat(TrafficSplit.CanaryBehavior.parse(" Legacy "))
        .isEqualTo(TrafficSplit.CanaryBehavior.LEGACY);
    assertThat(TrafficSplit.CanaryBehavior.parse("STICKY"))
        .isEqualTo(TrafficSplit.CanaryBehavior.STICKY);
  }

  private static String cookiePair(List<ResponseHeader> headers) {
    assertThat(headers).hasSize(1);
    String value = headers.get(0).value();
    return value.substring(0, value.indexOf(';'));
  }

  /**
   * A header session for tests: {@code X-Session: upstream:backend} when scoped (a session of
   * another upstream is no session here), {@code X-Session: backend} when not (every upstream
   * claims it, and calls it gone if it has no such backend).
   */
  @Test
  void eachMembersSessionIsResolvedOncePerPick() {
    CountingSession stableSessions = new CountingSession();
    CountingSession canarySessions = new CountingSession();
    TrafficSplit split =
        TrafficSplit.builder()
            .member("stable", LoadBalancer.builder(stable).affinity(stableSessions).build(), 50)
            .member("canary", LoadBalancer.builder(canary).affinity(canarySessions).build(), 50)
            .build();

    Decision kept = pickAndReport(split, withHeader("canary:c2"));
    assertThat(kept.backend().id()).isEqualTo("c2");
    assertThat(kept.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    assertThat(stableSessions.resolves).isEqualTo(1);
    assertThat(canarySessions.resolves).isEqualTo(1);

    Decision moved = pickAndReport(split, withHeader("canary:c9"));
    assertThat(member(moved)).isEqualTo("canary");
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(stableSessions.resolves).isEqualTo(2);
    assertThat(canarySessions.resolves).isEqualTo(2);
  }

  /** {@link HeaderSession} (scoped) that counts how often a session is resolved. */
  static final class CountingSession implements SessionAffinity {
    private final HeaderSession sessions = new HeaderSession(true);
    int resolves;

    @Override
    public Binding resolve(PoolSnapshot pool, RequestContext request) {
      resolves++;
      return sessions.resolve(pool, request);
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
  }

  static final class HeaderSession implements SessionAffinity {
    private final boolean scoped;

    HeaderSession(boolean scoped) {
      this.scoped = scoped;
    }

    @Override
    public Binding resolve(PoolSnapshot pool, RequestContext request) {
      String value = request.header("X-Session");
      if (value == null) {
        return Binding.none();
      }
      String id = value;
      if (scoped) {
        String prefix = pool.upstreamName() + ':';
        if (!value.startsWith(prefix)) {
          return Binding.none();
        }
        id = value.substring(prefix.length());
      }
      int index = pool.indexOf(id);
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
      String id = pool.backend(chosen).id();
      return List.of(new ResponseHeader("X-Session", scoped ? pool.upstreamName() + ':' + id : id));
    }
  }
}
