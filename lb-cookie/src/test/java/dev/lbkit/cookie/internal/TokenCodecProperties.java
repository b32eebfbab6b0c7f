package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import dev.lbkit.cookie.SessionPersistence.MacAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class TokenCodecProperties {
  private static final byte[] SECRET = bytes("correct horse battery staple 0123");
  private static final byte[] OTHER_SECRET = bytes("an entirely different secret, 456");
  private static final TokenKeys KEYS = new TokenKeys(List.of(SECRET), "tea");

  @Property(tries = 300)
  void roundTrips(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long issued,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long lastSeen) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, issued, lastSeen);
    assertThat(token)
        .hasSize(algorithm == MacAlgorithm.SIPHASH_2_4 ? 36 : 47)
        .matches("[A-Za-z0-9_-]+");

    SessionToken read = codec.read(KEYS, token, 0, token.length());
    assertThat(read).isNotNull();
    assertThat(read.key).isEqualTo(key);
    assertThat(read.issued()).isEqualTo(issued);
    assertThat(read.lastSeen()).isEqualTo(lastSeen);
    assertThat(read.secretIndex).isZero();
  }

  @Property(tries = 300)
  void layoutIsAsDocumented(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long issued,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long lastSeen,
      @ForAll int nonce)
      throws Exception {
    TokenCodec codec = codec(algorithm);
    byte[] out = new byte[codec.tokenChars()];
    codec.write(KEYS, key, issued, lastSeen, nonce, out, 0);
    byte[] raw = Base64.getUrlDecoder().decode(out);
    java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    java.nio.ByteBuffer maskInput =
        java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    maskInput.putLong(issued | (lastSeen << 32)).putLong(nonce & 0xffffffL);
    long mask =
        Hashing.sipHash24(KEYS.mask0[0], KEYS.mask1[0]).hashBytes(maskInput.array()).asLong();
    assertThat(le.getLong(0)).isEqualTo(key ^ mask);
    assertThat(le.getInt(8) & 0xffffffffL).isEqualTo(issued);
    assertThat(le.getInt(12) & 0xffffffffL).isEqualTo(lastSeen);
    assertThat((raw[16] & 0xff) | (raw[17] & 0xff) << 8 | (raw[18] & 0xff) << 16)
        .isEqualTo(nonce & 0xffffff);
    byte[] payload = java.util.Arrays.copyOf(raw, TokenCodec.PAYLOAD_BYTES);
    if (algorithm == MacAlgorithm.SIPHASH_2_4) {
      assertThat(raw).hasSize(27);
      long expected = Hashing.sipHash24(KEYS.k0[0], KEYS.k1[0]).hashBytes(payload).asLong();
      assertThat(le.getLong(19)).isEqualTo(expected);
    } else {
      assertThat(raw).hasSize(35);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(KEYS.hmacKeys[0], "HmacSHA256"));
      byte[] expected = java.util.Arrays.copyOf(mac.doFinal(payload), 16);
      assertThat(java.util.Arrays.copyOfRange(raw, 19, 35)).isEqualTo(expected);
    }
  }

  /**
   * Issue 18: the key field on the wire is masked per token and per scope, so that tokens of one
   * backend (persistent) cannot be linked, within a scope or across scopes.
   */
  @Property(tries = 300)
  void theKeyFieldOfTwoTokensForOneKeyDiffers(
      @ForAll MacAlgorithm algorithm, @ForAll long key, @ForAll int nonce) {
    TokenCodec codec = codec(algorithm);
    TokenKeys other = new TokenKeys(List.of(SECRET), "another-route");
    byte[] a = new byte[codec.tokenChars()];
    byte[] b = new byte[codec.tokenChars()];
    byte[] c = new byte[codec.tokenChars()];
    codec.write(KEYS, key, 1000, 2000, nonce, a, 0);
    codec.write(KEYS, key, 1000, 2000, nonce + 1, b, 0);
    codec.write(other, key, 1000, 2000, nonce, c, 0);
    long fieldA = keyField(a);
    assertThat(fieldA).isNotEqualTo(keyField(b)).isNotEqualTo(keyField(c)).isNotEqualTo(key);
    assertThat(
            codec.read(
                    other, new String(c, java.nio.charset.StandardCharsets.ISO_8859_1), 0, c.length)
                .key)
        .isEqualTo(key);
  }

  private static long keyField(byte[] token) {
    byte[] raw = Base64.getUrlDecoder().decode(token);
    return java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  @Property(tries = 300)
  void readsATokenInsideALargerString(@ForAll MacAlgorithm algorithm, @ForAll long key) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, 1000, 2000);
    String around = "a=b; name=" + token + "; c=d";
    int from = around.indexOf(token);
    assertThat(codec.read(KEYS, around, from, from + token.length())).isNotNull();
  }

  @Property(tries = 500)
  void noSingleBitFlipIsAccepted(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    TokenCodec codec = codec(algorithm);
    String genuine = write(codec, KEYS, key, 1_700_000_000L, 1_700_000_100L);
    remember(codec, KEYS, genuine);
    byte[] raw = Base64.getUrlDecoder().decode(genuine);
    int index = bit % (raw.length * 8);
    raw[index / 8] ^= (byte) (1 << (index % 8));
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertThat(codec.read(KEYS, forged, 0, forged.length())).isNull();
  }

  /**
   * A character beyond ASCII whose low seven bits spell the genuine one (the decoder looks its
   * value up by those bits) still makes the token invalid, wherever it stands.
   */
  @Property(tries = 300)
  void aCharacterBeyondAsciiIsRefusedEvenWhenItsLowBitsAreGenuine(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @IntRange(min = 0, max = 46) int position,
      @ForAll("aboveAscii") int high) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, 1_700_000_000L, 1_700_000_100L);
    remember(codec, KEYS, token);
    int at = position % token.length();
    char[] chars = token.toCharArray();
    chars[at] = (char) (chars[at] | high);
    String forged = new String(chars);
    assertThat(codec.read(KEYS, forged, 0, forged.length())).isNull();
  }

  @Provide
  Arbitrary<Integer> aboveAscii() {
    return Arbitraries.of(0x80, 0x100, 0x180, 0x4000, 0x8000, 0xff80);
  }

  @Property(tries = 500)
  void noRandomStringIsAccepted(@ForAll MacAlgorithm algorithm, @ForAll("base64url") String value) {
    TokenCodec codec = codec(algorithm);
    assertThat(codec.read(KEYS, value, 0, value.length())).isNull();
  }

  @Property(tries = 300)
  void noTruncationOrExtensionIsAccepted(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @IntRange(min = 1, max = 47) int cut) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, 5, 6);
    remember(codec, KEYS, token);
    String truncated = token.substring(0, Math.max(0, token.length() - cut));
    assertThat(codec.read(KEYS, truncated, 0, truncated.length())).isNull();
    String extended = token + "A";
    assertThat(codec.read(KEYS, extended, 0, extended.length())).isNull();
  }

  @Property(tries = 200)
  void tokensOfAnotherScopeOrSecretAreRefused(@ForAll MacAlgorithm algorithm, @ForAll long key) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, 10, 20);
    remember(codec, KEYS, token);
    TokenKeys otherScope = new TokenKeys(List.of(SECRET), "coffee");
    TokenKeys otherSecret = new TokenKeys(List.of(OTHER_SECRET), "tea");
    assertThat(codec.read(otherScope, token, 0, token.length())).isNull();
    assertThat(codec.read(otherSecret, token, 0, token.length())).isNull();
  }

  @Property(tries = 100)
  void everySecretVerifiesAndTheFirstSigns(@ForAll MacAlgorithm algorithm, @ForAll long key) {
    TokenCodec codec = codec(algorithm);
    TokenKeys old = new TokenKeys(List.of(OTHER_SECRET), "tea");
    TokenKeys rotated = new TokenKeys(List.of(SECRET, OTHER_SECRET), "tea");
    String oldToken = write(codec, old, key, 10, 20);
    SessionToken read = codec.read(rotated, oldToken, 0, oldToken.length());
    assertThat(read).isNotNull();
    assertThat(read.secretIndex).isEqualTo(1);
    String newToken = write(codec, rotated, key, 10, 20);
    assertThat(codec.read(KEYS, newToken, 0, newToken.length())).isNotNull();
  }

  @Property(tries = 100)
  void equalSessionsGiveDifferentTokens(@ForAll long key) {
    TokenCodec codec = codec(MacAlgorithm.SIPHASH_2_4);
    byte[] a = new byte[codec.tokenChars()];
    byte[] b = new byte[codec.tokenChars()];
    codec.write(KEYS, key, 100, 100, 1, a, 0);
    codec.write(KEYS, key, 100, 100, 2, b, 0);
    assertThat(a).isNotEqualTo(b);
  }

  @Example
  void nonCanonicalTrailingBitsAreRefused() {
    TokenCodec codec = codec(MacAlgorithm.HMAC_SHA256);
    String token = write(codec, KEYS, 42, 1, 2);
    remember(codec, KEYS, token);
    // 47 characters carry 282 bits for 280: the last character's two low bits are padding.
    char last = token.charAt(46);
    int value = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last);
    for (int padding = 1; padding <= 3; padding++) {
      char sibling =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
              .charAt(value | padding);
      String variant = token.substring(0, 46) + sibling;
      assertThat(variant).isNotEqualTo(token);
      assertThat(codec.read(KEYS, variant, 0, 47)).isNull();
    }
  }

  @Provide
  Arbitrary<String> base64url() {
    return Arbitraries.strings()
        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        .ofMinLength(34)
        .ofMaxLength(48);
  }

  /**
   * A token read twice is remembered: read again, it is the same object, with the same fields, and
   * no MAC is computed (a codec without a cache allocates a new one every time).
   */
  @Property(tries = 200)
  void aTokenReadTwiceIsRememberedAndReturnedAsItWas(
      @ForAll MacAlgorithm algorithm,
      @ForAll long key,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long issued) {
    TokenCodec codec = codec(algorithm);
    String token = write(codec, KEYS, key, issued, issued);
    SessionToken first = codec.read(KEYS, token, 0, token.length());
    SessionToken second = codec.read(KEYS, token, 0, token.length());
    SessionToken third = codec.read(KEYS, token, 0, token.length());
    assertThat(first).isNotNull().isNotSameAs(second);
    assertThat(third).isSameAs(second);
    assertThat(third.key).isEqualTo(key);
    assertThat(third.issued()).isEqualTo(issued);
    assertThat(third.lastSeen()).isEqualTo(issued);

    TokenCodec uncached = new TokenCodec(algorithm, VerifiedTokens.of(0));
    SessionToken a = uncached.read(KEYS, token, 0, token.length());
    SessionToken b = uncached.read(KEYS, token, 0, token.length());
    SessionToken c = uncached.read(KEYS, token, 0, token.length());
    assertThat(c).isNotNull().isNotSameAs(b).isNotSameAs(a);
  }

  /**
   * Tokens that share a slot of the cache (one slot here) displace each other and are each still
   * read with their own fields; a remembered token never answers for another.
   */
  @Property(tries = 200)
  void tokensSharingASlotKeepTheirOwnFields(
      @ForAll MacAlgorithm algorithm, @ForAll long keyA, @ForAll long keyB) {
    TokenCodec codec = new TokenCodec(algorithm, VerifiedTokens.of(1));
    String a = write(codec, KEYS, keyA, 100, 200);
    String b = write(codec, KEYS, keyB, 300, 400);
    for (int round = 0; round < 3; round++) {
      for (String token : List.of(a, a, b, b, a, b)) {
        SessionToken read = codec.read(KEYS, token, 0, token.length());
        assertThat(read).isNotNull();
        assertThat(read.key).isEqualTo(token.equals(a) ? keyA : keyB);
        assertThat(read.issued()).isEqualTo(token.equals(a) ? 100 : 300);
      }
    }
  }

  static TokenCodec codec(MacAlgorithm algorithm) {
    return new TokenCodec(algorithm, VerifiedTokens.of(64));
  }

  /** Reads a genuine token twice, so that the codec remembers it. */
  private static void remember(TokenCodec codec, TokenKeys keys, String token) {
    assertThat(codec.read(keys, token, 0, token.length())).isNotNull();
    assertThat(codec.read(keys, token, 0, token.length())).isNotNull();
  }

  static String write(TokenCodec codec, TokenKeys keys, long key, long issued, long lastSeen) {
    byte[] out = new byte[codec.tokenChars()];
    int end = codec.write(keys, key, issued, lastSeen, (int) key * 31 + 7, out, 0);
    assertThat(end).isEqualTo(out.length);
    return new String(out, StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
