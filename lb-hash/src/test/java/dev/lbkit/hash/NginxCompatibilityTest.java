package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.IpAddress;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every row of {@code nginx-ip-hash.tsv} and {@code nginx-hash.tsv}, produced by nginx 1.22.1: the
 * same upstream here must send the same client or key to the same backend.
 */
class NginxCompatibilityTest {
  @Test
  void ipHashMatchesNginx() {
    Vectors v = Vectors.read("nginx-ip-hash.tsv");
    assertThat(v.cases).hasSize(5);
    int checked =
        check(
            v,
            c -> HashSelectors.ipHash(),
            row -> RequestContext.ofClient(IpAddress.parse(row.input())));
    assertThat(checked).isEqualTo(v.rows.size()).isGreaterThanOrEqualTo(200);
  }

  @Test
  void hashAndConsistentHashMatchNginx() {
    Vectors v = Vectors.read("nginx-hash.tsv");
    assertThat(v.cases).hasSize(8);
    KeyExtractor key = KeyExtractor.queryParameter("k");
    HashOptions asWritten = HashOptions.builder().backendKey(BackendKey.authority()).build();
    int checked =
        check(
            v,
            c ->
                c.startsWith("chash_")
                    ? HashSelectors.hashConsistent(key, asWritten)
                    : HashSelectors.hash(key),
            row -> RequestContext.builder().query("k=" + row.input()).build());
    assertThat(checked).isEqualTo(v.rows.size()).isGreaterThanOrEqualTo(320);
  }

  private static int check(
      Vectors v,
      Function<String, Selector> selectorFor,
      Function<Vectors.Row, RequestContext> request) {
    int checked = 0;
    List<String> mismatches = new ArrayList<>();
    for (String caseName : v.cases.keySet()) {
      Selector selector = selectorFor.apply(caseName);
      Upstream upstream = Upstream.of(caseName, v.backends(caseName));
      LoadBalancer.builder(upstream).selector(selector).build(); // registers the precomputations
      PoolSnapshot pool = upstream.snapshot();
      for (Vectors.Row row : v.rows) {
        if (!row.caseName().equals(caseName)) {
          continue;
        }
        int index = selector.select(pool, request.apply(row), pool.newPicks());
        String actual = index < 0 ? "none" : pool.backend(index).id();
        if (!actual.equals(row.expected())) {
          mismatches.add(
              caseName + " " + row.input() + ": expected " + row.expected() + ", got " + actual);
        }
        checked++;
      }
    }
    assertThat(mismatches).isEmpty();
    return checked;
  }
}
