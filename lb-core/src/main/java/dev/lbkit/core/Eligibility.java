package dev.lbkit.core;

/**
 * Tells a {@link Selector} which backends of a snapshot it may return for this pick.
 *
 * <p>For a first pick this is {@link PoolSnapshot#newPicks()}: {@code UP}, not failed by passive
 * health, and below {@link Backend#maxConnections()}. A retry also excludes the backends that this
 * request already tried.
 */
@FunctionalInterface
public interface Eligibility {
  /** Whether the backend at {@code index} of the snapshot may be picked. */
  boolean isEligible(int index);
}
