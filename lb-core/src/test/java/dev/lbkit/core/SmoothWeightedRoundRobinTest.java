package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smooth weighted round robin against sequences worked out by hand from nginx's algorithm. */
class SmoothWeightedRoundRobinTest {

  private static List<Backend> weighted(int... weights) {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      backends.add(
          Backend.of(String.valueOf((char) ('a' + i)), "10.0.0." + (i + 1), 80)
              .withWeight(weights[i]));
    }
    return backends;
  }

  /** Picks through a load balancer, reporting each request done before the next one. */
  private static String picks(LoadBalancer lb, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Decision d = lb.pick(RequestContext.empty());
      sb.append(d.hasBackend() ? d.backend().id() : "-");
      lb.report(d, Outcome.SUCCESS);
    }
    return sb.toString();
  }

  private static String picks(List<Backend> backends, Selector selector, int count) {
    LoadBalancer lb = LoadBalancer.builder(Upstream.of("u", backends)).selector(selector).build();
    return picks(lb, count);
  }

  @Test
  void weights511GiveNginxSequence() {
    assertThat(picks(weighted(5, 1, 1), Selector.roundRobin(), 14))
        .isEqualTo("aabacaa" + "aabacaa");
  }

  @Test
  void handCheckedSequences() {
    assertThat(picks(weighted(1, 1, 1), Selector.roundRobin(), 6)).isEqualTo("abcabc");
    assertThat(picks(weighted(2, 1), Selector.roundRobin(), 6)).isEqualTo("abaaba");
    assertThat(picks(weighted(3, 2), Selector.roundRobin(), 5)).isEqualTo("ababa");
    assertThat(picks(weighted(4, 2, 1), Selector.roundRobin(), 7)).isEqualTo("abacaba");
    // A common divisor does not change the order: 10,2,2 is 5,1,1.
    assertThat(picks(weighted(10, 2, 2), Selector.roundRobin(), 7)).isEqualTo("aabacaa");
  }

  @Test
  void leastConnWithoutLoadFollowsTheSameSequence() {
    assertThat(picks(weighted(5, 1, 1), Selector.leastConn(), 14)).isEqualTo("aabacaa" + "aabacaa");
    assertThat(picks(weighted(4, 2, 1), Selector.leastConn(), 7)).isEqualTo("abacaba");
  }

  @Test
  void leastConnPrefersFewestInFlightRelativeToWeight() {
    Upstream upstream = Upstream.of("u", weighted(1, 1, 1));
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.leastConn()).build();
    Decision first = lb.pick(RequestContext.empty());
    Decision second = lb.pick(RequestContext.empty());
    Decision third = lb.pick(RequestContext.empty());
    assertThat(List.of(first.backend().id(), second.backend().id(), third.backend().id()))
        .containsExactlyInAnyOrder("a", "b", "c");
    lb.report(second, Outcome.SUCCESS);
    // Only the backend of the finished request is idle now.
    assertThat(lb.pick(RequestContext.empty()).backend()).isEqualTo(second.backend());
  }

  @Test
  void leastConnComparesByCrossMultiplication() {
    // a (weight 3) with 2 in flight (2/3) beats b (weight 1) with 1 in flight (1/1).
    Upstream upstream = Upstream.of("u", weighted(3, 1));
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.leastConn()).build();
    PoolSnapshot pool = upstream.snapshot();
    pool.stats(0).acquire();
    pool.stats(0).acquire();
    pool.stats(1).acquire();
    assertThat(lb.pick(RequestContext.empty()).backend().id()).isEqualTo("a");
  }

  @Test
  void drainingAndDownBackendsAreLeftOutOfTheSequence() {
    List<Backend> backends = weighted(5, 1, 1);
    backends.set(1, backends.get(1).withState(BackendState.DRAINING));
    // The sequence of the remaining backends is nginx's for 5,1.
    assertThat(picks(backends, Selector.roundRobin(), 12)).isEqualTo("aaacaa" + "aaacaa");
    backends.set(1, backends.get(1).withState(BackendState.DOWN));
    assertThat(picks(backends, Selector.roundRobin(), 6)).isEqualTo("aaacaa");
  }

  @Test
  void aSkippedTurnIsConsumedSoTheOthersKeepTheirWeights() {
    Upstream upstream = Upstream.of("u", weighted(5, 1, 1));
    LoadBalancer lb = LoadBalancer.of(upstream);
    PoolSnapshot pool = upstream.snapshot();
    Selector selector = lb.selector();
    Eligibility notB = i -> i != 1;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      sb.append(pool.backend(selector.select(pool, RequestContext.empty(), notB)).id());
    }
    // Slots a a [b] a c a a: b's slot goes by, a keeps 5 picks to c's 1.
    assertThat(sb.toString()).isEqualTo("aaacaa" + "aaacaa");
  }

  @Test
  void noUpBackendMeansNone() {
    List<Backend> backends = weighted(1, 1);
    backends.replaceAll(b -> b.withState(BackendState.DOWN));
    for (Selector selector :
        List.of(
            Selector.roundRobin(),
            Selector.leastConn(),
            Selector.random(),
            Selector.randomTwoLeastConn())) {
      assertThat(picks(backends, selector, 3)).isEqualTo("---");
    }
    assertThat(picks(List.of(), Selector.roundRobin(), 2)).isEqualTo("--");
  }

  @Test
  void liveModeGivesTheSameSequenceAsThePrecomputedPeriod() {
    List<Backend> backends = weighted(5, 1, 1);
    Upstream upstream = Upstream.of("u", backends);
    PoolSnapshot pool = upstream.snapshot();
    SmoothWeightedSequence live = SmoothWeightedSequence.of(backends, 0);
    assertThat(live.isPrecomputed()).isFalse();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 14; i++) {
      sb.append(backends.get(live.next(pool, pool.newPicks())).id());
    }
    assertThat(sb.toString()).isEqualTo("aabacaa" + "aabacaa");
  }

  /** Equal weights take the shortcut (the members in order); the live loop agrees with it. */
  @Test
  void equalWeightsGiveTheLoopsOrder() {
    List<Backend> backends = new ArrayList<>(weighted(3, 3, 3, 3, 3));
    backends.set(2, backends.get(2).withState(BackendState.DOWN));
    PoolSnapshot pool = Upstream.of("u", backends).snapshot();
    SmoothWeightedSequence precomputed = SmoothWeightedSequence.of(backends);
    SmoothWeightedSequence live = SmoothWeightedSequence.of(backends, 0);
    assertThat(precomputed.isPrecomputed()).isTrue();
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      a.append(backends.get(precomputed.next(pool, pool.newPicks())).id());
      b.append(backends.get(live.next(pool, pool.newPicks())).id());
    }
    assertThat(a.toString()).isEqualTo(b.toString()).isEqualTo("abdeabde");
  }

  @Test
  void largeCoprimeWeightsSwitchToLiveModeAndStillFollowWeights() {
    // 120 backends of consecutive weights from 9000 (gcd 1): a period of more than a million.
    List<Backend> backends = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < 120; i++) {
      int weight = 9_000 + i;
      total += weight;
      backends.add(Backend.of("b" + i, "10.1.0." + (i + 1), 80).withWeight(weight));
    }
    assertThat(total).isGreaterThan(SmoothWeightedSequence.MAX_PERIOD);
    SmoothWeightedSequence sequence = SmoothWeightedSequence.of(backends);
    assertThat(sequence.isPrecomputed()).isFalse();

    Upstream upstream = Upstream.of("u", backends);
    PoolSnapshot pool = upstream.snapshot();
    LoadBalancer lb = LoadBalancer.of(upstream);
    int[] counts = new int[backends.size()];
    int picks = 240_000;
    for (int i = 0; i < picks; i++) {
      Decision d = lb.pick(RequestContext.empty());
      counts[pool.indexOf(d.backend().id())]++;
      lb.report(d, Outcome.COMPLETED);
    }
    for (int i = 0; i < counts.length; i++) {
      double expected = (double) picks * backends.get(i).weight() / total;
      // Smooth weighted round robin never strays a whole turn from the exact share.
      assertThat((double) counts[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
    }
  }
}
