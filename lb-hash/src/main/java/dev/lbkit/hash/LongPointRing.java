package dev.lbkit.hash;

/**
 * A ring of signed 64-bit points, indexed by their top bits ({@link PointIndex}): the default ring.
 */
final class LongPointRing extends PointRing {
  private final long[] points;

  /** Where each bucket of the key space starts, and its shift. */
  private final int[] bucketStarts;

  private final int bucketShift;

  LongPointRing(long[] points, int[] owners, int backendCount) {
    super(owners, backendCount);
    this.points = points;
    int bits = PointIndex.bitsFor(points.length);
    this.bucketStarts = PointIndex.ofLongs(points, bits);
    this.bucketShift = 64 - bits;
  }

  @Override
  int position(long keyHash) {
    int bucket = (int) ((keyHash ^ Long.MIN_VALUE) >>> bucketShift);
    int p = LowerBound.of(points, bucketStarts[bucket], bucketStarts[bucket + 1], keyHash);
    return p == points.length ? 0 : p;
  }

  long pointAt(int position) {
    return points[position];
  }

  @Override
  public String toString() {
    return "ConsistentRing{" + points.length + " points, " + backendCount() + " backends}";
  }
}
