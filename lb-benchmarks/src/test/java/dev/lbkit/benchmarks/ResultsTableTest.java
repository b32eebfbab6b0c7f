package dev.lbkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {
  private static String run(String benchmark, String method, int n, double ns, double bytes) {
    return String.format(
        Locale.ROOT,
        "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.lbkit.benchmarks.%s\",\"mode\":\"avgt\","
            + "\"params\":{\"n\":\"%d\",\"method\":\"%s\"},"
            + "\"primaryMetric\":{\"score\":%s,\"scoreError\":\"NaN\",\"scoreUnit\":\"ns/op\","
            + "\"rawData\":[[1.0,2.0]]},"
            + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":%s,\"scoreUnit\":\"B/op\"}}}",
        benchmark,
        n,
        method,
        ns,
        bytes);
  }

  @Test
  void readsJmhJson() {
    String json = "[" + run("FromHashBenchmark.fromHash", "treemap", 100, 60.5, 24.0) + "]";
    List<ResultsTable.Result> results = ResultsTable.read(json);
    assertThat(results).hasSize(1);
    ResultsTable.Result r = results.get(0);
    assertThat(r.benchmark()).isEqualTo("FromHashBenchmark.fromHash");
    assertThat(r.params()).containsEntry("n", "100").containsEntry("method", "treemap");
    assertThat(r.score()).isEqualTo(60.5);
    assertThat(r.error()).isNaN();
    assertThat(r.bytesPerOp()).isEqualTo(24.0);
  }

  @Test
  void tablesShowRatiosAndMissedTargets() {
    String json =
        "["
            + String.join(
                ",",
                run("FromHashBenchmark.fromHash", "lbkit-default-ring", 100, 52.0, 0.0001),
                run("FromHashBenchmark.fromHash", "ref-branchfree-int", 100, 40.0, 0.0),
                run("FromKeyBenchmark.fromKey", "lbkit-default-ring", 100, 100.0, 16.0),
                run("FromKeyBenchmark.fromKey", "spymemcached", 100, 1000.0, 400.0))
            + "]";
    String md = new ResultsTable(ResultsTable.read(json)).render("cpu: test");
    assertThat(md).contains("cpu: test");
    assertThat(md).contains("| lbkit-default-ring | 52.0 · 0 B |");
    // 52 / 40 = 1.30: met; getPrimary / ring = 1000 / 52 = 19.2.
    assertThat(md).contains("| 1.30× | 19.23× |");
    assertThat(md)
        .contains("within 1.3× of ref-branchfree-int | 52.0 ns = 1.30× ref (40.0 ns) | met |");
    // End to end allocates 16 B/op: the 0 B/op part of that target is missed, and said so.
    assertThat(md).contains("10.0×, 16 B | **MISSED** |");
  }

  private static String choose(String method, int n, double ns) {
    return String.format(
        Locale.ROOT,
        "{\"benchmark\":\"dev.lbkit.benchmarks.SpringChooseBenchmark.%s\","
            + "\"params\":{\"n\":\"%d\",\"subscribe\":\"block\"},"
            + "\"primaryMetric\":{\"score\":%s,\"scoreError\":\"NaN\"}}",
        method,
        n,
        ns);
  }

  @Test
  void springChooseTargetsCompareLikeWithLike() {
    String json =
        "["
            + String.join(
                ",",
                choose("lbkitRoundRobin", 10, 100.0),
                choose("springRoundRobin", 10, 100.0),
                choose("lbkitSticky", 10, 300.0),
                choose("springSticky", 10, 200.0),
                choose("lbkitSticky", 100, 300.0),
                choose("springSticky", 100, 400.0))
            + "]";
    String md = new ResultsTable(ResultsTable.read(json)).render(null);
    assertThat(md).contains("### Spring Cloud LoadBalancer choose");
    assertThat(md).contains("| lbkitSticky block | 300 | 300 |");
    // As fast is "no slower": met. Sticky must be strictly faster, at each N on its own.
    assertThat(md)
        .contains(
            "| lbkitRoundRobin no slower than springRoundRobin, N=10 block"
                + " | 100 ns = 1.00× Spring's 100 ns | met |");
    assertThat(md)
        .contains(
            "| lbkitSticky faster than springSticky, N=10 block"
                + " | 300 ns = 1.50× Spring's 200 ns | **MISSED** |");
    assertThat(md)
        .contains(
            "| lbkitSticky faster than springSticky, N=100 block"
                + " | 300 ns = 0.75× Spring's 400 ns | met |");
  }

  @Test
  void formatsForHumans() {
    assertThat(ResultsTable.formatNanos(4.123)).isEqualTo("4.12");
    assertThat(ResultsTable.formatNanos(42.25)).isEqualTo("42.3");
    assertThat(ResultsTable.formatNanos(1234.5)).isEqualTo("1235");
    assertThat(ResultsTable.formatBytes(0.0002)).isEqualTo("0 B");
    assertThat(ResultsTable.formatBytes(152.0)).isEqualTo("152 B");
    assertThat(ResultsTable.formatBytes(3 << 20)).isEqualTo("3.0 MB");
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonReaderHandlesWhatJmhWrites() {
    Object parsed = Json.parse("{\"a\": [1, -2.5e3, true, null, \"x\\\"\\u00e9\"], \"b\": {}}");
    Map<String, Object> map = (Map<String, Object>) parsed;
    assertThat((List<Object>) map.get("a")).containsExactly(1.0, -2500.0, true, null, "x\"é");
    assertThat((Map<String, Object>) map.get("b")).isEmpty();
    assertThatThrownBy(() -> Json.parse("[1,")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
  }
}
