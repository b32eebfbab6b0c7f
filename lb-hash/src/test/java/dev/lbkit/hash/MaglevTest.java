package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Selector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTest {
  @Test
  void everyEntryIsFilledAndEqualBackendsGetFloorOrCeilOfTheirShare() {
    for (int n : new int[] {1, 2, 3, 7, 100}) {
      MaglevTable t = MaglevTable.of(RingsTest.backends(n), 65537, BackendKey.id());
      int[] counts = new int[n];
      for (int s = 0; s < t.size(); s++) {
        counts[t.entry(s)]++;
      }
      for (int c : counts) {
        assertThat(c).isBetween(65537 / n, 65537 / n + 1);
      }
    }
  }

  @Test
  void weightsAreHonouredToWithinOneEntryPerTurn() {
    List<Backend> backends = new ArrayList<>(RingsTest.backends(4));
    int[] weights = {1, 2, 3, 5};
    for (int i = 0; i < 4; i++) {
      backends.set(i, backends.get(i).withWeight(weights[i]));
    }
    MaglevTable t = MaglevTable.of(backends, 65537, BackendKey.id());
    int[] counts = new int[4];
    for (int s = 0; s < t.size(); s++) {
      counts[t.entry(s)]++;
    }
    for (int i = 0; i < 4; i++) {
      assertThat((double) counts[i])
          .isCloseTo(65537.0 * weights[i] / 11, org.assertj.core.data.Offset.offset(5.0));
    }
  }

  @Test
  void anUnavailableBackendsKeysSpreadOverAllTheOthers() {
    MaglevTable t = MaglevTable.of(RingsTest.backends(10), 65537, BackendKey.id());
    int[] got = new int[10];
    for (int k = 0; k < 50_000; k++) {
      long hash = Rings.hashKey("key-" + k);
      if (t.locate(hash, i -> true) == 0) {
        got[t.locate(hash, i -> i != 0)]++;
      }
    }
    assertThat(got[0]).isZero();
    for (int i = 1; i < 10; i++) {
      assertThat(got[i]).isGreaterThan(200); // about 5000 / 9 each
    }
  }

  @Test
  void aTableOfOneBackendOrNoneAndTinyTables() {
    assertThat(MaglevTable.of(List.of(), 13, BackendKey.id()).locate(1, i -> true))
        .isEqualTo(Selector.NONE);
    MaglevTable tiny =
        MaglevTable.of(RingsTest.backends(20), 13, BackendKey.id()); // more backends than entries
    for (int s = 0; s < tiny.size(); s++) {
      assertThat(tiny.entry(s)).isBetween(0, 19);
    }
    // A backend without an entry is still reached when the others are unavailable.
    assertThat(tiny.locate(42, i -> i == 19)).isEqualTo(19);
  }

  /**
   * Entries are kept as 16-bit chars up to 65,536 backends and as ints beyond: with 65,537 backends
   * in 65,537 entries each backend claims exactly one, index 65,536 included (a char would have
   * wrapped it to 0).
   */
  @Test
  void moreBackendsThanACharHoldsKeepTheirIndexes() {
    int n = 65_537;
    List<Backend> backends = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      backends.add(Backend.of("m" + i, "10.0.0.1", 1 + i % 65_000));
    }
    MaglevTable t = MaglevTable.of(backends, 65_537, BackendKey.id());
    int[] counts = new int[n];
    for (int s = 0; s < t.size(); s++) {
      counts[t.entry(s)]++;
    }
    assertThat(counts).containsOnly(1);
    assertThat(t.locate(Rings.hashKey("k"), i -> i == 65_536)).isEqualTo(65_536);
  }
}
