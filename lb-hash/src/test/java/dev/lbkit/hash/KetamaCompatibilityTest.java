package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of {@code ketama-spymemcached.tsv}, produced by spymemcached 2.12.3. */
class KetamaCompatibilityTest {
  private static final Vectors V = Vectors.read("ketama-spymemcached.tsv");

  private static List<Backend> nodes(String caseName) {
    List<Backend> list = new ArrayList<>();
    for (Vectors.Server s : V.cases.get(caseName)) {
      // Backend ids are the node strings, so that a row's expected node is a backend id.
      list.add(Backend.of(s.name(), s.host(), s.port()).withWeight(s.weight()));
    }
    return list;
  }

  @Test
  void keyHashesMatch() {
    for (Vectors.Row row : V.rows) {
      assertThat(Rings.ketamaHash(row.input()))
          .as("key %s", row.input())
          .isEqualTo(Long.parseLong(row.columns()[2]));
    }
  }

  @Test
  void pointCountsMatchTheHeader() {
    for (String caseName : V.cases.keySet()) {
      List<Backend> nodes = nodes(caseName);
      IntPointRing ring = (IntPointRing) Rings.ketama(160, BackendKey.authority()).compute(nodes);
      int expected = 0;
      for (Vectors.Server s : V.cases.get(caseName)) {
        expected += s.points();
        int owned = 0;
        int index =
            nodes.indexOf(nodes.stream().filter(b -> b.id().equals(s.name())).findFirst().get());
        for (int owner : ring.owners) {
          owned += owner == index ? 1 : 0;
        }
        assertThat(owned).as("%s %s", caseName, s.name()).isEqualTo(s.points());
      }
      assertThat(ring.pointCount()).as(caseName).isEqualTo(expected);
    }
    assertThat(V.cases.get("k4_w1235").stream().mapToInt(Vectors.Server::points).sum())
        .isEqualTo(632);
  }

  @Test
  void nodesMatchSpymemcached() {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    KeyExtractor key = KeyExtractor.header("X-Key");
    for (String caseName : V.cases.keySet()) {
      Selector selector =
          HashSelectors.ketama(
              key, HashOptions.builder().backendKey(BackendKey.authority()).build());
      Upstream upstream = Upstream.of(caseName, nodes(caseName));
      LoadBalancer.builder(upstream).selector(selector).build();
      PoolSnapshot pool = upstream.snapshot();
      for (Vectors.Row row : V.rows) {
        if (!row.caseName().equals(caseName)) {
          continue;
        }
        RequestContext request =
            RequestContext.builder()
                .headers(name -> name.equals("X-Key") ? row.input() : null)
                .build();
        int index = selector.select(pool, request, pool.newPicks());
        String actual = pool.backend(index).id();
        if (!actual.equals(row.expected())) {
          mismatches.add(
              caseName + " " + row.input() + ": expected " + row.expected() + ", got " + actual);
        }
        checked++;
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(checked).isEqualTo(V.rows.size()).isEqualTo(160);
  }
}
