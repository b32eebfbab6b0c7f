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
 * A pick from a key hash computed beforehand: the cost of the ring, table or walk alone. Each
 * method gets the same {@value Fixtures#KEY_COUNT} keys, hashed with its own key hash.
 *
 * <p>The target for our rings is 0 B/op and, at N = 100, within 1.3x of {@code ref-branchfree-int},
 * the bare search over a sorted {@code int[]} of the same (Ketama) points.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FromHashBenchmark {
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
    "ref-ternary-int",
    "ref-binarysearch-int",
    "treemap",
    "spymemcached",
    "guava-consistenthash"
  })
  String method;

  private KeyedMethod chosen;
  private final long[] hashes = new long[Fixtures.KEY_COUNT];
  private int cursor;

  @Setup
  public void setUp() {
    chosen = Methods.create(method, Fixtures.backends(n));
    String[] keys = Fixtures.keys();
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = chosen.hash(keys[i]);
    }
  }

  @Benchmark
  public Object fromHash() {
    return chosen.fromHash(hashes[cursor++ & Fixtures.KEY_MASK]);
  }
}
