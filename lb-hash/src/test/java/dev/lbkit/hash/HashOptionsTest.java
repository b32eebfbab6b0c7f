package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.math.IntMath;
import org.junit.jupiter.api.Test;

class HashOptionsTest {
  @Test
  void tableSizeAcceptsExactlyThePrimes() {
    for (int n = -3; n < 5000; n++) {
      int size = n;
      boolean accepted;
      try {
        HashOptions.builder().tableSize(size).build();
        accepted = true;
      } catch (IllegalArgumentException e) {
        accepted = false;
      }
      assertThat(accepted).as("tableSize %s", n).isEqualTo(n >= 3 && IntMath.isPrime(n));
    }
    assertThat(HashOptions.builder().tableSize(65_537).build().tableSize()).isEqualTo(65_537);
    assertThatThrownBy(() -> HashOptions.builder().tableSize(65_535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableSize: 65535");
  }

  @Test
  void defaults() {
    HashOptions d = HashOptions.ofDefaults();
    assertThat(d.backendKey()).isSameAs(BackendKey.id());
    assertThat(d.hasBoundedLoad()).isFalse();
    assertThat(d.boundedLoad()).isZero();
    assertThat(d.pointsPerWeight()).isEqualTo(160);
    assertThat(d.tableSize()).isEqualTo(65537);
    assertThat(d)
        .hasToString(
            "HashOptions{backendKey=BackendKey.id(), boundedLoad=off, pointsPerWeight=160, tableSize=65537}");
  }

  @Test
  void valueSemantics() {
    HashOptions a =
        HashOptions.builder().boundedLoad(1.25).backendKey(BackendKey.authority()).build();
    HashOptions b = a.toBuilder().build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(HashOptions.ofDefaults());
    assertThat(a.toBuilder().noBoundedLoad().backendKey(BackendKey.id()).build())
        .isEqualTo(HashOptions.ofDefaults());
    assertThat(a.toString()).contains("boundedLoad=1.250", "BackendKey.authority()");
    HashOptions always = a.toBuilder().ketamaWeighting(KetamaWeighting.ALWAYS).build();
    assertThat(always).isNotEqualTo(a);
    assertThat(always.ketamaWeighting()).isEqualTo(KetamaWeighting.ALWAYS);
    assertThat(always.toString()).endsWith(", ketamaWeighting=ALWAYS}");
  }

  @Test
  void badValuesNameTheFieldTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> HashOptions.builder().boundedLoad(0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boundedLoad: 0.9 (expected: 1.0..100.0, e.g. 1.25)");
    assertThatThrownBy(() -> HashOptions.builder().boundedLoad(Double.NaN))
        .hasMessageStartingWith("boundedLoad: NaN");
    assertThatThrownBy(() -> HashOptions.builder().tableSize(65536))
        .hasMessage("tableSize: 65536 (expected: a prime in 3..16777213, e.g. 65537)");
    assertThatThrownBy(() -> HashOptions.builder().pointsPerWeight(0))
        .hasMessage("pointsPerWeight: 0 (expected: 1..10000)");
    assertThatThrownBy(() -> Rings.maglev(100, BackendKey.id()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largestTableSizeIsPrime() {
    assertThat(IntMath.isPrime(HashOptions.MAX_TABLE_SIZE)).isTrue();
    assertThat(HashOptions.builder().tableSize(HashOptions.MAX_TABLE_SIZE).build().tableSize())
        .isEqualTo(16_777_213);
  }
}
