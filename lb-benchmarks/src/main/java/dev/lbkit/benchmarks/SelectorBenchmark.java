package dev.lbkit.benchmarks;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
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

/**
 * The load-unaware and load-aware selectors of lb-core, called as the {@code LoadBalancer} calls
 * them for a request without a session: {@code select(pool, request, pool.newPicks())}.
 *
 * <p>Before measuring, {@code 2 n} picks are left in flight (drawn at random), so that least_conn
 * compares real, uneven counts and meets the ties a live pool has. {@link #pickAndReport} is the
 * whole cycle through the {@code LoadBalancer}: the pick, its in-flight count, and the report that
 * releases it, which for least_conn includes keeping its tree of the minimum up to date.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SelectorBenchmark {
  @Param({"10", "100", "1000"})
  int n;

  @Param({"round_robin", "least_conn", "random_two_least_conn"})
  String selector;

  private Selector chosen;
  private LoadBalancer balancer;
  private PoolSnapshot pool;
  private Eligibility eligible;
  private final RequestContext request = RequestContext.empty();

  @Setup
  public void setUp() {
    chosen = selector(selector);
    Upstream upstream = Fixtures.upstream(n);
    balancer = Fixtures.register(upstream, chosen);
    pool = Fixtures.loadUp(upstream);
    eligible = pool.newPicks();
  }

  static Selector selector(String name) {
    switch (name) {
      case "round_robin":
        return Selector.roundRobin();
      case "least_conn":
        return Selector.leastConn();
      case "random":
        return Selector.random();
      case "random_two_least_conn":
        return Selector.randomTwoLeastConn();
      default:
        throw new IllegalArgumentException("selector: " + name);
    }
  }

  @Benchmark
  public int select() {
    return chosen.select(pool, request, eligible);
  }

  @Benchmark
  public Decision pickAndReport() {
    Decision decision = balancer.pick(request);
    balancer.report(decision, Outcome.SUCCESS);
    return decision;
  }
}
