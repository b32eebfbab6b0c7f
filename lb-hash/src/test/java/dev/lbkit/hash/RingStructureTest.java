package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Selector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class RingStructureTest {
  static List<Backend> memcached(int n) {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Backend.of("m" + i, "10.1." + (i / 200) + "." + (i % 200 + 1), 11211));
    }
    return list;
  }

  @Test
  void aThousandBackendsAtHundredSixtyPointsEach() {
    List<Backend> backends = memcached(1000);
    LongPointRing ring = (LongPointRing) Rings.defaultRing().compute(backends);
    assertThat(ring.pointCount()).isEqualTo(160_000);
    for (int p = 1; p < ring.pointCount(); p++) {
      assertThat(ring.pointAt(p)).isGreaterThanOrEqualTo(ring.pointAt(p - 1));
    }
    assertThat(
            ((IntPointRing) Rings.ketama(160, BackendKey.authority()).compute(backends))
                .pointCount())
        .isBetween(159_990, 160_000);
    assertThat(NginxRing.of(backends, 160, BackendKey.authority()).pointCount())
        .isBetween(159_990, 160_000);
  }

  @Test
  void anAllDownRingAnswersNoneAndAnyEligibleBackendIsFound() {
    ConsistentRing ring = Rings.defaultRing().compute(memcached(1000));
    assertThat(ring.locate(Rings.hashKey("k"), i -> false)).isEqualTo(Selector.NONE);
    assertThat(ring.locate(Rings.hashKey("k"), i -> i == 777)).isEqualTo(777);
  }

  /**
   * Ketama ties: spymemcached's TreeMap.put lets the later node win an equal point. Among 1000
   * servers' 160,000 points a few 32-bit collisions occur; each must belong to the later server.
   */
  @Test
  void ketamaTiesGoToTheLaterServer() throws Exception {
    List<Backend> backends = memcached(1000);
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    Map<Long, Integer> lastOwner = new HashMap<>();
    Map<Long, Integer> count = new HashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      for (int rep = 0; rep < 40; rep++) {
        byte[] d =
            md5.digest((backends.get(i).authority() + "-" + rep).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          long point =
              (d[4 * h] & 0xffL)
                  | (d[4 * h + 1] & 0xffL) << 8
                  | (d[4 * h + 2] & 0xffL) << 16
                  | (d[4 * h + 3] & 0xffL) << 24;
          lastOwner.put(point, i);
          count.merge(point, 1, Integer::sum);
        }
      }
    }
    ConsistentRing ring = Rings.ketama(160, BackendKey.authority()).compute(backends);
    int ties = 0;
    for (Map.Entry<Long, Integer> e : count.entrySet()) {
      if (e.getValue() > 1
          && lastOwner.get(e.getKey()) != lastOwner.get(e.getKey()).intValue() - 1) {
        ties++;
        assertThat(ring.locate(e.getKey(), i -> true)).isEqualTo(lastOwner.get(e.getKey()));
      }
    }
    assertThat(ties).isPositive();
  }

  /** nginx's ties: the first server in configuration order keeps an equal point. */
  @Test
  void nginxTiesGoToTheEarlierServer() {
    List<Backend> backends = memcached(1000);
    Map<Long, Integer> firstOwner = new HashMap<>();
    Map<Long, Integer> count = new HashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      byte[] base = NginxRing.hostZeroPort(backends.get(i).authority());
      byte[] prev = new byte[4];
      for (int j = 0; j < 160; j++) {
        CRC32 crc = new CRC32();
        crc.update(base);
        crc.update(prev);
        long hash = crc.getValue();
        firstOwner.putIfAbsent(hash, i);
        count.merge(hash, 1, Integer::sum);
        prev =
            new byte[] {(byte) hash, (byte) (hash >> 8), (byte) (hash >> 16), (byte) (hash >> 24)};
      }
    }
    NginxRing ring = NginxRing.of(backends, 160, BackendKey.authority());
    int ties = 0;
    for (Map.Entry<Long, Integer> e : count.entrySet()) {
      if (e.getValue() > 1) {
        ties++;
        int p = ring.find((int) (long) e.getKey());
        assertThat(ring.pointAt(p)).isEqualTo(e.getKey());
        assertThat(ring.pick(p, i -> true)).isEqualTo(firstOwner.get(e.getKey()));
      }
    }
    assertThat(ties).isPositive();
  }

  @Test
  void nginxServerStringsSplitAsNginxDoes() {
    assertThat(new String(NginxRing.hostZeroPort("127.0.0.1:9001"), StandardCharsets.UTF_8))
        .isEqualTo("127.0.0.1\u00009001");
    assertThat(new String(NginxRing.hostZeroPort("backend.example"), StandardCharsets.UTF_8))
        .isEqualTo("backend.example\u0000");
    assertThat(new String(NginxRing.hostZeroPort("[::1]:80"), StandardCharsets.UTF_8))
        .isEqualTo("[::1]\u000080");
    assertThat(new String(NginxRing.hostZeroPort("[::1]"), StandardCharsets.UTF_8))
        .isEqualTo("[::1]\u0000");
    assertThat(new String(NginxRing.hostZeroPort("unix:/tmp/app.sock"), StandardCharsets.UTF_8))
        .isEqualTo("/tmp/app.sock\u0000");
  }

  /**
   * One nginx server string for several backends (a name with several addresses): they share its
   * points.
   */
  @Test
  void backendsSharingAServerStringTakeTurnsOnItsPoints() {
    List<Backend> backends =
        List.of(
            Backend.of("a1", "10.0.0.1", 80),
            Backend.of("a2", "10.0.0.2", 80),
            Backend.of("b", "10.0.0.3", 80));
    BackendKey serverString = b -> b.id().startsWith("a") ? "app.internal:80" : b.authority();
    Fixture f =
        Fixture.of(
            HashSelectors.hashConsistent(
                KeyExtractor.header("K"), HashOptions.builder().backendKey(serverString).build()),
            backends);
    Random random = new Random(3);
    int a1 = 0;
    int a2 = 0;
    for (int k = 0; k < 2000; k++) {
      String id = f.pick(Fixture.header("K", "key" + random.nextInt()));
      a1 += id.equals("a1") ? 1 : 0;
      a2 += id.equals("a2") ? 1 : 0;
    }
    assertThat(a1).isPositive();
    assertThat(Math.abs(a1 - a2)).isLessThanOrEqualTo(1); // strict alternation
  }

  @Test
  void lowerBoundAgreesWithALinearScan() {
    Random random = new Random(11);
    for (int t = 0; t < 2000; t++) {
      int n = random.nextInt(40);
      int[] ints = new int[n];
      long[] longs = new long[n];
      for (int i = 0; i < n; i++) {
        ints[i] = random.nextInt(20) - 10;
        longs[i] = ints[i];
      }
      java.util.Arrays.sort(ints);
      java.util.Arrays.sort(longs);
      int key = random.nextInt(24) - 12;
      int expected = 0;
      while (expected < n && ints[expected] < key) {
        expected++;
      }
      assertThat(LowerBound.of(ints, key)).isEqualTo(expected);
      assertThat(LowerBound.of(longs, 0, n, key)).isEqualTo(expected);
    }
  }

  @Test
  void pointSortIsStableAndSigned() {
    Random random = new Random(5);
    for (int t = 0; t < 200; t++) {
      int n = random.nextInt(300);
      int[] points = new int[n];
      long[] longPoints = new long[n];
      int[] owners = new int[n];
      int[] longOwners = new int[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, spread over every digit and both signs.
        int v = random.nextInt(30) - 15;
        points[i] = v * 0x0801_0203;
        longPoints[i] = v * 0x0801_0203_0405_0607L;
        owners[i] = i;
        longOwners[i] = i;
      }
      int[] expected = points.clone();
      java.util.Arrays.sort(expected);
      PointSort.sort(points, owners);
      PointSort.sort(longPoints, longOwners);
      assertThat(points).isEqualTo(expected);
      for (int i = 1; i < n; i++) {
        assertThat(longPoints[i]).isGreaterThanOrEqualTo(longPoints[i - 1]);
        if (points[i] == points[i - 1]) {
          assertThat(owners[i]).isGreaterThan(owners[i - 1]);
        }
        if (longPoints[i] == longPoints[i - 1]) {
          assertThat(longOwners[i]).isGreaterThan(longOwners[i - 1]);
        }
      }
    }
  }

  @Test
  void spymemcachedsWeightedFormulaInItsFloatArithmetic() {
    assertThat(KetamaRingBuilder.pointsFor(1, 11, 4, 160, true)).isEqualTo(56);
    assertThat(KetamaRingBuilder.pointsFor(5, 11, 4, 160, true)).isEqualTo(288);
    // Float rounding: 25 servers of equal weight get 156 points each from a weighted client.
    assertThat(KetamaRingBuilder.pointsFor(1, 25, 25, 160, true)).isEqualTo(156);
    assertThat(KetamaRingBuilder.pointsFor(1, 24, 24, 160, true)).isEqualTo(160);
    assertThat(KetamaRingBuilder.pointsFor(7, 25, 25, 160, false)).isEqualTo(160);
  }

  @Test
  void aBackendWithoutPointsIsStillReachedWhenNothingElseIsEligible() {
    List<Backend> backends = new ArrayList<>(memcached(3));
    backends.set(
        0,
        backends.get(0).withWeight(10_000)); // the others get 0 points from spymemcached's formula
    IntPointRing ring = (IntPointRing) Rings.ketama(160, BackendKey.authority()).compute(backends);
    for (int owner : ring.owners) {
      assertThat(owner).isZero();
    }
    assertThat(ring.locate(Rings.ketamaHash("k"), i -> i == 2)).isEqualTo(2);
    assertThat(ring.locate(Rings.ketamaHash("k"), i -> false)).isEqualTo(Selector.NONE);
  }

  @Test
  void ketamaWeightingChoosesTheFormula() {
    List<Backend> equal = memcached(25);
    assertThat(
            ((IntPointRing) Rings.ketama(160, BackendKey.authority()).compute(equal)).pointCount())
        .isEqualTo(25 * 160);
    assertThat(
            ((IntPointRing)
                    Rings.ketama(160, BackendKey.authority(), KetamaWeighting.ALWAYS)
                        .compute(equal))
                .pointCount())
        .isEqualTo(25 * 156);
    List<Backend> weighted = new ArrayList<>(memcached(4));
    weighted.set(3, weighted.get(3).withWeight(5));
    assertThat(
            ((IntPointRing)
                    Rings.ketama(160, BackendKey.authority(), KetamaWeighting.NEVER)
                        .compute(weighted))
                .pointCount())
        .isEqualTo(4 * 160);
  }
}
