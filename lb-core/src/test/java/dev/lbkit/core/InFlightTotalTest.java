package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PoolSnapshot#inFlightTotal()}: a running total while a selector that reads it is open over
 * the upstream, a sum over the backends otherwise, and the same number either way.
 */
class InFlightTotalTest {
  private static final List<Backend> BACKENDS =
      List.of(
          Backend.of("a", "10.0.0.1", 80).withWeight(3),
          Backend.of("b", "10.0.0.2", 80),
          Backend.of("c", "10.0.0.3", 80).withState(BackendState.DRAINING),
          Backend.of("d", "10.0.0.4", 80).withState(BackendState.DOWN));

  /** {@code delegate}, saying that it reads the running total. */
  static Selector readingTotal(Selector delegate) {
    return new Selector() {
      @Override
      public List<Precomputation<?>> precomputations() {
        return delegate.precomputations();
      }

      @Override
      public boolean readsInFlightTotal() {
        return true;
      }

      @Override
      public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
        return delegate.select(pool, request, eligible);
      }
    };
  }

  @Test
  void upWeightCountsOnlyUpBackends() {
    assertThat(Upstream.of("u", BACKENDS).snapshot().upWeight()).isEqualTo(4);
  }

  @Test
  void theRunningTotalFollowsPicksOfEveryLoadBalancerAndReports() {
    Upstream upstream = Upstream.of("u", BACKENDS);
    LoadBalancer reader =
        LoadBalancer.builder(upstream).selector(readingTotal(Selector.roundRobin())).build();
    LoadBalancer plain = LoadBalancer.builder(upstream).selector(Selector.leastConn()).build();
    List<Decision> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add((i % 2 == 0 ? reader : plain).pick(RequestContext.empty()));
    }
    assertThat(upstream.snapshot().inFlightTotal()).isEqualTo(10).isEqualTo(sum(upstream));

    // A backend leaves with requests in flight: they are still in flight until reported.
    upstream.remove("a");
    assertThat(upstream.snapshot().inFlightTotal()).isEqualTo(10).isGreaterThan(sum(upstream));

    for (Decision d : open) {
      d.loadBalancer().report(d, Outcome.SUCCESS);
    }
    assertThat(upstream.snapshot().inFlightTotal()).isZero();
  }

  @Test
  void withoutAReaderTheTotalIsTheSumAndClosingTheReaderKeepsCountsMatched() {
    Upstream upstream = Upstream.of("u", BACKENDS);
    LoadBalancer plain = LoadBalancer.builder(upstream).selector(Selector.roundRobin()).build();
    Decision before = plain.pick(RequestContext.empty());
    assertThat(upstream.snapshot().inFlightTotal()).isEqualTo(1);

    LoadBalancer reader =
        LoadBalancer.builder(upstream).selector(readingTotal(Selector.roundRobin())).build();
    Decision counted = reader.pick(RequestContext.empty());
    reader.close(); // snapshots stop counting; the counted decision still releases its count
    Decision after = plain.pick(RequestContext.empty());
    assertThat(upstream.snapshot().inFlightTotal()).isEqualTo(3).isEqualTo(sum(upstream));
    reader.report(counted, Outcome.SUCCESS);
    plain.report(before, Outcome.SUCCESS);
    plain.report(after, Outcome.SUCCESS);

    LoadBalancer again =
        LoadBalancer.builder(upstream).selector(readingTotal(Selector.roundRobin())).build();
    again.pick(RequestContext.empty());
    assertThat(upstream.snapshot().inFlightTotal()).isEqualTo(1).isEqualTo(sum(upstream));
  }

  private static long sum(Upstream upstream) {
    PoolSnapshot pool = upstream.snapshot();
    long sum = 0;
    for (int i = 0; i < pool.size(); i++) {
      sum += pool.inFlight(i);
    }
    return sum;
  }
}
