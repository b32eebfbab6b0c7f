package dev.lbkit.benchmarks;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
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
 * The hash selectors exactly as a {@code LoadBalancer} calls them: the key read from a request
 * header by a {@link KeyExtractor}, hashed, and looked up in the snapshot's precomputed ring or
 * table, over a pool with {@code 2 N} requests in flight. This is the whole per-request cost of
 * choosing a backend by key (the {@code FromKeyBenchmark} rows minus nothing).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HashSelectorBenchmark {
  static final String HEADER = "X-Session-Key";

  @Param({"100"})
  int n;

  @Param({"hash", "hash_consistent", "ketama", "ring", "maglev", "ring_bounded_load"})
  String selector;

  private Selector chosen;
  private PoolSnapshot pool;
  private Eligibility eligible;
  private final RequestContext[] requests = new RequestContext[Fixtures.KEY_COUNT];
  private int cursor;

  @Setup
  public void setUp() {
    chosen = selector(selector);
    Upstream upstream = Fixtures.upstream(n);
    Fixtures.register(upstream, chosen);
    pool = Fixtures.loadUp(upstream);
    eligible = pool.newPicks();
    String[] keys = Fixtures.keys();
    for (int i = 0; i < keys.length; i++) {
      requests[i] = withHeader(keys[i]);
    }
  }

  static RequestContext withHeader(String key) {
    return RequestContext.builder()
        .headers(name -> HEADER.equalsIgnoreCase(name) ? key : null)
        .build();
  }

  static Selector selector(String name) {
    KeyExtractor key = KeyExtractor.header(HEADER);
    // nginx and spymemcached place "10.0.0.1:11211" by that string: the authority.
    HashOptions byAuthority = HashOptions.builder().backendKey(BackendKey.authority()).build();
    switch (name) {
      case "hash":
        return HashSelectors.hash(key);
      case "hash_consistent":
        return HashSelectors.hashConsistent(key, byAuthority);
      case "ketama":
        return HashSelectors.ketama(key, byAuthority);
      case "ring":
        return HashSelectors.ring(key);
      case "maglev":
        return HashSelectors.maglev(key);
      case "ring_bounded_load":
        return HashSelectors.ring(
            key, HashOptions.builder().boundedLoad(Methods.BOUNDED_LOAD_FACTOR).build());
      default:
        throw new IllegalArgumentException("selector: " + name);
    }
  }

  @Benchmark
  public int select() {
    return chosen.select(pool, requests[cursor++ & Fixtures.KEY_MASK], eligible);
  }
}
