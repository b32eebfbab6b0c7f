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
 * The peers of {@link ScalingBenchmark}'s hash rows at the same sizes, from a String key as a user
 * calls them: spymemcached's {@code KetamaNodeLocator.getPrimary} and Guava's {@code
 * Hashing.consistentHash} of the key's murmur3 hash.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ScalingPeerBenchmark {
  @Param({"10", "100", "1000", "10000"})
  int n;

  @Param({"spymemcached", "guava-consistenthash"})
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
