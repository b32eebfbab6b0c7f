package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018; HAProxy's {@code
 * hash-balance-factor}): a backend may take a request only if its requests in flight, this one
 * included, stay within {@code ceil(c x average)}. The average counts this request and is weighted:
 * backend {@code i} may hold {@code ceil(c x (inFlight + 1) x w_i / W)}, where {@code inFlight} and
 * {@code W} sum over the eligible backends.
 *
 * <p>Some eligible backend always has room: if none had, their loads would add up to at least
 * {@code c x (inFlight + 1) > inFlight}, more than there are. So a walk along the ring always ends.
 * The counts are the snapshot's live ones; concurrent requests may each see the same last free
 * slot, which is why the bound under concurrency is {@code ceil(c x average) + 1}, as HAProxy's.
 */
final class BoundedLoad {
  private BoundedLoad() {}

  /**
   * The eligible backends' requests in flight. Visits every backend: the price of bounded load,
   * paid only when it is on.
   */
  static long totalInFlight(PoolSnapshot pool, Eligibility eligible) {
    long total = 0;
    for (int i = 0, n = pool.size(); i < n; i++) {
      if (eligible.isEligible(i)) {
        total += pool.inFlight(i);
      }
    }
    return total;
  }

  /** The eligible backends' total weight. */
  static long totalWeight(PoolSnapshot pool, Eligibility eligible) {
    long total = 0;
    for (int i = 0, n = pool.size(); i < n; i++) {
      if (eligible.isEligible(i)) {
        total += pool.backend(i).weight();
      }
    }
    return total;
  }

  /** Whether backend {@code i} may take one more request. */
  static boolean hasRoom(
      PoolSnapshot pool, int i, double factor, long totalInFlight, long totalWeight) {
    // The epsilon keeps 1.25 x 8 / 5 = 2.0000000000000004 from rounding up to 3.
    double bound =
        Math.ceil(
            factor * (totalInFlight + 1) * pool.backend(i).weight() / (double) totalWeight - 1e-9);
    return pool.inFlight(i) + 1 <= bound;
  }
}
