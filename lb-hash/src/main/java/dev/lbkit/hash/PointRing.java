package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.Selector;

/**
 * What every sorted-points ring shares: the owners of the points in ring order, and for each
 * position the next position owned by a different backend, so that a walk past an ineligible
 * backend skips all its consecutive points in one step.
 */
abstract class PointRing implements ConsistentRing {
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
        int p = k % n;
        int q = (p + 1) % n;
        if (owners[q] != owners[p]) {
          next = q;
        }
        if (k < n) {
          nextOther[p] = next < 0 ? p : next;
        }
      }
      for (int p = 0; p < n; p++) {
        if (owners[p] != owners[(p + n - 1) % n]) {
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

  @Override
  public int locate(long keyHash, Eligibility eligible) {
    if (owners.length == 0) {
      return Selector.NONE;
    }
    int p = position(keyHash);
    for (int step = 0; step < runs; step++) {
      int owner = owners[p];
      if (eligible.isEligible(owner)) {
        return owner;
      }
      p = nextOther[p];
    }
    return Selector.NONE;
  }
}
