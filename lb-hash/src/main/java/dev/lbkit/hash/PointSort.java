package dev.lbkit.hash;

/**
 * Stable sorting of ring points together with their owners, on primitive arrays: a bottom-up merge
 * sort, so that building a ring of 160,000 points boxes nothing and keeps equal points in the
 * order they were generated (which the compatibility modes need to reproduce their peers' tie
 * rules).
 */
final class PointSort {
  private PointSort() {}

  /** Sorts {@code points} ascending (signed), permuting {@code owners} alongside; stable. */
  static void sort(long[] points, int[] owners) {
    int n = points.length;
    long[] p = points;
    int[] o = owners;
    long[] pTmp = new long[n];
    int[] oTmp = new int[n];
    for (int width = 1; width < n; width <<= 1) {
      for (int lo = 0; lo < n; lo += width << 1) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + (width << 1), n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          if (p[j] < p[i]) {
            pTmp[k] = p[j];
            oTmp[k++] = o[j++];
          } else {
            pTmp[k] = p[i];
            oTmp[k++] = o[i++];
          }
        }
        while (i < mid) {
          pTmp[k] = p[i];
          oTmp[k++] = o[i++];
        }
        while (j < hi) {
          pTmp[k] = p[j];
          oTmp[k++] = o[j++];
        }
      }
      long[] ps = p;
      p = pTmp;
      pTmp = ps;
      int[] os = o;
      o = oTmp;
      oTmp = os;
    }
    if (p != points) {
      System.arraycopy(p, 0, points, 0, n);
      System.arraycopy(o, 0, owners, 0, n);
    }
  }

  /** Sorts {@code points} ascending (signed), permuting {@code owners} alongside; stable. */
  static void sort(int[] points, int[] owners) {
    int n = points.length;
    int[] p = points;
    int[] o = owners;
    int[] pTmp = new int[n];
    int[] oTmp = new int[n];
    for (int width = 1; width < n; width <<= 1) {
      for (int lo = 0; lo < n; lo += width << 1) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + (width << 1), n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          if (p[j] < p[i]) {
            pTmp[k] = p[j];
            oTmp[k++] = o[j++];
          } else {
            pTmp[k] = p[i];
            oTmp[k++] = o[i++];
          }
        }
        while (i < mid) {
          pTmp[k] = p[i];
          oTmp[k++] = o[i++];
        }
        while (j < hi) {
          pTmp[k] = p[j];
          oTmp[k++] = o[j++];
        }
      }
      int[] ps = p;
      p = pTmp;
      pTmp = ps;
      int[] os = o;
      o = oTmp;
      oTmp = os;
    }
    if (p != points) {
      System.arraycopy(p, 0, points, 0, n);
      System.arraycopy(o, 0, owners, 0, n);
    }
  }
}
