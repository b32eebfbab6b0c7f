package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.util.List;

/**
 * nginx's weight walk for {@code ip_hash} and {@code hash}: {@code w = hash % total_weight}, then
 * the peers in configuration order, each taking {@code weight} values of {@code w}. Every backend
 * counts, {@code down} ones included (nginx's {@code total_weight} sums every configured peer), so
 * that marking a backend down moves only its own clients.
 *
 * <p>nginx walks the peer list on every try; here the cumulative weights are computed once per
 * change and the walk becomes a branch-free search.
 */
final class NginxWeights {
  /** upperBounds[i]: the sum of the weights of backends 0..i. */
  private final int[] upperBounds;

  /** nginx's {@code total_weight}. */
  private final int total;

  /** Whether every weight is 1 (weights are at least 1): then {@code w} is the backend itself. */
  private final boolean unitWeights;

  private NginxWeights(int[] upperBounds) {
    this.upperBounds = upperBounds;
    this.total = upperBounds.length == 0 ? 0 : upperBounds[upperBounds.length - 1];
    this.unitWeights = total == upperBounds.length;
  }

  /** The precomputation: one instance for every selector, so one value per snapshot. */
  static Precomputation<NginxWeights> precomputation() {
    return PRECOMPUTATION;
  }

  private static final Precomputation<NginxWeights> PRECOMPUTATION =
      new Precomputation<>() {
        @Override
        public NginxWeights compute(List<Backend> backends) {
          return of(backends);
        }

        @Override
        public String toString() {
          return "nginx weights";
        }
      };

  static NginxWeights of(List<Backend> backends) {
    int[] bounds = new int[backends.size()];
    int sum = 0;
    for (int i = 0; i < bounds.length; i++) {
      sum += backends.get(i).weight(); // at most 10,000 each: overflow needs 200,000 backends
      bounds[i] = sum;
    }
    return new NginxWeights(bounds);
  }

  /** The number of backends ("peers"). */
  int count() {
    return upperBounds.length;
  }

  /** nginx's {@code total_weight}. */
  int total() {
    return total;
  }

  /**
   * The backend that {@code hash % total_weight} falls on: the first whose cumulative weight
   * exceeds it, which is where nginx's walk ({@code while (w >= peer->weight) w -= peer->weight})
   * stops.
   *
   * @param hash nginx's running hash, non-negative: below 6271 for {@code ip_hash}, below 21 x 2^15
   *     for {@code hash}
   */
  int peerFor(long hash) {
    // Both callers' hashes fit an int, whose division is cheaper than a long's.
    int w = hash <= Integer.MAX_VALUE ? (int) hash % total : (int) (hash % total);
    return unitWeights ? w : LowerBound.of(upperBounds, w + 1);
  }
}
