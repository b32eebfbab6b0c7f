package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The consistency, order-independence and balance properties of the consistent methods. Backends
 * are b1..bN at distinct addresses; keys are drawn from a seeded generator.
 */
class ConsistentHashingProperties {
  enum Method {
    RING,
    KETAMA,
    NGINX,
    MAGLEV
  }

  private static final Eligibility ALL = i -> true;

  /** The backend id owning {@code key}, computed the way each method's selector does. */
  static String owner(
      Method method, List<Backend> backends, Object ring, String key, Eligibility eligible) {
    int index;
    switch (method) {
      case RING:
      case MAGLEV:
        index = ((ConsistentRing) ring).locate(Rings.hashKey(key), eligible);
        break;
      case KETAMA:
        index = ((ConsistentRing) ring).locate(Rings.ketamaHash(key), eligible);
        break;
      case NGINX:
        NginxRing r = (NginxRing) ring;
        int start = r.find(Crc32.ofUtf8(key));
        index = -1;
        for (int tries = 0; tries < 21 && index < 0; tries++) {
          index = r.pick(start + tries, eligible);
        }
        break;
      default:
        throw new AssertionError(method);
    }
    return index < 0 ? "none" : backends.get(index).id();
  }

  static Object build(Method method, List<Backend> backends) {
    switch (method) {
      case RING:
        return Rings.defaultRing().compute(backends);
      case KETAMA:
        return Rings.ketama(160, BackendKey.authority()).compute(backends);
      case NGINX:
        return NginxRing.of(backends, 160, BackendKey.authority());
      case MAGLEV:
        return Rings.maglev(HashOptions.DEFAULT_TABLE_SIZE, BackendKey.id()).compute(backends);
      default:
        throw new AssertionError(method);
    }
  }

  static List<String> keys(long seed, int count) {
    Random random = new Random(seed);
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(Long.toHexString(random.nextLong()) + "/" + random.nextInt(1000));
    }
    return keys;
  }

  @Property(tries = 40)
  void removingABackendMovesOnlyItsKeys(
      @ForAll Method method,
      @ForAll @IntRange(min = 2, max = 60) int n,
      @ForAll @IntRange(min = 0, max = 59) int removedIndex,
      @ForAll long seed) {
    List<Backend> before = DistributionReport.backends(n);
    String removed = before.get(removedIndex % n).id();
    List<Backend> after = new ArrayList<>(before);
    after.remove(removedIndex % n);
    Object ringBefore = build(method, before);
    Object ringAfter = build(method, after);
    int others = 0;
    int movedOthers = 0;
    for (String key : keys(seed, 2000)) {
      String was = owner(method, before, ringBefore, key, ALL);
      String is = owner(method, after, ringAfter, key, ALL);
      assertThat(is).isNotEqualTo(removed);
      if (!was.equals(removed)) {
        others++;
        if (!was.equals(is)) {
          movedOthers++;
        }
      }
    }
    if (method == Method.MAGLEV) {
      // Maglev trades strict consistency for balance: a few other keys move too (measured in
      // docs/hashing.md); the paper's bound is a small fraction of the table.
      assertThat(movedOthers).isLessThanOrEqualTo(Math.max(10, others / 10));
    } else {
      assertThat(movedOthers).isZero();
    }
  }

  @Property(tries = 40)
  void addingABackendMovesKeysOnlyToIt(
      @ForAll Method method, @ForAll @IntRange(min = 1, max = 60) int n, @ForAll long seed) {
    List<Backend> before = DistributionReport.backends(n);
    List<Backend> after = DistributionReport.backends(n + 1);
    String added = after.get(n).id();
    Object ringBefore = build(method, before);
    Object ringAfter = build(method, after);
    int moved = 0;
    int keys = 0;
    for (String key : keys(seed, 2000)) {
      String was = owner(method, before, ringBefore, key, ALL);
      String is = owner(method, after, ringAfter, key, ALL);
      keys++;
      if (!was.equals(is)) {
        if (method != Method.MAGLEV) {
          assertThat(is).as("key %s moved from %s", key, was).isEqualTo(added);
        }
        moved += is.equals(added) ? 0 : 1;
      }
    }
    assertThat(moved).isLessThanOrEqualTo(method == Method.MAGLEV ? Math.max(10, keys / 10) : 0);
  }

  @Property(tries = 40)
  void anIneligibleBackendLosesOnlyItsKeysAsIfRemoved(
      @ForAll Method method,
      @ForAll @IntRange(min = 2, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 39) int downIndex,
      @ForAll long seed) {
    List<Backend> backends = DistributionReport.backends(n);
    int down = downIndex % n;
    List<Backend> without = new ArrayList<>(backends);
    without.remove(down);
    Object ring = build(method, backends);
    Object ringWithout = build(method, without);
    for (String key : keys(seed, 1000)) {
      String full = owner(method, backends, ring, key, ALL);
      String passedOver = owner(method, backends, ring, key, i -> i != down);
      assertThat(passedOver).isNotEqualTo(backends.get(down).id()).isNotEqualTo("none");
      if (!full.equals(backends.get(down).id())) {
        assertThat(passedOver).isEqualTo(full);
      } else if (method != Method.MAGLEV) {
        // Walking past the backend's points reaches whoever owns them once it is gone.
        assertThat(passedOver).isEqualTo(owner(method, without, ringWithout, key, ALL));
      }
    }
  }

  /**
   * Ketama's and nginx's ties depend on the listing order, as in their peers (see KetamaTieTest).
   */
  @Property(tries = 30)
  void theRingDoesNotDependOnListingOrder(
      @ForAll @IntRange(min = 1, max = 80) int n, @ForAll long seed, @ForAll boolean maglev) {
    Method method = maglev ? Method.MAGLEV : Method.RING;
    List<Backend> backends = DistributionReport.weighted123(n);
    List<Backend> shuffled = new ArrayList<>(backends);
    Collections.shuffle(shuffled, new Random(seed));
    Object a = build(method, backends);
    Object b = build(method, shuffled);
    for (String key : keys(seed, 1000)) {
      assertThat(owner(method, shuffled, b, key, ALL))
          .isEqualTo(owner(method, backends, a, key, ALL));
    }
  }

  /**
   * 160 points per unit of weight keep every share within [0.7, 1.35] of fair. The backends depend
   * only on N, so each N gives one ring; DistributionReport checks every N in 2..200.
   */
  @Property(tries = 25)
  void sharesStayNearFair(
      @ForAll Method method,
      @ForAll @IntRange(min = 2, max = 200) int n,
      @ForAll boolean weighted) {
    // Weighted Ketama rounds points down to spymemcached's multiples of four, and nginx's CRC
    // chain is lumpier with weights; both are their peers' behaviour, measured in the docs.
    boolean useWeights = weighted && (method == Method.RING || method == Method.MAGLEV);
    List<Backend> backends =
        useWeights ? DistributionReport.weighted123(n) : DistributionReport.backends(n);
    double[] relative = Shares.relative(Shares.of(build(method, backends), n), backends);
    double low = method == Method.MAGLEV ? 0.99 : 0.7;
    double high = method == Method.MAGLEV ? 1.01 : 1.35;
    for (int i = 0; i < n; i++) {
      assertThat(relative[i]).as("%s share of %s", method, backends.get(i)).isBetween(low, high);
    }
  }
}
