package dev.lbkit.hash;

/**
 * Branch-free lower-bound search over sorted primitive arrays: the position of the first element
 * that is {@code >=} the key, or {@code length} if there is none.
 *
 * <p>The loop always runs {@code log2(length)} times and halves the range whatever the data; its
 * one data-dependent step must become a conditional move, or the CPU mispredicts it on half the
 * levels for random keys. How it is written decides that, and was measured (lb-benchmarks, N = 100
 * backends x 160 points, one run):
 *
 * <ul>
 *   <li>{@code int} comparison in {@code ?:}: C2 emitted a branch, 86 ns per Ketama lookup;
 *   <li>the sign of a 64-bit difference as a mask, as the {@code ref-branchfree-int} reference: 58
 *       ns (the reference itself, without the eligibility check, 48 ns);
 *   <li>the {@code int}s widened to {@code long} and compared in {@code ?:}: a conditional move, 49
 *       ns, and ahead of the mask at N = 10 and 1,000 too. This is the form used, for both arrays.
 * </ul>
 */
final class LowerBound {
  private LowerBound() {}

  /**
   * The first position whose element is {@code >= key}, or {@code sorted.length}.
   *
   * <p>Invariant: the answer lies in {@code [base, base + n]}. Probing {@code base + half}: if it
   * is below the key the answer is past it, else at or before it; either way {@code n - half}
   * elements remain to decide.
   */
  static int of(int[] sorted, int key) {
    int n = sorted.length;
    if (n == 0) {
      return 0;
    }
    long k = key;
    int base = 0;
    while (n > 1) {
      int half = n >>> 1;
      base = sorted[base + half] < k ? base + half : base;
      n -= half;
    }
    return sorted[base] < k ? base + 1 : base;
  }

  /**
   * The first position in {@code [from, to)} whose element is {@code >= key}, or {@code to}: the
   * search within one bucket of a {@link PointIndex}, usually over zero to two points.
   */
  static int of(int[] sorted, int from, int to, int key) {
    int n = to - from;
    if (n == 0) {
      return from;
    }
    long k = key;
    int base = from;
    while (n > 1) {
      int half = n >>> 1;
      base = sorted[base + half] < k ? base + half : base;
      n -= half;
    }
    return sorted[base] < k ? base + 1 : base;
  }

  /** As {@link #of(int[], int, int, int)}, over {@code long}s. */
  static int of(long[] sorted, int from, int to, long key) {
    int n = to - from;
    if (n == 0) {
      return from;
    }
    int base = from;
    while (n > 1) {
      int half = n >>> 1;
      base = sorted[base + half] < key ? base + half : base;
      n -= half;
    }
    return sorted[base] < key ? base + 1 : base;
  }
}
