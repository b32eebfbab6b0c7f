package dev.lbkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.List;
import net.spy.memcached.DefaultHashAlgorithm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rows of one table must measure the same work: every Ketama-point method (the bare searches,
 * the TreeMap ring, and ours in compatible mode) must send every benchmark key where spymemcached
 * sends it. A faster search that answered differently would prove nothing.
 */
class MethodsAgreeTest {
  private static final List<String> KETAMA_METHODS =
      List.of(
          "lbkit-ketama",
          "ref-branchfree-int",
          "ref-ternary-int",
          "ref-binarysearch-int",
          "treemap");

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 10, 100, 1000})
  void ketamaPointMethodsAgreeWithSpymemcached(int n) {
    List<Backend> backends = Fixtures.backends(n);
    KeyedMethod spy = Methods.create("spymemcached", backends);
    String[] keys = Fixtures.keys();
    for (String name : KETAMA_METHODS) {
      KeyedMethod method = Methods.create(name, backends);
      for (String key : keys) {
        long hash = method.hash(key);
        int expected = spy.indexOf(spy.fromKey(key));
        assertThat(method.indexOf(method.fromKey(key)))
            .as("%s, key %s", name, key)
            .isEqualTo(expected);
        assertThat(method.indexOf(method.fromHash(hash)))
            .as("%s, key %s", name, key)
            .isEqualTo(expected);
        assertThat(spy.indexOf(spy.fromHash(hash)))
            .as("spymemcached from hash")
            .isEqualTo(expected);
      }
    }
  }

  /**
   * Each lbkit row answers as the public selector it stands for, from the hash and from the key.
   */
  @ParameterizedTest
  @CsvSource({
    "lbkit-default-ring, ring",
    "lbkit-ketama, ketama",
    "lbkit-maglev, maglev",
    "lbkit-nginx-consistent, hash_consistent",
    "lbkit-nginx-hash, hash"
  })
  void lbkitRowsAnswerAsTheirSelectors(String method, String selectorName) {
    for (int n : new int[] {2, 10, 100}) {
      List<Backend> backends = Fixtures.backends(n);
      KeyedMethod m = Methods.create(method, backends);
      Selector selector = HashSelectorBenchmark.selector(selectorName);
      Upstream upstream = Upstream.of("agree", backends);
      Fixtures.register(upstream, selector);
      PoolSnapshot pool = upstream.snapshot();
      String[] keys = Fixtures.keys(2000, n);
      for (String key : keys) {
        int expected =
            selector.select(pool, HashSelectorBenchmark.withHeader(key), pool.newPicks());
        assertThat(m.indexOf(m.fromKey(key)))
            .as("%s N=%s key %s", method, n, key)
            .isEqualTo(expected);
        assertThat(m.indexOf(m.fromHash(m.hash(key))))
            .as("%s N=%s key %s", method, n, key)
            .isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 1000})
  void referenceSearchesWrapAndHitExactPoints(int n) {
    SortedPoints points = new SortedPoints(Fixtures.backends(n));
    int[] p = points.points;
    // Exactly on a point, just after it, beyond the last point (wraps to the first owner).
    for (int i = 0; i < p.length; i += 37) {
      assertThat(points.ownerBranchFree(p[i])).isEqualTo(points.owners[i]);
      assertThat(points.ownerBinarySearch(p[i])).isEqualTo(points.owners[i]);
      assertThat(points.ownerTernary(p[i])).isEqualTo(points.owners[i]);
      if (i + 1 < p.length && p[i] + 1 < p[i + 1]) {
        assertThat(points.ownerBranchFree(p[i] + 1)).isEqualTo(points.owners[i + 1]);
      }
    }
    int beyond = Integer.MAX_VALUE; // the largest unsigned hash, flipped
    int expected = p[p.length - 1] == beyond ? points.owners[p.length - 1] : points.owners[0];
    assertThat(points.ownerBranchFree(beyond)).isEqualTo(expected);
    assertThat(points.ownerBinarySearch(beyond)).isEqualTo(expected);
    assertThat(points.ownerBranchFree(Integer.MIN_VALUE)).isEqualTo(points.owners[0]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 100})
  void ketamaHashMatchesSpymemcached(int seed) {
    String key = "user:" + seed + ":profile";
    assertThat(Fixtures.ketamaHash(Fixtures.md5(), key))
        .isEqualTo(DefaultHashAlgorithm.KETAMA_HASH.hash(key));
  }
}
