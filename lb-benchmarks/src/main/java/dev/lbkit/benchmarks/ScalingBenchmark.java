package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How every method grows with the number of backends, through the public API as a user calls it.
 *
 * <ul>
 *   <li>{@link #pickAndReport}: {@code LoadBalancer.pick} with the key in a header (the hash
 *       methods) or an empty request, then {@code report}, over a pool with {@code 2 N} requests
 *       left in flight.
 *   <li>{@link #build}: everything the method precomputes for a set of {@code N} backends (ring,
 *       table, sequence, tree), as an upstream computes it on every change of the set. Its B/op is
 *       what building allocates: an upper bound on what the method keeps per backend set.
 * </ul>
 *
 * {@link ScalingPeerBenchmark} measures spymemcached's and Guava's lookups at the same sizes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ScalingBenchmark {
  @Param({"10", "100", "1000", "10000"})
  int n;

  @Param({
    "round_robin",
    "least_conn",
    "random_two_least_conn",
    "hash",
    "hash_consistent",
    "ketama",
    "ring",
    "maglev",
    "ring_bounded_load"
  })
  String method;

  private LoadBalancer balancer;
  private List<Backend> backends;
  private List<Precomputation<?>> precomputations;
  private final RequestContext[] requests = new RequestContext[Fixtures.KEY_COUNT];
  private int cursor;

  @Setup
  public void setUp() {
    backends = Fixtures.backends(n);
    Upstream upstream = Upstream.of("bench", backends);
    Selector selector = selector(method);
    precomputations = selector.precomputations();
    balancer = Fixtures.register(upstream, selector);
    Fixtures.loadUp(upstream);
    boolean keyed = selector.readsRequest();
    String[] keys = Fixtures.keys();
    for (int i = 0; i < requests.length; i++) {
      requests[i] = keyed ? HashSelectorBenchmark.withHeader(keys[i]) : RequestContext.empty();
    }
  }

  static Selector selector(String name) {
    switch (name) {
      case "round_robin":
      case "least_conn":
      case "random_two_least_conn":
        return SelectorBenchmark.selector(name);
      default:
        return HashSelectorBenchmark.selector(name);
    }
  }

  @Benchmark
  public Decision pickAndReport() {
    Decision decision = balancer.pick(requests[cursor++ & Fixtures.KEY_MASK]);
    balancer.report(decision, Outcome.SUCCESS);
    return decision;
  }

  @Benchmark
  public void build(Blackhole blackhole) {
    for (Precomputation<?> p : precomputations) {
      blackhole.consume(p.compute(backends));
    }
  }
}
