package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;

/** A ring or table that can also pass over backends without room under bounded load. */
interface BoundedRing extends ConsistentRing {
  /**
   * As {@link #locate}, also passing over backends that have no room under bounded load with {@code
   * factor}, given the eligible backends' total requests in flight and total weight.
   */
  int locateBounded(
      long keyHash,
      Eligibility eligible,
      PoolSnapshot pool,
      double factor,
      long totalInFlight,
      long totalWeight);
}
