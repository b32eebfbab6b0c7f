package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingsTest {
  static List<Backend> backends(int n) {
    List<Backend> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(Backend.of("b" + i, "127.0.0.1", 9000 + i));
    }
    return list;
  }

  @Test
  void eachCallReturnsANewPrecomputation() {
    assertThat(Rings.defaultRing()).isNotSameAs(Rings.defaultRing());
  }

  @Test
  void emptyRingLocatesNothing() {
    ConsistentRing ring = Rings.defaultRing().compute(List.of());
    assertThat(ring.locate(42, i -> true)).isEqualTo(Selector.NONE);
    assertThat(ring.backendCount()).isZero();
  }

  @Test
  void locatesTheOwnerOfTheNextPointAndPassesOverIneligibleBackends() {
    ConsistentRing ring = Rings.defaultRing().compute(backends(5));
    Random random = new Random(1);
    for (int k = 0; k < 2000; k++) {
      long hash = Rings.hashKey("key-" + k);
      int owner = ring.locate(hash, i -> true);
      assertThat(owner).isBetween(0, 4);
      int fallback = ring.locate(hash, i -> i != owner);
      assertThat(fallback).isBetween(0, 4).isNotEqualTo(owner);
      int excluded = random.nextInt(5);
      int only = ring.locate(hash, i -> i == excluded);
      assertThat(only).isEqualTo(excluded);
      assertThat(ring.locate(hash, i -> false)).isEqualTo(Selector.NONE);
    }
  }

  @Test
  void ownerIsTheFirstPointAtOrAfterTheHash() {
    LongPointRing ring = (LongPointRing) Rings.defaultRing(3).compute(backends(4));
    for (int p = 0; p < ring.pointCount(); p++) {
      long point = ring.pointAt(p);
      int owner = ring.owners[p];
      assertThat(ring.locate(point, i -> true)).isEqualTo(owner);
      if (point != Long.MIN_VALUE && (p == 0 || ring.pointAt(p - 1) != point - 1)) {
        assertThat(ring.locate(point - 1, i -> true)).isEqualTo(owner);
      }
    }
    // Past the last point, the ring wraps to the first.
    assertThat(ring.locate(Long.MAX_VALUE, i -> true))
        .isEqualTo(
            ring.pointAt(ring.pointCount() - 1) == Long.MAX_VALUE
                ? ring.owners[ring.pointCount() - 1]
                : ring.owners[0]);
  }

  @Test
  void doesNotDependOnListingOrder() {
    List<Backend> list = backends(20);
    List<Backend> shuffled = new ArrayList<>(list);
    Collections.shuffle(shuffled, new Random(7));
    Precomputation<ConsistentRing> p = Rings.defaultRing();
    ConsistentRing a = p.compute(list);
    ConsistentRing b = p.compute(shuffled);
    for (int k = 0; k < 5000; k++) {
      long hash = Rings.hashKey(Integer.toString(k));
      assertThat(shuffled.get(b.locate(hash, i -> true)))
          .isEqualTo(list.get(a.locate(hash, i -> true)));
    }
  }

  @Test
  void hashKeyIsStable() {
    // Pinned: rings are shared across replicas and versions, so these values must never change.
    assertThat(Rings.hashKey("")).isEqualTo(Hash64.fmix64(0x6c626b6974L ^ 0));
    assertThat(Rings.hashKey("abc")).isEqualTo(Rings.hashKey(new StringBuilder("abc")));
    assertThat(Rings.hashKey("abcd")).isNotEqualTo(Rings.hashKey("abdc"));
  }

  @Test
  void rejectsBadPointsPerWeight() {
    assertThatThrownBy(() -> Rings.defaultRing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pointsPerWeight: 0 (expected: 1..10000)");
  }
}
