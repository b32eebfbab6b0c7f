package dev.lbkit.hash;

/**
 * A ring of unsigned 32-bit points (Ketama's), stored with the sign bit flipped so that the
 * branch-free search can compare them as signed ints, and indexed by their top bits ({@link
 * PointIndex}). Only the low 32 bits of a key hash count.
 */
final class IntPointRing extends PointRing {
  private final int[] flippedPoints;

  /** Where each bucket of the key space starts (see {@link PointIndex}), and its shift. */
  private final int[] bucketStarts;

  private final int bucketShift;
  private final String description;

  /**
   * @param flippedPoints the points with their sign bit flipped ({@link #flip}), sorted as signed
   *     ints and free of duplicates
   */
  IntPointRing(int[] flippedPoints, int[] owners, int backendCount, String description) {
    super(owners, backendCount);
    this.flippedPoints = flippedPoints;
    int bits = PointIndex.bitsFor(flippedPoints.length);
    this.bucketStarts = PointIndex.ofFlipped(flippedPoints, bits);
    this.bucketShift = 32 - bits;
    this.description = description;
  }

  /** Maps unsigned order onto signed order. */
  static int flip(int unsignedPoint) {
    return unsignedPoint ^ Integer.MIN_VALUE;
  }

  @Override
  int position(long keyHash) {
    int bucket = (int) keyHash >>> bucketShift;
    int p =
        LowerBound.of(
            flippedPoints,
            bucketStarts[bucket],
            bucketStarts[bucket + 1],
            (int) keyHash ^ Integer.MIN_VALUE);
    return p == flippedPoints.length ? 0 : p;
  }

  /** The unsigned point at {@code position}. */
  long pointAt(int position) {
    return (flippedPoints[position] ^ Integer.MIN_VALUE) & 0xffffffffL;
  }

  @Override
  public String toString() {
    return description + "{" + flippedPoints.length + " points, " + backendCount() + " backends}";
  }
}
