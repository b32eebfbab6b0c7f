package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.SessionPersistence.MacAlgorithm;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import org.jspecify.annotations.Nullable;

/**
 * lbkit's session token: 19 bytes of payload and a tag, base64url without padding.
 *
 * <pre>
 *   bytes  0..7   key        little-endian: backend-id hash (persistent) or session key (balanced),
 *                            XORed with a mask keyed by the scope and secret over bytes 8..18
 *   bytes  8..11  issued     little-endian unsigned epoch seconds
 *   bytes 12..15  last seen  little-endian unsigned epoch seconds
 *   bytes 16..18  nonce      random, so that no two tokens are alike
 *   bytes 19..    tag        SipHash-2-4 (8 bytes) or HMAC-SHA256 truncated to 16 bytes, over
 *                            bytes 0..18, keyed by the scope's key for one secret
 * </pre>
 *
 * The tag covers the masked bytes (encrypt-then-MAC): a forged value is refused before any mask is
 * computed. SipHash tokens are 27 bytes, 36 characters; HMAC tokens 35 bytes, 47 characters.
 * Decoding accepts exactly that length, only the canonical encoding (unused trailing bits zero),
 * and only a tag that one of the secrets produces; anything else is {@code null}, never an
 * exception.
 */
final class TokenCodec {
  static final int PAYLOAD_BYTES = 19;
  private static final int NONCE_BYTES = 3;
  private static final int NONCE_MASK = (1 << (8 * NONCE_BYTES)) - 1;

  private final MacAlgorithm algorithm;
  private final int tokenBytes;
  private final int tokenChars;
  private final VerifiedTokens verified;

  TokenCodec(MacAlgorithm algorithm, VerifiedTokens verified) {
    this.algorithm = algorithm;
    this.verified = verified;
    this.tokenBytes = PAYLOAD_BYTES + (algorithm == MacAlgorithm.SIPHASH_2_4 ? 8 : 16);
    this.tokenChars = Base64Url.encodedLength(tokenBytes);
  }

  /** The length of every token, in characters. */
  int tokenChars() {
    return tokenChars;
  }

  /**
   * Writes the token signed with the first secret at {@code offset}; only the low 24 bits of {@code
   * nonce} are used.
   *
   * @return the offset after the token
   */
  int write(
      TokenKeys keys, long key, long issued, long lastSeen, int nonce, byte[] out, int offset) {
    long payload = payloadWord(issued, lastSeen);
    long tail = nonce & NONCE_MASK;
    long wire = key ^ keys.mask(0, payload, tail);
    long tag0;
    long tag1 = 0;
    if (algorithm == MacAlgorithm.SIPHASH_2_4) {
      tag0 = SipHash.hash16Tail(keys.k0[0], keys.k1[0], wire, payload, tail, NONCE_BYTES);
    } else {
      byte[] mac = hmac(keys, 0, wire, payload, tail).mac;
      tag0 = SipHash.littleEndian(mac, 0, 8);
      tag1 = SipHash.littleEndian(mac, 8, 8);
    }
    if (algorithm == MacAlgorithm.SIPHASH_2_4) {
      return writeSipHash(wire, payload, tail, tag0, out, offset);
    }
    // The bytes as five little-endian words: wire, times, nonce + tag, tag, tag.
    long w2 = tail | (tag0 << 24);
    long w3 = (tag0 >>> 40) | (tag1 << 24);
    long w4 = tag1 >>> 40;
    int p = offset;
    int acc = 0;
    int bits = 0;
    for (int j = 0; j < tokenBytes; j++) {
      long word;
      switch (j >>> 3) {
        case 0:
          word = wire;
          break;
        case 1:
          word = payload;
          break;
        case 2:
          word = w2;
          break;
        case 3:
          word = w3;
          break;
        default:
          word = w4;
          break;
      }
      acc = (acc << 8) | (int) ((word >>> ((j & 7) << 3)) & 0xff);
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out[p++] = Base64Url.character((acc >>> bits) & 63);
      }
      acc &= (1 << bits) - 1;
    }
    if (bits > 0) {
      out[p++] = Base64Url.character((acc << (6 - bits)) & 63);
    }
    return p;
  }

  /**
   * The session in {@code s[from, to)} if it is a token this scope issued with any of its secrets,
   * or {@code null}. Allocates nothing unless the token is genuine and not among the {@link
   * VerifiedTokens verified lately}, which are returned as they were without computing any MAC.
   */
  @Nullable SessionToken read(TokenKeys keys, String s, int from, int to) {
    if (to - from != tokenChars) {
      return null;
    }
    return algorithm == MacAlgorithm.SIPHASH_2_4
        ? readSipHash(keys, s, from)
        : readHmac(keys, s, from);
  }

  /**
   * {@link #read} for the 47-character HMAC token, in blocks as {@link #readSipHash}: five of 8
   * characters (bytes 0..29) and one of 7 (42 bits: bytes 30..34 and two bits that a canonical
   * encoding leaves zero).
   */
  private @Nullable SessionToken readHmac(TokenKeys keys, String s, int from) {
    long c0 = block(s, from, 8);
    long c1 = block(s, from + 8, 8);
    long c2 = block(s, from + 16, 8);
    long c3 = block(s, from + 24, 8);
    long c4 = block(s, from + 32, 8);
    long c5 = block(s, from + 40, 7);
    if ((c0 | c1 | c2 | c3 | c4 | c5) < 0) {
      return null; // a character outside the alphabet
    }
    if ((c5 & 3) != 0) {
      return null; // non-canonical: the unused low bits of the last character must be zero
    }
    long b0 = Long.reverseBytes(c0 << 16); // bytes 0..5
    long b6 = Long.reverseBytes(c1 << 16); // bytes 6..11
    long b12 = Long.reverseBytes(c2 << 16); // bytes 12..17
    long b18 = Long.reverseBytes(c3 << 16); // bytes 18..23
    long b24 = Long.reverseBytes(c4 << 16); // bytes 24..29
    long b30 = Long.reverseBytes((c5 >>> 2) << 24); // bytes 30..34
    long key = b0 | (b6 << 48);
    long payload = (b6 >>> 16) | (b12 << 32);
    long w2 = (b12 >>> 32) | (b18 << 16); // bytes 16..23
    long w3 = b24 | (b30 << 48); // bytes 24..31
    long w4 = b30 >>> 16; // bytes 32..34
    long tail = w2 & NONCE_MASK;
    long tag0 = (w2 >>> 24) | (w3 << 40);
    long tag1 = (w3 >>> 24) | (w4 << 40);
    SessionToken known = verified.find(keys, key, payload, (int) tail, tag0, tag1);
    if (known != null) {
      return known;
    }
    int secrets = keys.secretCount();
    for (int i = 0; i < secrets; i++) {
      TokenKeys.HmacState state = hmac(keys, i, key, payload, tail);
      // Both halves compared without an early exit.
      long diff =
          (SipHash.littleEndian(state.mac, 0, 8) ^ tag0)
              | (SipHash.littleEndian(state.mac, 8, 8) ^ tag1);
      if (diff == 0) {
        return session(keys, i, key, payload, tail, tag0, tag1);
      }
    }
    return null;
  }

  /** {@link #write} for the 27-byte SipHash token: the inverse of {@link #readSipHash}. */
  private static int writeSipHash(
      long key, long payload, long tail, long tag, byte[] out, int offset) {
    long w2 = tail | (tag << 24); // bytes 16..23
    int p = offset;
    p = writeBlock(key & LOW_48, 6, out, p);
    p = writeBlock(((key >>> 48) | (payload << 16)) & LOW_48, 6, out, p);
    p = writeBlock(((payload >>> 32) | (w2 << 32)) & LOW_48, 6, out, p);
    p = writeBlock((w2 >>> 16) & LOW_48, 6, out, p);
    return writeBlock(tag >>> 40, 3, out, p);
  }

  private static final long LOW_48 = (1L << 48) - 1;

  /** Writes {@code bytes} (3 or 6) little-endian bytes as {@code bytes * 4 / 3} characters. */
  private static int writeBlock(long littleEndian, int bytes, byte[] out, int p) {
    long bits = Long.reverseBytes(littleEndian) >>> (64 - 8 * bytes); // first byte highest
    int chars = bytes * 4 / 3;
    for (int i = 0; i < chars; i++) {
      out[p + i] = Base64Url.character((int) (bits >>> (6 * (chars - 1 - i))) & 63);
    }
    return p + chars;
  }

  /**
   * {@link #read} for the 36-character SipHash token, in five blocks instead of character by
   * character: four blocks of 8 characters (6 bytes each) and one of 4 (3 bytes), each turned into
   * little-endian bytes with one {@link Long#reverseBytes}. 216 bits carry exactly 27 bytes, so
   * every such string is canonical.
   */
  private @Nullable SessionToken readSipHash(TokenKeys keys, String s, int from) {
    long c0 = block(s, from, 8);
    long c1 = block(s, from + 8, 8);
    long c2 = block(s, from + 16, 8);
    long c3 = block(s, from + 24, 8);
    long c4 = block(s, from + 32, 4);
    if ((c0 | c1 | c2 | c3 | c4) < 0) {
      return null; // a character outside the alphabet
    }
    long b0 = Long.reverseBytes(c0 << 16); // bytes 0..5
    long b6 = Long.reverseBytes(c1 << 16); // bytes 6..11
    long b12 = Long.reverseBytes(c2 << 16); // bytes 12..17
    long b18 = Long.reverseBytes(c3 << 16); // bytes 18..23
    long b24 = Long.reverseBytes(c4 << 40); // bytes 24..26
    long key = b0 | (b6 << 48);
    long payload = (b6 >>> 16) | (b12 << 32);
    long w2 = (b12 >>> 32) | (b18 << 16);
    long tail = w2 & NONCE_MASK;
    long tag = (w2 >>> 24) | (b24 << 40);
    SessionToken known = verified.find(keys, key, payload, (int) tail, tag, 0);
    if (known != null) {
      return known;
    }
    int secrets = keys.secretCount();
    for (int i = 0; i < secrets; i++) {
      if (SipHash.hash16Tail(keys.k0[i], keys.k1[i], key, payload, tail, NONCE_BYTES) == tag) {
        return session(keys, i, key, payload, tail, tag, 0);
      }
    }
    return null;
  }

  /**
   * The 6 bits of each of {@code count} characters, first character highest; negative if any
   * character is outside the alphabet (its -1 sets the sign bit whatever its shift, and a character
   * from 128 on is caught by the OR of all of them), without a branch per character.
   */
  private static long block(String s, int from, int count) {
    long bits = 0;
    int chars = 0;
    for (int i = 0; i < count; i++) {
      char c = s.charAt(from + i);
      chars |= c;
      bits |= (long) Base64Url.valueOfLowBits(c) << (6 * (count - 1 - i));
    }
    return chars < 128 ? bits : -1;
  }

  /**
   * The genuine token's session, its key unmasked with secret {@code secret}'s mask, recorded as
   * verified.
   */
  private SessionToken session(
      TokenKeys keys, int secret, long wireKey, long payload, long tail, long tag, long tagHigh) {
    long plain = wireKey ^ keys.mask(secret, payload, tail);
    SessionToken token =
        SessionToken.signed(keys, secret, plain, wireKey, payload, (int) tail, tag, tagHigh);
    verified.verified(token);
    return token;
  }

  private static long payloadWord(long issued, long lastSeen) {
    return (issued & 0xffffffffL) | (lastSeen << 32);
  }

  /**
   * HMAC-SHA256 of the payload with secret {@code secret}, left in this thread's {@link
   * TokenKeys.HmacState#mac}: read it before the next call on the same thread.
   */
  private static TokenKeys.HmacState hmac(
      TokenKeys keys, int secret, long key, long payload, long tail) {
    TokenKeys.HmacState state = keys.hmac();
    byte[] in = state.payload;
    for (int b = 0; b < 8; b++) {
      in[b] = (byte) (key >>> (b << 3));
      in[8 + b] = (byte) (payload >>> (b << 3));
    }
    for (int b = 0; b < NONCE_BYTES; b++) {
      in[16 + b] = (byte) (tail >>> (b << 3));
    }
    Mac mac = state.macs[secret];
    mac.update(in, 0, PAYLOAD_BYTES);
    try {
      mac.doFinal(state.mac, 0);
    } catch (ShortBufferException e) {
      throw new AssertionError("HmacSHA256 writes 32 bytes", e);
    }
    return state;
  }
}
