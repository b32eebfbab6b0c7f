package dev.lbkit.hash;

/**
 * A first-level index over a ring's sorted points, by the top bits of their position on the ring.
 *
 * <p>Ring points are hash values, spread evenly over the key space, and so are key hashes. Cut the
 * key space into {@code 2^bits} equal buckets, about one per point, and record where each bucket's
 * points start: a key's answer (the first point at or after it) then lies between the start of its
 * bucket and the start of the next, usually zero to two points apart, instead of somewhere in the
 * whole array. A lookup reads the index once, then searches those few points, where the bare binary
 * search over 16,000 points makes fourteen dependent reads across an array larger than the CPU's
 * first-level cache.
 *
 * <p>The answer is the same as the whole-array search's: every point before the bucket's start is
 * in a lower bucket, so below the key; every point from the next bucket's start on is in a higher
 * bucket, so above it.
 */
final class PointIndex {
  /** The most buckets: 4 Mi starts (16 MiB) for rings of more than 2 Mi points. */
  private static final int MAX_BITS = 22;

  private PointIndex() {}

  /**
   * About one bucket per point: {@code ceil(log2(points))}, at least 1, at most {@value #MAX_BITS}.
   */
  static int bitsFor(int points) {
    int bits = points <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(points - 1);
    return Math.max(1, Math.min(MAX_BITS, bits));
  }

  /**
   * starts[b]: the first position whose point lies in bucket {@code b} or later, for {@code b} in
   * {@code 0 .. 2^bits}; {@code starts[2^bits]} is the number of points.
   *
   * @param flipped 32-bit points with their sign bit flipped, sorted as signed ints: bucket {@code
   *     b} holds the unsigned points whose top {@code bits} bits are {@code b}
   */
  static int[] ofFlipped(int[] flipped, int bits) {
    int buckets = 1 << bits;
    int[] starts = new int[buckets + 1];
    int p = 0;
    for (int b = 0; b <= buckets; b++) {
      while (p < flipped.length && ((flipped[p] ^ Integer.MIN_VALUE) >>> (32 - bits)) < b) {
        p++;
      }
      starts[b] = p;
    }
    return starts;
  }

  /**
   * As {@link #ofFlipped}, for signed 64-bit points sorted as signed longs: bucket {@code b} holds
   * the points whose top {@code bits} bits, sign bit flipped, are {@code b}.
   */
  static int[] ofLongs(long[] points, int bits) {
    int buckets = 1 << bits;
    int[] starts = new int[buckets + 1];
    int p = 0;
    for (int b = 0; b <= buckets; b++) {
      while (p < points.length && ((points[p] ^ Long.MIN_VALUE) >>> (64 - bits)) < b) {
        p++;
      }
      starts[b] = p;
    }
    return starts;
  }
}
