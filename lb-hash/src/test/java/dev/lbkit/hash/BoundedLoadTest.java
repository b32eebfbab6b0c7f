package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.BoundedLoadProperties.Method;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What bounded load's O(1) totals mean at the edges (docs/hashing.md): the bound is relative to the
 * weight of the {@code UP} backends, and gives way to the key's own backend when the eligible ones
 * have all reached it.
 */
class BoundedLoadTest {
  private static Selector bounded(Method method, double factor) {
    return method.factory.apply(
        KeyExtractor.header("K"), HashOptions.builder().boundedLoad(factor).build());
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void drainingBackendsAddNoWeight(Method method) {
    Upstream upstream =
        Upstream.of(
            "u",
            Backend.of("b1", "10.0.0.1", 80),
            Backend.of("b2", "10.0.0.2", 80),
            Backend.of("b3", "10.0.0.3", 80).withState(BackendState.DRAINING));
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(bounded(method, 1.0)).build();
    for (int i = 0; i < 60; i++) {
      assertThat(lb.pick(Fixture.header("K", "hot")).hasBackend()).isTrue();
    }
    PoolSnapshot pool = upstream.snapshot();
    // c = 1.0 over the two UP backends' weight: 30 each, exactly.
    assertThat(pool.inFlight(0)).isEqualTo(30);
    assertThat(pool.inFlight(1)).isEqualTo(30);
    assertThat(pool.inFlight(2)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void whenEveryEligibleBackendIsFullTheKeysOwnTakesTheRequest(Method method) {
    Upstream upstream =
        Upstream.builder("u")
            .backends(RingsTest.backends(3))
            .passiveHealth(PassiveHealth.of(1, Duration.ofMinutes(10)))
            .build();
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(bounded(method, 1.0)).build();
    int failed = failOne(upstream, "b3");

    // b3 is UP, so it counts in the weight while passive health keeps it out: the two others
    // may hold ceil((inFlight + 1) / 3) each, which they soon all hold.
    int[] picks = new int[3];
    for (int i = 0; i < 60; i++) {
      Decision d = lb.pick(Fixture.header("K", "hot"));
      assertThat(d.hasBackend()).isTrue();
      picks[d.snapshot().indexOf(d.backend().id())]++;
    }
    assertThat(picks[failed]).isZero();
    assertThat(picks[0] + picks[1]).isEqualTo(60);
    // Both took requests while they had room; the bound then gave way to one of them.
    assertThat(Math.min(picks[0], picks[1])).isGreaterThanOrEqualTo(10);
  }

  /** Reports a failure of backend {@code id}, which with maxFails 1 takes it out; its index. */
  private static int failOne(Upstream upstream, String id) {
    LoadBalancer roundRobin = LoadBalancer.of(upstream);
    for (int i = 0; i < 10; i++) {
      Decision d = roundRobin.pick(RequestContext.empty());
      if (d.backend().id().equals(id)) {
        roundRobin.report(d, Outcome.FAILURE);
        int index = upstream.snapshot().indexOf(id);
        assertThat(upstream.snapshot().isAvailable(index)).isFalse();
        return index;
      }
      roundRobin.report(d, Outcome.SUCCESS);
    }
    throw new AssertionError(id + " never picked");
  }
}
