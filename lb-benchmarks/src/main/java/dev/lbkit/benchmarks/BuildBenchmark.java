package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.Rings;
import dev.lbkit.hash.internal.HashedKeyLookups;
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

/**
 * Building a ring or table for 1,000 backends (160,000 points; a Maglev table of 65,537 entries):
 * what one change of the backend set costs the thread that makes it, never a request thread.
 * Reported in ns/op like everything else; the table shows milliseconds. The Ketama-point rows
 * ({@code ref-sorted-int}, {@code treemap}, {@code spymemcached}) include the 40,000 MD5 digests.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BuildBenchmark {
  @Param({"1000"})
  int n;

  @Param({
    "lbkit-default-ring",
    "lbkit-ketama",
    "lbkit-nginx-consistent",
    "lbkit-maglev",
    "ref-sorted-int",
    "treemap",
    "spymemcached"
  })
  String method;

  private List<Backend> backends;

  @Setup
  public void setUp() {
    backends = Fixtures.backends(n);
  }

  @Benchmark
  public Object build() {
    switch (method) {
      case "lbkit-default-ring":
        return Rings.defaultRing().compute(backends);
      case "lbkit-ketama":
        return Rings.ketama(Rings.DEFAULT_POINTS_PER_WEIGHT, BackendKey.authority())
            .compute(backends);
      case "lbkit-nginx-consistent":
        return HashedKeyLookups.nginxConsistent(backends, BackendKey.authority());
      case "lbkit-maglev":
        return Rings.maglev(HashOptions.DEFAULT_TABLE_SIZE, BackendKey.id()).compute(backends);
      case "ref-sorted-int":
        return new SortedPoints(backends);
      case "treemap":
        return new TreeMapRing(backends);
      case "spymemcached":
        return new SpymemcachedPeer(backends);
      default:
        throw new IllegalArgumentException("method: " + method);
    }
  }
}
