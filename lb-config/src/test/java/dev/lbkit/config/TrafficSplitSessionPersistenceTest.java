package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.TrafficSplit;
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
          ref.name(),
          LoadBalancer.builder(upstream).affinity(sp.toAffinity()).build(),
          ref.weight());
    }
    return builder.build();
  }

  private static String cookiePair(Decision d) {
    String value = d.responseHeaders().get(0).value();
    return value.substring(0, value.indexOf(';'));
  }

  /** The split member that took the request, or null. */
  private static String member(Decision d) {
    return d.members().isEmpty() ? null : d.members().get(0);
  }

  @Test
  void sessionsSurviveTheCanaryGoingToZero() {
    TrafficSplit split = split();
    Decision onV2;
    do {
      onV2 = split.pick(Requests.cookie(null));
      onV2.report(Outcome.SUCCESS);
    } while (!"tea-v2".equals(member(onV2)));
    String cookie = cookiePair(onV2);

    split.setWeight("tea-v2", 0);
    for (int i = 0; i < 20; i++) {
      Decision d = split.pick(Requests.cookie(cookie));
      d.report(Outcome.SUCCESS);
      assertThat(member(d)).isEqualTo("tea-v2");
      assertThat(d.backend()).isEqualTo(onV2.backend());
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    }
    for (int i = 0; i < 100; i++) {
      Decision d = split.pick(Requests.cookie(null));
      d.report(Outcome.SUCCESS);
      assertThat(member(d)).isEqualTo("tea-v1");
    }
  }

  @Test
  void aSessionWhoseBackendLeftStaysOnItsVersion() {
    TrafficSplit split = split();
    Decision onV2;
    do {
      onV2 = split.pick(Requests.cookie(null));
      onV2.report(Outcome.SUCCESS);
    } while (!"tea-v2".equals(member(onV2)));
    String cookie = cookiePair(onV2);
    v2.remove(onV2.backend().id());
    split.setWeight("tea-v2", 0);

    Decision moved = split.pick(Requests.cookie(cookie));
    moved.report(Outcome.SUCCESS);
    assertThat(member(moved)).isEqualTo("tea-v2");
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    assertThat(moved.backend().id()).startsWith("v2-").isNotEqualTo(onV2.backend().id());
    assertThat(moved.responseHeaders()).hasSize(1); // the session's new token
  }

  @Test
  void aV1SessionIsNoSessionForV2() {
    TrafficSplit split = split();
    Decision onV1;
    do {
      onV1 = split.pick(Requests.cookie(null));
      onV1.report(Outcome.SUCCESS);
    } while (!"tea-v1".equals(member(onV1)));
    String cookie = cookiePair(onV1);
    // Scoped tokens: v2's affinity does not claim v1's session, not even as one that is gone.
    LoadBalancer v2Lb = (LoadBalancer) split.member("tea-v2");
    assertThat(v2Lb.affinity().resolve(v2.snapshot(), Requests.cookie(cookie)).kind())
        .isEqualTo(Binding.Kind.NONE);
    split.setWeight("tea-v1", 0);
    Decision d = split.pick(Requests.cookie(cookie));
    assertThat(member(d)).isEqualTo("tea-v1");
    assertThat(d.backend()).isEqualTo(onV1.backend());
  }
}
