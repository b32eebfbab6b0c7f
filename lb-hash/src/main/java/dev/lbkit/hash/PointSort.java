package dev.lbkit.hash;

/**
 * Stable sorting of ring points together with their owners, on primitive arrays: an LSD radix sort
 * in 16-bit digits, so that building a ring of 160,000 points takes a few linear passes, boxes
 * nothing, and keeps equal points in the order they were generated (which the compatibility modes
 * need to reproduce their peers' tie rules).
 */
final class PointSort {
  private static final int BITS = 16;
  private static final int BUCKETS = 1 << BITS;

  private PointSort() {}

  /** Sorts {@code points} ascending as signed longs, permuting {@code owners} alongside; stable. */
  static void sort(long[] points, int[] owners) {
    int n = points.length;
    if (n < 2) {
      return;
    }
    long[] p = points;
    int[] o = owners;
    long[] pTmp = new long[n];
    int[] oTmp = new int[n];
    int[] count = new int[BUCKETS + 1];
    for (int shift = 0; shift < 64; shift += BITS) {
      // The top digit has its sign bit flipped, so that negative points sort first.
      long flip = shift == 64 - BITS ? 0x8000 : 0;
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (((p[i] >>> shift) ^ flip) & 0xffff) + 1]++;
      }
      for (int b = 0; b < BUCKETS; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        int at = count[(int) (((p[i] >>> shift) ^ flip) & 0xffff)]++;
        pTmp[at] = p[i];
        oTmp[at] = o[i];
      }
      long[] ps = p;
      p = pTmp;
      pTmp = ps;
      int[] os = o;
      o = oTmp;
      oTmp = os;
    }
    // Four passes: the sorted data is back in the caller's arrays.
  }

  /** Sorts {@code points} ascending as signed ints, permuting {@code owners} alongside; stable. */
  static void sort(int[] points, int[] owners) {
    int n = points.length;
    if (n < 2) {
      return;
    }
    int[] p = points;
    int[] o = owners;
    int[] pTmp = new int[n];
    int[] oTmp = new int[n];
    int[] count = new int[BUCKETS + 1];
    for (int shift = 0; shift < 32; shift += BITS) {
      int flip = shift == 32 - BITS ? 0x8000 : 0;
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(((p[i] >>> shift) ^ flip) & 0xffff) + 1]++;
      }
      for (int b = 0; b < BUCKETS; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        int at = count[((p[i] >>> shift) ^ flip) & 0xffff]++;
        pTmp[at] = p[i];
        oTmp[at] = o[i];
      }
      int[] ps = p;
      p = pTmp;
      pTmp = ps;
      int[] os = o;
      o = oTmp;
      oTmp = os;
    }
    // Two passes: the sorted data is back in the caller's arrays.
  }
}
