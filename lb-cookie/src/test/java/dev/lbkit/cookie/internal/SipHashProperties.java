package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SipHashProperties {
  @Property(tries = 500)
  void agreesWithGuava(@ForAll long k0, @ForAll long k1, @ForAll @Size(max = 80) byte[] message) {
    long guava = Hashing.sipHash24(k0, k1).hashBytes(message).asLong();
    assertThat(SipHash.hash(k0, k1, message, 0, message.length)).isEqualTo(guava);
  }

  @Property(tries = 300)
  void sixteenByteFormAgreesWithGuava(
      @ForAll long k0, @ForAll long k1, @ForAll long m0, @ForAll long m1) {
    byte[] message = new byte[16];
    for (int i = 0; i < 8; i++) {
      message[i] = (byte) (m0 >>> (8 * i));
      message[8 + i] = (byte) (m1 >>> (8 * i));
    }
    long guava = Hashing.sipHash24(k0, k1).hashBytes(message).asLong();
    assertThat(SipHash.hash16(k0, k1, m0, m1)).isEqualTo(guava);
  }

  @Property(tries = 300)
  void sixteenBytesAndATailAgreeWithGuava(
      @ForAll long k0,
      @ForAll long k1,
      @ForAll long m0,
      @ForAll long m1,
      @ForAll long tail,
      @ForAll @IntRange(min = 0, max = 7) int tailLength) {
    byte[] message = new byte[16 + tailLength];
    for (int i = 0; i < 8; i++) {
      message[i] = (byte) (m0 >>> (8 * i));
      message[8 + i] = (byte) (m1 >>> (8 * i));
    }
    for (int i = 0; i < tailLength; i++) {
      message[16 + i] = (byte) (tail >>> (8 * i));
    }
    long guava = Hashing.sipHash24(k0, k1).hashBytes(message).asLong();
    assertThat(SipHash.hash16Tail(k0, k1, m0, m1, tail, tailLength)).isEqualTo(guava);
  }
}
