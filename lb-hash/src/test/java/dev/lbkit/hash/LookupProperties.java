package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.Selector;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast lookups answer exactly as naive ones: the branch-free lower bound as a linear scan, the
 * 32-bit rings (points stored sign-flipped) as a ring of the same points as {@code long}s, the
 * default ring as a scan over its 64-bit points, and the first owner's eligibility short cut as the
 * walk it skips.
 */
class LookupProperties {
  /** Values crowded near the signed and unsigned edges, where a flip or an overflow would show. */
  private static final int[] EDGES = {
    Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0, 1, Integer.MAX_VALUE - 1, Integer.MAX_VALUE
  };

  private static int interestingInt(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return EDGES[random.nextInt(EDGES.length)];
      case 1:
        return random.nextInt(64) - 32;
      default:
        return random.nextInt();
    }
  }

  private static int[] sortedInts(Random random, int length) {
    int[] a = new int[length];
    for (int i = 0; i < length; i++) {
      a[i] = interestingInt(random);
    }
    Arrays.sort(a);
    return a;
  }

  private static int naiveLowerBound(int[] a, int key) {
    int p = 0;
    while (p < a.length && a[p] < key) {
      p++;
    }
    return p;
  }

  private static int naiveLowerBound(long[] a, long key) {
    int p = 0;
    while (p < a.length && a[p] < key) {
      p++;
    }
    return p;
  }

  @Property(tries = 300)
  void intLowerBoundIsTheFirstElementAtOrAboveTheKey(
      @ForAll @IntRange(min = 0, max = 300) int length, @ForAll long seed) {
    Random random = new Random(seed);
    int[] a = sortedInts(random, length);
    for (int k = 0; k < 200; k++) {
      int key = k < a.length ? a[k] : interestingInt(random);
      assertThat(LowerBound.of(a, key)).as("key %s", key).isEqualTo(naiveLowerBound(a, key));
      assertThat(LowerBound.of(a, key + 1)).isEqualTo(naiveLowerBound(a, key + 1));
    }
  }

  @Property(tries = 300)
  void longLowerBoundIsTheFirstElementAtOrAboveTheKey(
      @ForAll @IntRange(min = 0, max = 300) int length, @ForAll long seed) {
    Random random = new Random(seed);
    long[] a = new long[length];
    for (int i = 0; i < length; i++) {
      a[i] = random.nextBoolean() ? random.nextLong() : (long) interestingInt(random) << 32;
    }
    Arrays.sort(a);
    for (int k = 0; k < 200; k++) {
      long key = k < a.length && random.nextBoolean() ? a[k] : random.nextLong();
      assertThat(LowerBound.of(a, 0, a.length, key)).isEqualTo(naiveLowerBound(a, key));
    }
  }

  /** The search within one bucket: the first element of {@code [from, to)} at or above the key. */
  @Property(tries = 300)
  void lowerBoundWithinARangeStaysInIt(
      @ForAll @IntRange(min = 0, max = 60) int length, @ForAll long seed) {
    Random random = new Random(seed);
    int[] ints = sortedInts(random, length);
    long[] longs = new long[length];
    for (int i = 0; i < length; i++) {
      longs[i] = (long) ints[i] << 32 | (random.nextInt() & 0xffffffffL);
    }
    Arrays.sort(longs);
    for (int k = 0; k < 100; k++) {
      int from = random.nextInt(length + 1);
      int to = from + random.nextInt(length - from + 1);
      int intKey = interestingInt(random);
      long longKey = random.nextBoolean() ? (long) intKey << 32 : random.nextLong();
      int expectedInt = from;
      while (expectedInt < to && ints[expectedInt] < intKey) {
        expectedInt++;
      }
      int expectedLong = from;
      while (expectedLong < to && longs[expectedLong] < longKey) {
        expectedLong++;
      }
      assertThat(LowerBound.of(ints, from, to, intKey)).isEqualTo(expectedInt);
      assertThat(LowerBound.of(longs, from, to, longKey)).isEqualTo(expectedLong);
    }
  }

  /** A random ring: distinct sorted points, owners drawn from {@code backends}. */
  private static int[] owners(Random random, int count, int backends) {
    int[] owners = new int[count];
    for (int i = 0; i < count; i++) {
      owners[i] = random.nextInt(backends);
    }
    return owners;
  }

  private static int[] distinctSorted(Random random, int count) {
    return Arrays.stream(sortedInts(random, count)).distinct().toArray();
  }

  /** Eligibility of a random subset; sometimes all, sometimes none. */
  private static Eligibility someEligible(Random random, int backends) {
    boolean[] ok = new boolean[backends];
    int mode = random.nextInt(4);
    for (int i = 0; i < backends; i++) {
      ok[i] = mode == 0 || (mode != 1 && random.nextInt(3) > 0);
    }
    return i -> ok[i];
  }

  /**
   * The owner of the first eligible point at or after {@code key} (unsigned), by walking every
   * point.
   */
  private static int naiveLocate(
      long[] unsignedPoints, int[] owners, long key, Eligibility eligible) {
    int start = naiveLowerBound(unsignedPoints, key);
    for (int i = 0; i < unsignedPoints.length; i++) {
      int owner = owners[(start + i) % unsignedPoints.length];
      if (eligible.isEligible(owner)) {
        return owner;
      }
    }
    return Selector.NONE;
  }

  @Property(tries = 200)
  void theSignFlippedIntRingAnswersAsALongRingOfTheSamePoints(
      @ForAll @IntRange(min = 1, max = 400) int count,
      @ForAll @IntRange(min = 1, max = 12) int backends,
      @ForAll long seed) {
    Random random = new Random(seed);
    // Flipped points, sorted as signed ints: their unsigned values are sorted too.
    int[] flipped = distinctSorted(random, count);
    int[] owners = owners(random, flipped.length, backends);
    long[] unsigned = new long[flipped.length];
    for (int i = 0; i < flipped.length; i++) {
      unsigned[i] = (flipped[i] ^ Integer.MIN_VALUE) & 0xffffffffL;
    }
    // Every backend owns a point, so that the fallback for pointless backends stays out of it.
    for (int b = 0; b < backends && b < owners.length; b++) {
      owners[random.nextInt(owners.length)] = b;
    }
    int present = (int) Arrays.stream(owners).distinct().count();
    IntPointRing intRing = new IntPointRing(flipped, owners.clone(), backends, "test");
    LongPointRing longRing = new LongPointRing(unsigned, owners.clone(), backends);
    for (int k = 0; k < 300; k++) {
      long key;
      if (k < unsigned.length && random.nextBoolean()) {
        key = unsigned[k] + random.nextInt(3) - 1;
      } else {
        key = interestingInt(random) & 0xffffffffL;
      }
      key &= 0xffffffffL;
      Eligibility eligible = random.nextInt(3) == 0 ? i -> true : someEligible(random, backends);
      int expected = naiveLocate(unsigned, owners, key, eligible);
      if (expected == Selector.NONE && present < backends) {
        continue; // an eligible backend without points: the walk's fallback, tested elsewhere
      }
      // Only the low 32 bits of an IntPointRing's key count.
      long noisyKey = key | (long) random.nextInt() << 32;
      assertThat(intRing.locate(noisyKey, eligible)).as("key %s", key).isEqualTo(expected);
      assertThat(longRing.locate(key, eligible)).as("key %s", key).isEqualTo(expected);
    }
  }

  @Property(tries = 200)
  void theDefaultRingFindsTheFirst64BitPointAtOrAboveTheKey(
      @ForAll @IntRange(min = 1, max = 400) int count,
      @ForAll @IntRange(min = 1, max = 8) int highs,
      @ForAll long seed) {
    Random random = new Random(seed);
    // Few distinct high halves, so that points differ in their low halves only, as near keys do.
    int[] high = new int[highs];
    for (int h = 0; h < highs; h++) {
      high[h] = interestingInt(random);
    }
    long[] points = new long[count];
    for (int i = 0; i < count; i++) {
      points[i] = (long) high[random.nextInt(highs)] << 32 | (interestingInt(random) & 0xffffffffL);
    }
    Arrays.sort(points);
    long[] distinct = Arrays.stream(points).distinct().toArray();
    LongPointRing ring = new LongPointRing(distinct, new int[distinct.length], 1);
    for (int k = 0; k < 300; k++) {
      long key;
      switch (random.nextInt(3)) {
        case 0:
          key = distinct[random.nextInt(distinct.length)] + random.nextInt(3) - 1;
          break;
        case 1:
          key = (long) high[random.nextInt(highs)] << 32 | (interestingInt(random) & 0xffffffffL);
          break;
        default:
          key = random.nextLong();
          break;
      }
      int expected = naiveLowerBound(distinct, key);
      assertThat(ring.position(key))
          .as("key %s", key)
          .isEqualTo(expected == distinct.length ? 0 : expected);
    }
  }

  @Property(tries = 100)
  void nginxPointsOfOneBackendAndOfAGroupAreWalkedAsNginxDoes(
      @ForAll @IntRange(min = 2, max = 8) int n, @ForAll long seed) {
    Random random = new Random(seed);
    java.util.List<dev.lbkit.core.Backend> backends = new java.util.ArrayList<>();
    String[] servers = new String[n];
    for (int i = 0; i < n; i++) {
      // Sometimes two backends share a server string (a name resolving to several addresses).
      servers[i] =
          i > 0 && random.nextInt(3) == 0 ? servers[random.nextInt(i)] : "10.0.0." + i + ":80";
      backends.add(
          dev.lbkit.core.Backend.of("b" + i, "10.0.0." + i, 80).withWeight(1 + random.nextInt(3)));
    }
    BackendKey key = b -> servers[Integer.parseInt(b.id().substring(1))];
    int pointsPerWeight = 1 + random.nextInt(random.nextBoolean() ? 3 : 160);
    NginxRing ring = NginxRing.of(backends, pointsPerWeight, key);
    int points = ring.pointCount();
    for (int k = 0; k < 200; k++) {
      int p = random.nextInt(points + 21);
      Eligibility eligible = someEligible(random, n);
      int picked = ring.pick(p, eligible);
      int first = ring.ownerAt(p % points);
      String server = servers[first];
      if (picked >= 0) {
        assertThat(servers[picked]).isEqualTo(server);
        assertThat(eligible.isEligible(picked)).isTrue();
      } else {
        for (int i = 0; i < n; i++) {
          if (servers[i].equals(server)) {
            assertThat(eligible.isEligible(i)).as("member %s of %s", i, server).isFalse();
          }
        }
      }
    }
  }
}
