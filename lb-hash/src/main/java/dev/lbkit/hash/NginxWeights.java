package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.util.List;

/**
 * nginx's weight walk for {@code ip_hash} and {@code hash}: {@code w = hash % total_weight}, then
 * the peers in configuration order, each taking {@code weight} values of {@code w}. Every backend
 * counts, {@code down} ones included (nginx's {@code total_weight} sums every configured peer),
 * so that marking a backend down moves only its own clients.
 *
 * <p>nginx walks the peer list on every try; here the cumulative weights are computed once per
 * change and the walk becomes a branch-free search.
 */
final class NginxWeights {
  /** upperBounds[i]: the sum of the weights of backends 0..i. */
  private final int[] upperBounds;

  private NginxWeights(int[] upperBounds) {
    this.upperBounds = upperBounds;
  }

  /** A new precomputation instance, so that each selector owns its own. */
  static Precomputation<NginxWeights> precomputation() {
    return new Precomputation<>() {
      @Override
      public NginxWeights compute(List<Backend> backends) {
        return of(backends);
      }

      @Override
      public String toString() {
        return "nginx weights";
      }
    };
  }

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
    return upperBounds.length == 0 ? 0 : upperBounds[upperBounds.length - 1];
  }

  /** The backend that {@code hash % total_weight} falls on. */
  int peerFor(long hash) {
    int w = (int) (hash % total());
    return LowerBound.of(upperBounds, w + 1);
  }
}
