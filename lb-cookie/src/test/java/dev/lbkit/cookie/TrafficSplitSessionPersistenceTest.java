package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Upstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Gateway API rule with weighted backendRefs and a sessionPersistence, end to end: the rule is
 * parsed, each backendRef gets a load balancer with the session cookie (scoped to its upstream, so
 * that a v1 session is no session for v2), and the split keeps sessions where they started.
 */
class TrafficSplitSessionPersistenceTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private final Upstream v1 =
      Upstream.of("tea-v1", Backend.of("v1-a", "10.0.0.1", 80), Backend.of("v1-b", "10.0.0.2", 80));
  private final Upstream v2 =
      Upstream.of("tea-v2", Backend.of("v2-a", "10.0.1.1", 80), Backend.of("v2-b", "10.0.1.2", 80));

  private final Map<String, Object> rule =
      Map.of(
          "backendRefs",
          List.of(
              Map.of("name", "tea-v1", "port", 80, "weight", 50),
              Map.of("name", "tea-v2", "port", 80, "weight", 50)),
          "sessionPersistence",
          Map.of("sessionName", "tea", "absoluteTimeout", "1h"));

  private TrafficSplit split() {
    SessionPersistence sp =
        GatewayApiConfig.ruleSessionPersistence(rule).toBuilder().secrets(SECRET).build();
    TrafficSplit.Builder builder = TrafficSplit.builder();
    for (GatewayApiConfig.BackendRef ref : GatewayApiConfig.backendRefs(rule)) {
      Upstream upstream = ref.name().equals("tea-v1") ? v1 : v2;
      builder.member(
          ref.name(), LoadBalancer.builder(upstream).affinity(sp.toAffinity()).build(), ref.weight());
    }
    return builder.build();
  }

  private static String cookiePair(SplitDecision d) {
    String value = d.responseHeaders().get(0).value();
    return value.substring(0, value.indexOf(';'));
  }

  @Test
  void sessionsSurviveTheCanaryGoingToZero() {
    TrafficSplit split = split();
    SplitDecision onV2;
    do {
      onV2 = split.pick(JvmRouteAffinityTest.cookie(null));
      split.report(onV2, Outcome.SUCCESS);
    } while (!"tea-v2".equals(onV2.member()));
    String cookie = cookiePair(onV2);

    split.setWeight("tea-v2", 0);
    for (int i = 0; i < 20; i++) {
      SplitDecision d = split.pick(JvmRouteAffinityTest.cookie(cookie));
      split.report(d, Outcome.SUCCESS);
      assertThat(d.member()).isEqualTo("tea-v2");
      assertThat(d.reason()).isEqualTo(SplitDecision.Reason.SESSION);
      assertThat(d.backend()).isEqualTo(onV2.backend());
      assertThat(d.decision().reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    }
    for (int i = 0; i < 100; i++) {
      SplitDecision d = split.pick(JvmRouteAffinityTest.cookie(null));
      split.report(d, Outcome.SUCCESS);
      assertThat(d.member()).isEqualTo("tea-v1");
    }
  }

  @Test
  void aSessionWhoseBackendLeftStaysOnItsVersion() {
    TrafficSplit split = split();
    SplitDecision onV2;
    do {
      onV2 = split.pick(JvmRouteAffinityTest.cookie(null));
      split.report(onV2, Outcome.SUCCESS);
    } while (!"tea-v2".equals(onV2.member()));
    String cookie = cookiePair(onV2);
    v2.remove(onV2.backend().id());
    split.setWeight("tea-v2", 0);

    SplitDecision moved = split.pick(JvmRouteAffinityTest.cookie(cookie));
    split.report(moved, Outcome.SUCCESS);
    assertThat(moved.member()).isEqualTo("tea-v2");
    assertThat(moved.reason()).isEqualTo(SplitDecision.Reason.SESSION);
    assertThat(moved.decision().reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(moved.backend().id()).startsWith("v2-").isNotEqualTo(onV2.backend().id());
    assertThat(moved.responseHeaders()).hasSize(1); // the session's new token
  }

  @Test
  void aV1SessionIsNoSessionForV2() {
    TrafficSplit split = split();
    SplitDecision onV1;
    do {
      onV1 = split.pick(JvmRouteAffinityTest.cookie(null));
      split.report(onV1, Outcome.SUCCESS);
    } while (!"tea-v1".equals(onV1.member()));
    String cookie = cookiePair(onV1);
    // Scoped tokens: v2's affinity does not claim v1's session, not even as one that is gone.
    LoadBalancer v2Lb = split.member("tea-v2");
    assertThat(v2Lb.affinity().resolve(v2.snapshot(), JvmRouteAffinityTest.cookie(cookie)).kind())
        .isEqualTo(Binding.Kind.NONE);
    split.setWeight("tea-v1", 0);
    SplitDecision d = split.pick(JvmRouteAffinityTest.cookie(cookie));
    assertThat(d.member()).isEqualTo("tea-v1");
    assertThat(d.backend()).isEqualTo(onV1.backend());
  }
}
