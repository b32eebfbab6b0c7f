package dev.lbkit.hash;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the default ring: {@code weight x pointsPerWeight} 64-bit points per backend, derived from
 * the hash of its placement string, so that a backend's points depend on nothing but its own string
 * and weight.
 *
 * <p>Ties: points are generated in the order of the backends' placement strings (then ids) and
 * sorted stably, so equal points (vanishingly rare with 64 bits, certain when two backends share a
 * placement string) are ordered by placement string, then id, whatever the listing order. The first
 * of them owns the key; the walk past it reaches the others.
 */
final class DefaultRingBuilder implements Precomputation<ConsistentRing> {
  /** The most points one ring may hold: 16 Mi points are 192 MiB of arrays already. */
  static final int MAX_POINTS = 1 << 24;

  private final int pointsPerWeight;
  private final BackendKey key;

  DefaultRingBuilder(int pointsPerWeight, BackendKey key) {
    this.pointsPerWeight = pointsPerWeight;
    this.key = Objects.requireNonNull(key, "key");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DefaultRingBuilder
        && pointsPerWeight == ((DefaultRingBuilder) o).pointsPerWeight
        && key.equals(((DefaultRingBuilder) o).key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(DefaultRingBuilder.class, pointsPerWeight, key);
  }

  @Override
  public ConsistentRing compute(List<Backend> backends) {
    int n = backends.size();
    String[] keys = new String[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(i);
      keys[i] = Objects.requireNonNull(key.of(b), "placement key of backend " + b.id());
      total += (long) b.weight() * pointsPerWeight;
    }
    checkArgument(
        total <= MAX_POINTS,
        "ring points: %s (expected: <= %s; lower pointsPerWeight=%s or the weights)",
        total,
        MAX_POINTS,
        pointsPerWeight);
    Integer[] order = Rings.orderByPlacement(backends, keys);
    long[] points = new long[(int) total];
    int[] owners = new int[(int) total];
    int k = 0;
    for (Integer boxed : order) {
      int i = boxed;
      long base = Hash64.hashChars(keys[i]);
      int count = backends.get(i).weight() * pointsPerWeight;
      for (int j = 0; j < count; j++) {
        points[k] = Hash64.point(base, j);
        owners[k++] = i;
      }
    }
    PointSort.sort(points, owners);
    return new LongPointRing(points, owners, n);
  }

  @Override
  public String toString() {
    return "Rings.defaultRing(" + pointsPerWeight + ", " + key + ")";
  }
}
