package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;

/** A ring or table that can also pass over backends without room under bounded load. */
interface BoundedRing extends ConsistentRing {
  /**
   * As {@link #locate}, also passing over backends that have no room under bounded load: those
   * whose requests in flight, plus one, exceed {@code ceil(perWeight x weight)} ({@link
   * BoundedLoad#perWeight}); {@link dev.lbkit.core.Selector#NONE} if no eligible backend has room.
   */
  int locateBounded(long keyHash, Eligibility eligible, PoolSnapshot pool, double perWeight);
}
