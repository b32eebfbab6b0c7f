package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.SessionPersistence.MacAlgorithm;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * lbkit's session token: 16 bytes of payload and a tag, base64url without padding.
 *
 * <pre>
 *   bytes  0..7   key        little-endian: backend-id hash (persistent) or session key (balanced)
 *   bytes  8..11  issued     little-endian unsigned epoch seconds
 *   bytes 12..15  last seen  little-endian unsigned epoch seconds
 *   bytes 16..    tag        SipHash-2-4 (8 bytes) or HMAC-SHA256 truncated to 16 bytes, over
 *                            bytes 0..15, keyed by the scope's key for one secret
 * </pre>
 *
 * SipHash tokens are 24 bytes, 32 characters; HMAC tokens 32 bytes, 43 characters. Decoding
 * accepts exactly that length, only the canonical encoding (unused trailing bits zero), and only a
 * tag that one of the secrets produces; anything else is {@code null}, never an exception.
 */
final class TokenCodec {
  private final MacAlgorithm algorithm;
  private final int tokenBytes;
  private final int tokenChars;

  TokenCodec(MacAlgorithm algorithm) {
    this.algorithm = algorithm;
    this.tokenBytes = algorithm == MacAlgorithm.SIPHASH_2_4 ? 24 : 32;
    this.tokenChars = Base64Url.encodedLength(tokenBytes);
  }

  /** The length of every token, in characters. */
  int tokenChars() {
    return tokenChars;
  }

  /**
   * Writes the token signed with the first secret at {@code offset}.
   *
   * @return the offset after the token
   */
  int write(TokenKeys keys, long key, long issued, long lastSeen, byte[] out, int offset) {
    long payload = payloadWord(issued, lastSeen);
    long tag0;
    long tag1 = 0;
    if (algorithm == MacAlgorithm.SIPHASH_2_4) {
      tag0 = SipHash.hash16(keys.k0[0], keys.k1[0], key, payload);
    } else {
      byte[] mac = hmac(keys, 0, key, payload);
      tag0 = SipHash.littleEndian(mac, 0, 8);
      tag1 = SipHash.littleEndian(mac, 8, 8);
    }
    int p = offset;
    int acc = 0;
    int bits = 0;
    for (int j = 0; j < tokenBytes; j++) {
      long word = j < 8 ? key : j < 16 ? payload : j < 24 ? tag0 : tag1;
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
   * or {@code null}. Allocates nothing unless the token is genuine.
   */
  @Nullable SessionToken read(TokenKeys keys, CharSequence s, int from, int to) {
    if (to - from != tokenChars) {
      return null;
    }
    long key = 0;
    long payload = 0;
    long tag0 = 0;
    long tag1 = 0;
    int acc = 0;
    int bits = 0;
    int j = 0;
    for (int i = from; i < to; i++) {
      int v = Base64Url.value(s.charAt(i));
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        long b = (acc >>> bits) & 0xff;
        int shift = (j & 7) << 3;
        switch (j >>> 3) {
          case 0:
            key |= b << shift;
            break;
          case 1:
            payload |= b << shift;
            break;
          case 2:
            tag0 |= b << shift;
            break;
          default:
            tag1 |= b << shift;
            break;
        }
        j++;
        acc &= (1 << bits) - 1;
      }
    }
    if (acc != 0) {
      return null; // non-canonical: the unused low bits of the last character must be zero
    }
    int secrets = keys.secretCount();
    for (int i = 0; i < secrets; i++) {
      boolean valid;
      if (algorithm == MacAlgorithm.SIPHASH_2_4) {
        valid = SipHash.hash16(keys.k0[i], keys.k1[i], key, payload) == tag0;
      } else {
        byte[] mac = hmac(keys, i, key, payload);
        // Both halves compared without an early exit.
        valid = ((SipHash.littleEndian(mac, 0, 8) ^ tag0) | (SipHash.littleEndian(mac, 8, 8) ^ tag1)) == 0;
      }
      if (valid) {
        return new SessionToken(key, payload & 0xffffffffL, payload >>> 32, tag0, i);
      }
    }
    return null;
  }

  private static long payloadWord(long issued, long lastSeen) {
    return (issued & 0xffffffffL) | (lastSeen << 32);
  }

  /** HMAC-SHA256 of the payload; allocates the digest (the JDK's Mac offers no other way). */
  private static byte[] hmac(TokenKeys keys, int secret, long key, long payload) {
    TokenKeys.HmacState state = keys.hmac();
    byte[] in = state.payload;
    for (int b = 0; b < 8; b++) {
      in[b] = (byte) (key >>> (b << 3));
      in[8 + b] = (byte) (payload >>> (b << 3));
    }
    Mac mac = state.macs[secret];
    mac.update(in, 0, 16);
    return mac.doFinal();
  }
}
