package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import java.util.Arrays;
import java.util.List;

/**
 * The reference the consistent-hash targets are stated against: the Ketama points of a backend set
 * in a sorted {@code int[]}, with their owners beside them, and two bare lower-bound searches over
 * it. Nothing else: no eligibility, no wrap-around table, no abstraction. A ring that gets within a
 * small factor of this has no overhead worth removing.
 *
 * <p>Points are unsigned 32-bit values; each is stored with its sign bit flipped, so that signed
 * {@code int} order is unsigned order and both searches compare plain {@code int}s. Equal points
 * keep the owner listed last, as spymemcached's {@code TreeMap.put} does.
 */
final class SortedPoints {
  final int[] points;
  final int[] owners;

  SortedPoints(List<Backend> backends) {
    long[][] generated = Fixtures.ketamaPoints(backends);
    int count = generated[0].length;
    // Sort (flipped point << 32 | generation order): signed long order is then unsigned point
    // order, stable, and nothing is boxed.
    long[] packed = new long[count];
    for (int i = 0; i < count; i++) {
      packed[i] = (generated[0][i] ^ 0x8000_0000L) << 32 | i;
    }
    Arrays.sort(packed);
    int[] p = new int[count];
    int[] o = new int[count];
    int distinct = 0;
    for (long entry : packed) {
      int point = (int) (entry >>> 32);
      int owner = (int) generated[1][(int) entry];
      if (distinct > 0 && p[distinct - 1] == point) {
        o[distinct - 1] = owner; // later generation wins, as TreeMap.put
      } else {
        p[distinct] = point;
        o[distinct] = owner;
        distinct++;
      }
    }
    this.points = Arrays.copyOf(p, distinct);
    this.owners = Arrays.copyOf(o, distinct);
  }

  /** The signed-order form of an unsigned 32-bit key hash. */
  static int flip(long unsignedHash) {
    return (int) unsignedHash ^ Integer.MIN_VALUE;
  }

  /**
   * The owner of {@code key} (already flipped) with a branch-free lower bound: the loop always
   * halves the range, a fixed {@code log2(length)} times, and its one data-dependent step is
   * arithmetic (the sign of a 64-bit difference becomes a mask), so there is no branch to
   * mispredict whatever the keys. Written with a mask rather than {@code ?:} because C2 turns a
   * ternary into a conditional move only when its profile says so, and a reference must not depend
   * on that.
   */
  int ownerBranchFree(int key) {
    int[] a = points;
    int base = 0;
    int n = a.length;
    while (n > 1) {
      int half = n >>> 1;
      // -1 (all ones) when a[base + half] < key, else 0.
      int less = (int) (((long) a[base + half] - key) >> 63);
      base += half & less;
      n -= half;
    }
    int position = base + (int) (((long) a[base] - key) >>> 63);
    return owners[position == a.length ? 0 : position];
  }

  /**
   * The same lower bound with the step written as {@code ?:}, as most code (and {@code lb-hash}'s
   * {@code LowerBound}) writes it. Whether C2 emits a conditional move or a branch for it depends
   * on its profile and the surrounding code; this row shows what it did here.
   */
  int ownerTernary(int key) {
    int[] a = points;
    int base = 0;
    int n = a.length;
    while (n > 1) {
      int half = n >>> 1;
      base = a[base + half - 1] < key ? base + half : base;
      n -= half;
    }
    int position = a[base] < key ? base + 1 : base;
    return owners[position == a.length ? 0 : position];
  }

  /** The owner of {@code key} (already flipped) with {@link Arrays#binarySearch(int[], int)}. */
  int ownerBinarySearch(int key) {
    int position = Arrays.binarySearch(points, key);
    if (position < 0) {
      position = -position - 1;
      if (position == points.length) {
        position = 0;
      }
    }
    return owners[position];
  }
}
