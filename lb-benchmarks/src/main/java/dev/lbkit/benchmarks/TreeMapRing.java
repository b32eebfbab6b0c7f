package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent-hash ring as most JVM code writes it: a {@code TreeMap<Long, ...>} of the Ketama
 * points, looked up with {@code ceilingEntry} and wrapped with {@code firstEntry}. The key is boxed
 * on every lookup, and the walk follows pointers through tree nodes spread over the heap.
 */
final class TreeMapRing {
  private final TreeMap<Long, Integer> ring = new TreeMap<>();

  TreeMapRing(List<Backend> backends) {
    long[][] generated = Fixtures.ketamaPoints(backends);
    for (int i = 0; i < generated[0].length; i++) {
      ring.put(generated[0][i], (int) generated[1][i]);
    }
  }

  int owner(long hash) {
    Map.Entry<Long, Integer> entry = ring.ceilingEntry(hash);
    if (entry == null) {
      entry = ring.firstEntry();
    }
    return entry.getValue();
  }
}
