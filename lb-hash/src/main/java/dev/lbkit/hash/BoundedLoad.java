package dev.lbkit.hash;

import dev.lbkit.core.PoolSnapshot;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018; HAProxy's {@code
 * hash-balance-factor}): a backend may take a request only if its requests in flight, this one
 * included, stay within {@code ceil(c x average)}. The average counts this request and is weighted:
 * backend {@code i} may hold {@code ceil(c x (inFlight + 1) x w_i / W)}.
 *
 * <p>As HAProxy does with {@code served} and the total weight of usable servers, {@code inFlight}
 * is the upstream's running total over all of its backends ({@link PoolSnapshot#inFlightTotal()},
 * kept because the selectors say they {@link dev.lbkit.core.Selector#readsInFlightTotal() read it})
 * and {@code W} the weight of its {@code UP} backends ({@link PoolSnapshot#upWeight()}, computed
 * once per snapshot), so that a pick costs O(1) expected rather than a visit to every backend.
 *
 * <p>While every {@code UP} backend is eligible, some always has room: if none had, their loads
 * would add up to at least {@code c x (inFlight + 1) > inFlight}, more than there are. When passive
 * health, connection limits or a retry hold some out, the others' bounds can all be reached; the
 * walk then finds none and the key's first eligible backend takes the request, bound or not. The
 * counts are live; concurrent requests may each see the same last free slot, which is why the bound
 * under concurrency is {@code ceil(c x average) + 1}, as HAProxy's.
 */
final class BoundedLoad {
  private BoundedLoad() {}

  /**
   * What each unit of weight may hold with this request, {@code c x (inFlight + 1) / W}: computed
   * once per pick, so that each backend the walk visits costs a multiplication.
   */
  static double perWeight(double factor, long inFlight, long weight) {
    return factor * (inFlight + 1) / weight;
  }

  /** Whether backend {@code i} may take one more request. */
  static boolean hasRoom(PoolSnapshot pool, int i, double perWeight) {
    // The epsilon keeps 1.25 x 8 / 5 = 2.0000000000000004 from rounding up to 3.
    return pool.inFlight(i) + 1 <= Math.ceil(perWeight * pool.weight(i) - 1e-9);
  }
}
