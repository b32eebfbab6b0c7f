package dev.lbkit.core;

import java.util.Arrays;
import java.util.List;

/**
 * The order in which nginx's smooth weighted round robin visits the {@code UP} backends of a set,
 * computed once per set.
 *
 * <p>nginx keeps a current weight per peer: each pick adds every peer's effective weight to its
 * current weight, takes the peer with the largest current weight (the first on ties) and subtracts
 * the total from it. With fixed weights the picks repeat with a period of the sum of the weights
 * divided by their greatest common divisor, so that period is computed here and a pick becomes an
 * array read at a shared cursor: lock-free, where nginx takes the upstream's lock.
 */
final class SmoothWeightedSequence {
  private static final int[] EMPTY = new int[0];

  /** Backend indexes in pick order; empty when no backend is {@code UP}. */
  final int[] order;

  private SmoothWeightedSequence(int[] order) {
    this.order = order;
  }

  static SmoothWeightedSequence of(List<Backend> backends) {
    int n = backends.size();
    int[] indexes = new int[n];
    int[] weights = new int[n];
    int up = 0;
    int gcd = 0;
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(i);
      if (b.state() == BackendState.UP) {
        indexes[up] = i;
        weights[up] = b.weight();
        gcd = gcd(gcd, b.weight());
        up++;
      }
    }
    if (up == 0) {
      return new SmoothWeightedSequence(EMPTY);
    }
    long total = 0;
    for (int i = 0; i < up; i++) {
      weights[i] /= gcd;
      total += weights[i];
    }
    int[] order = new int[(int) total];
    long[] current = new long[up];
    for (int pick = 0; pick < order.length; pick++) {
      int best = -1;
      for (int i = 0; i < up; i++) {
        current[i] += weights[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      order[pick] = indexes[best];
    }
    return new SmoothWeightedSequence(order);
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public String toString() {
    return "SmoothWeightedSequence" + Arrays.toString(order);
  }
}
