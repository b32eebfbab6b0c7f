package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: precomputations are keyed by value, shared, and removable. A gateway that rebuilds its
 * load balancers over a long-lived upstream (a configuration reload) must not leak rings and
 * tables, nor make every later change of the backends compute more.
 */
class PrecomputationRegistryTest {
  private final Upstream upstream =
      Upstream.of(
          "tea",
          Backend.of("a", "10.0.0.1", 80),
          Backend.of("b", "10.0.0.2", 80),
          Backend.of("c", "10.0.0.3", 80));

  /** A precomputation equal to any other of the same parameter, counting what it computes. */
  static final class Counting implements Precomputation<Integer> {
    static final AtomicInteger COMPUTED = new AtomicInteger();
    final int parameter;

    Counting(int parameter) {
      this.parameter = parameter;
    }

    @Override
    public Integer compute(List<Backend> backends) {
      COMPUTED.incrementAndGet();
      return parameter * 1000 + backends.size();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Counting && ((Counting) o).parameter == parameter;
    }

    @Override
    public int hashCode() {
      return parameter;
    }

    @Override
    public String toString() {
      return "counting(" + parameter + ")";
    }
  }

  /** Round robin that also reads its own precomputations, as a ring selector would. */
  private static Selector reading(Counting... precomputations) {
    Selector roundRobin = Selector.roundRobin();
    return new Selector() {
      @Override
      public List<Precomputation<?>> precomputations() {
        List<Precomputation<?>> all = new java.util.ArrayList<>(List.of(precomputations));
        all.addAll(roundRobin.precomputations());
        return all;
      }

      @Override
      public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
        for (Counting c : precomputations) {
          assertThat(pool.precomputed(c)).isEqualTo(c.parameter * 1000 + pool.size());
        }
        return roundRobin.select(pool, request, eligible);
      }
    };
  }

  private int computedBy(Runnable change) {
    int before = Counting.COMPUTED.get();
    change.run();
    return Counting.COMPUTED.get() - before;
  }

  @Test
  void buildingAndClosingAThousandLoadBalancersLeavesNothingBehind() {
    LoadBalancer kept = LoadBalancer.builder(upstream).selector(reading(new Counting(1))).build();
    int[] baseline = upstream.registrations();
    int perChange = computedBy(() -> upstream.setWeight("a", 2));
    assertThat(perChange).isEqualTo(1);

    for (int i = 0; i < 1000; i++) {
      // An equal precomputation (shared with the kept one) and one of its own.
      LoadBalancer reloaded =
          LoadBalancer.builder(upstream)
              .selector(reading(new Counting(1), new Counting(10_000 + i)))
              .build();
      assertThat(reloaded.pick(RequestContext.empty()).hasBackend()).isTrue();
      reloaded.close();
      reloaded.close(); // twice: once
    }

    assertThat(upstream.registrations()).isEqualTo(baseline);
    assertThat(computedBy(() -> upstream.setWeight("a", 3))).isEqualTo(perChange);
    assertThat(kept.pick(RequestContext.empty()).hasBackend()).isTrue();
  }

  @Test
  void equalPrecomputationsAreComputedOncePerChange() {
    LoadBalancer one = LoadBalancer.builder(upstream).selector(reading(new Counting(2))).build();
    LoadBalancer two = LoadBalancer.builder(upstream).selector(reading(new Counting(2))).build();
    assertThat(upstream.registrations()[1]).isEqualTo(2); // counting(2) and round robin's turns
    assertThat(computedBy(() -> upstream.setState("b", BackendState.DRAINING))).isEqualTo(1);
    assertThat(one.pick(RequestContext.empty()).hasBackend()).isTrue();
    assertThat(two.pick(RequestContext.empty()).hasBackend()).isTrue();
    one.close();
    // The value stays while an instance of it is registered, and is not computed again.
    assertThat(computedBy(() -> two.pick(RequestContext.empty()))).isZero();
    assertThat(upstream.snapshot().precomputed(new Counting(2))).isEqualTo(2003);
    two.close();
    assertThat(upstream.registrations()).containsExactly(0, 0);
    assertThat(computedBy(() -> upstream.setWeight("c", 5))).isZero();
  }

  @Test
  void registeringComputesOnlyWhatIsNew() {
    LoadBalancer.builder(upstream).selector(reading(new Counting(3))).build();
    assertThat(
            computedBy(
                () ->
                    LoadBalancer.builder(upstream)
                        .selector(reading(new Counting(3), new Counting(4)))
                        .build()))
        .isEqualTo(1);
  }

  @Test
  void aClosedLoadBalancerMayNotPick() {
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(reading(new Counting(5))).build();
    Decision before = lb.pick(RequestContext.empty());
    lb.close();
    before.report(Outcome.SUCCESS); // decisions already made can still be reported
    assertThatThrownBy(() -> lb.pick(RequestContext.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed load balancer");
  }

  /** Picks go on, and see every value they need, while other load balancers come and go. */
  @Test
  void picksNeverMissAValueWhileOthersRegisterAndClose() throws Exception {
    LoadBalancer kept = LoadBalancer.builder(upstream).selector(reading(new Counting(6))).build();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger picks = new AtomicInteger();
    long deadline = System.nanoTime() + 1_000_000_000L;
    Thread picker =
        new Thread(
            () -> {
              try {
                while (System.nanoTime() < deadline) {
                  Decision d = kept.pick(RequestContext.empty());
                  assertThat(d.hasBackend()).isTrue();
                  d.report(Outcome.SUCCESS);
                  picks.incrementAndGet();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    picker.start();
    int cycles = 0;
    // Each weight change is a published set, logged at INFO: kept off the console, and checked to
    // be nothing else (registrations alone are DEBUG).
    try (CapturedLog log = CapturedLog.start()) {
      while (System.nanoTime() < deadline) {
        LoadBalancer.builder(upstream)
            .selector(reading(new Counting(6), new Counting(7 + cycles % 3)))
            .build()
            .close();
        upstream.setWeight("a", 1 + cycles % 4);
        cycles++;
      }
      assertThat(log.records())
          .allSatisfy(e -> assertThat(e.level()).isEqualTo("INFO"))
          .allSatisfy(e -> assertThat(e.message()).contains(" published with ", "; changed [a "));
    }
    picker.join(5_000);
    assertThat(picker.isAlive()).as("picker ended").isFalse();
    assertThat(failure.get()).isNull();
    assertThat(picks.get()).isPositive();
    assertThat(cycles).isPositive();
    assertThat(upstream.registrations()).containsExactly(2, 2);
  }
}
