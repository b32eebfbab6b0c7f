package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import org.jspecify.annotations.Nullable;

/**
 * What every sorted-points ring shares: the owners of the points in ring order, and for each
 * position the next position owned by a different backend, so that a walk past an ineligible
 * backend skips all its consecutive points in one step.
 *
 * <p>A walk that has passed {@value #CHECK_AFTER} backends first makes sure that some backend can
 * be taken at all, so that a ring whose backends are all down answers {@link Selector#NONE} after
 * visiting each backend once, not each of its 160,000 points.
 */
abstract class PointRing implements BoundedRing {
  static final int CHECK_AFTER = 32;

  /** owners[p]: the snapshot index of the backend owning the p-th point in ring order. */
  final int[] owners;

  /** nextOther[p]: the next position (wrapping) whose owner differs from owners[p]. */
  final int[] nextOther;

  /** The number of maximal runs of equal owners around the ring: the longest useful walk. */
  final int runs;

  private final int backendCount;

  PointRing(int[] owners, int backendCount) {
    this.owners = owners;
    this.backendCount = backendCount;
    int n = owners.length;
    this.nextOther = new int[n];
    int runCount = 0;
    if (n > 0) {
      // Walk backwards twice around the ring, so that positions near the end learn about runs
      // that begin after the wrap.
      int next = -1;
      for (int k = 2 * n - 1; k >= 0; k--) {
        int p = k >= n ? k - n : k;
        int q = p + 1 == n ? 0 : p + 1;
        if (owners[q] != owners[p]) {
          next = q;
        }
        if (k < n) {
          nextOther[p] = next < 0 ? p : next;
        }
      }
      for (int p = 0; p < n; p++) {
        if (owners[p] != owners[p == 0 ? n - 1 : p - 1]) {
          runCount++;
        }
      }
      if (runCount == 0) {
        runCount = 1; // one backend owns every point
      }
    }
    this.runs = runCount;
  }

  /** The position of the first point at or after {@code keyHash}, wrapping to 0. */
  abstract int position(long keyHash);

  /** The number of points on the ring. */
  final int pointCount() {
    return owners.length;
  }

  @Override
  public final int backendCount() {
    return backendCount;
  }

  /**
   * The owner of the first point at or after {@code keyHash}, if eligible (the usual case, kept
   * small enough for C2 to inline into the caller); otherwise the walk past it.
   */
  @Override
  public final int locate(long keyHash, Eligibility eligible) {
    if (owners.length == 0) {
      return Selector.NONE;
    }
    int p = position(keyHash);
    int owner = owners[p];
    if (eligible.isEligible(owner)) {
      return owner;
    }
    return walk(p, eligible, null, 0);
  }

  @Override
  public final int locateBounded(
      long keyHash, Eligibility eligible, PoolSnapshot pool, double perWeight) {
    if (owners.length == 0) {
      return Selector.NONE;
    }
    return walk(position(keyHash), eligible, pool, perWeight);
  }

  /**
   * The first backend from {@code start} clockwise that is eligible and, when {@code pool} is
   * given, has room under bounded load with {@code perWeight}.
   */
  final int walk(int start, Eligibility eligible, @Nullable PoolSnapshot pool, double perWeight) {
    int p = start;
    for (int step = 0; step < runs; step++) {
      if (step == CHECK_AFTER && !anyTakes(eligible, pool, perWeight)) {
        return Selector.NONE;
      }
      int owner = owners[p];
      if (eligible.isEligible(owner)
          && (pool == null || BoundedLoad.hasRoom(pool, owner, perWeight))) {
        return owner;
      }
      p = nextOther[p];
    }
    // Only a backend without points can be left (spymemcached's weighted formula gives a tiny
    // weight none): take the first such, rather than fail a request that one could serve.
    for (int i = 0; i < backendCount; i++) {
      if (eligible.isEligible(i) && (pool == null || BoundedLoad.hasRoom(pool, i, perWeight))) {
        return i;
      }
    }
    return Selector.NONE;
  }

  private boolean anyTakes(Eligibility eligible, @Nullable PoolSnapshot pool, double perWeight) {
    for (int i = 0; i < backendCount; i++) {
      if (eligible.isEligible(i) && (pool == null || BoundedLoad.hasRoom(pool, i, perWeight))) {
        return true;
      }
    }
    return false;
  }
}
