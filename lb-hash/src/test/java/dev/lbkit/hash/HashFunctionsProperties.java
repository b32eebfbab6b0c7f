package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The hand-written key hashes agree with the JDK's: the Ketama hash with {@link MessageDigest}'s
 * MD5 over the UTF-8 bytes, on every path (one block of ASCII read from the characters, several
 * blocks, UTF-8 encoded first), at every length around the block boundaries.
 */
class HashFunctionsProperties {
  static long jdkKetama(String key) throws Exception {
    byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
    return (d[0] & 0xffL) | (d[1] & 0xffL) << 8 | (d[2] & 0xffL) << 16 | (d[3] & 0xffL) << 24;
  }

  static String randomString(Random random, int length, int kind) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (kind) {
        case 0: // printable ASCII
          sb.append((char) (0x20 + random.nextInt(0x5f)));
          break;
        case 1: // any ASCII, control characters and DEL included
          sb.append((char) random.nextInt(0x80));
          break;
        default: // mostly ASCII, some Latin-1, BMP and surrogates (paired or not)
          int r = random.nextInt(10);
          sb.append(
              r < 6
                  ? (char) random.nextInt(0x80)
                  : r < 8 ? (char) (0x80 + random.nextInt(0x780)) : (char) random.nextInt(0x10000));
          break;
      }
    }
    return sb.toString();
  }

  @Property(tries = 300)
  void ketamaHashIsTheFirstFourBytesOfTheJdksMd5(
      @ForAll @IntRange(min = 0, max = 200) int length,
      @ForAll @IntRange(min = 0, max = 2) int kind,
      @ForAll long seed)
      throws Exception {
    String key = randomString(new Random(seed), length, kind);
    assertThat(Rings.ketamaHash(key)).isEqualTo(jdkKetama(key));
    assertThat(Rings.ketamaHash(new StringBuilder(key))).isEqualTo(jdkKetama(key));
  }

  @Property(tries = 20)
  void ketamaHashAtEveryLengthAroundTheBlockBoundaries(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    for (int length = 0; length <= 130; length++) {
      String key = randomString(random, length, length % 3);
      assertThat(Rings.ketamaHash(key)).as("length %s", length).isEqualTo(jdkKetama(key));
    }
  }

  /**
   * The one-block path proves a key ASCII from the same reads that build its words; a single
   * non-ASCII character anywhere in an otherwise ASCII key must still send it through UTF-8.
   */
  @Property(tries = 300)
  void oneNonAsciiCharacterAnywhereInAShortKeyIsEncodedAsUtf8(
      @ForAll @IntRange(min = 1, max = Md5.ONE_BLOCK) int length,
      @ForAll @IntRange(min = 0, max = Md5.ONE_BLOCK - 1) int at,
      @ForAll("nonAscii") char odd,
      @ForAll long seed)
      throws Exception {
    StringBuilder key = new StringBuilder(randomString(new Random(seed), length, 1));
    key.setCharAt(at % length, odd);
    assertThat(Rings.ketamaHash(key.toString())).isEqualTo(jdkKetama(key.toString()));
    assertThat(Rings.ketamaHash(key)).isEqualTo(jdkKetama(key.toString()));
  }

  @Provide
  Arbitrary<Character> nonAscii() {
    return Arbitraries.oneOf(
        Arbitraries.of('\u0080', '\u00ff', '\u0100', '\u0180', '\u07ff', '\u0800', '\uffff'),
        Arbitraries.chars().range('\u0080', '\uffff'));
  }
}
