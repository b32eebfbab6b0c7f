package dev.lbkit.hash;

/** A ring of signed 64-bit points: the default ring. */
final class LongPointRing extends PointRing {
  private final long[] points;

  LongPointRing(long[] points, int[] owners, int backendCount) {
    super(owners, backendCount);
    this.points = points;
  }

  @Override
  int position(long keyHash) {
    int p = LowerBound.of(points, keyHash);
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
