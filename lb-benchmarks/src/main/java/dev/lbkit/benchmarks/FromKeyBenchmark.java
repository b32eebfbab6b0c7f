package dev.lbkit.benchmarks;

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
 * A pick end to end from a {@code String} key: the method's key hash, then its lookup. This is what
 * a caller pays per request when the key is a header, cookie or memcached key.
 *
 * <p>The targets at N = 100: the default ring 0 B/op and at least 7x faster than spymemcached's
 * {@code getPrimary(key)}; the libketama-compatible ring (MD5 per key) at least 3x faster.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FromKeyBenchmark {
  @Param({"10", "100", "1000"})
  int n;

  @Param({
    "lbkit-default-ring",
    "lbkit-ketama",
    "lbkit-nginx-consistent",
    "lbkit-maglev",
    "lbkit-bounded-load",
    "lbkit-nginx-hash",
    "ref-branchfree-int",
    "treemap",
    "spymemcached",
    "guava-consistenthash"
  })
  String method;

  private KeyedMethod chosen;
  private final String[] keys = Fixtures.keys();
  private int cursor;

  @Setup
  public void setUp() {
    chosen = Methods.create(method, Fixtures.backends(n));
  }

  @Benchmark
  public Object fromKey() {
    return chosen.fromKey(keys[cursor++ & Fixtures.KEY_MASK]);
  }
}
