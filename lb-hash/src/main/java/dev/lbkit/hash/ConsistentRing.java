package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.Selector;

/**
 * A consistent-hash ring (or lookup table) over one snapshot's backends, built once per change of
 * the backend set and read by any number of request threads at once.
 *
 * <p>Obtain one from a {@link dev.lbkit.core.Precomputation} such as {@link Rings#defaultRing()},
 * declared by the selector or session affinity that reads it, and look it up with {@code
 * pool.precomputed(ring)}. Every backend of the snapshot is on the ring, whatever its state, so
 * that a backend which is down or draining for a while keeps its place and gets its keys back when
 * it returns; {@link #locate} passes over the ones that the caller's {@link Eligibility} refuses.
 */
public interface ConsistentRing {
  /**
   * The index (into the snapshot the ring was built for) of the backend that owns {@code keyHash}:
   * the owner of the first point at or after {@code keyHash}, going clockwise and wrapping past the
   * end, passing over points whose backend is not eligible. Allocation-free and lock-free.
   *
   * @param keyHash the key's hash, in the ring's own hash function (for the default ring {@link
   *     Rings#hashKey}; for the 32-bit compatible rings only the low 32 bits count, unsigned)
   * @return the backend's index, or {@link Selector#NONE} if no backend on the ring is eligible
   */
  int locate(long keyHash, Eligibility eligible);

  /** The number of distinct backends on the ring: the size of the snapshot it was built for. */
  int backendCount();
}
