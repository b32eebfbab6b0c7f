package dev.lbkit.cookie.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one scope, derived from each configured secret: the first signs, all verify.
 *
 * <p>Every key is derived, never the secret itself: {@code HMAC-SHA256(secret, label || 0x00 ||
 * context)} (the extract-free form of HKDF's expand step, with a single block), with a distinct
 * label per use. The scope is the context of the token key and of the mask key, so a token is valid
 * in exactly one scope and its key field reads differently in every scope; the backend-id key has
 * no scope, so that one per-snapshot table serves every scope (the mask hides it on the wire).
 */
final class TokenKeys {
  /**
   * Stands in for a secret when none is configured: tokens are then opaque and scope-bound, but
   * anyone who reads this source can forge one.
   */
  static final byte[] PUBLIC_SECRET =
      "lbkit: no secret configured, tokens are not tamper-proof".getBytes(StandardCharsets.UTF_8);

  // v2: the key field is masked (v1 tokens carried it in the clear and are no longer accepted).
  private static final String TOKEN_LABEL = "lbkit session token v2";
  private static final String MASK_LABEL = "lbkit session key mask v1";
  private static final String BACKEND_ID_LABEL = "lbkit backend id v1";

  final String scope;

  /** SipHash-2-4 keys per secret, as two little-endian words each. */
  final long[] k0;

  final long[] k1;

  /** SipHash-2-4 keys per secret that mask the key field, as two little-endian words each. */
  final long[] mask0;

  final long[] mask1;

  /** HMAC-SHA256 keys per secret. */
  final byte[][] hmacKeys;

  private final ThreadLocal<HmacState> hmac;

  TokenKeys(List<byte[]> secrets, String scope) {
    this.scope = scope;
    int n = secrets.size();
    this.k0 = new long[n];
    this.k1 = new long[n];
    this.mask0 = new long[n];
    this.mask1 = new long[n];
    this.hmacKeys = new byte[n][];
    for (int i = 0; i < n; i++) {
      byte[] key = derive(secrets.get(i), TOKEN_LABEL, scope);
      k0[i] = SipHash.littleEndian(key, 0, 8);
      k1[i] = SipHash.littleEndian(key, 8, 8);
      hmacKeys[i] = key;
      byte[] mask = derive(secrets.get(i), MASK_LABEL, scope);
      mask0[i] = SipHash.littleEndian(mask, 0, 8);
      mask1[i] = SipHash.littleEndian(mask, 8, 8);
    }
    byte[][] keys = hmacKeys;
    this.hmac = ThreadLocal.withInitial(() -> new HmacState(keys));
  }

  int secretCount() {
    return k0.length;
  }

  /**
   * What the key field is XORed with on the wire, for a token signed with {@code secret}: a PRF of
   * the token's times and nonce, so that two tokens for one backend (persistent) or one session key
   * (balanced) look unrelated, in one scope and across scopes.
   */
  long mask(int secret, long payload, long tail) {
    return SipHash.hash16(mask0[secret], mask1[secret], payload, tail);
  }

  /** This thread's HMAC-SHA256 instances, one per secret, and a scratch buffer. */
  HmacState hmac() {
    return hmac.get();
  }

  /** The SipHash keys that hash backend ids, per secret: two words per secret. */
  static long[] backendIdKeys(List<byte[]> secrets) {
    long[] keys = new long[secrets.size() * 2];
    for (int i = 0; i < secrets.size(); i++) {
      byte[] key = derive(secrets.get(i), BACKEND_ID_LABEL, "");
      keys[2 * i] = SipHash.littleEndian(key, 0, 8);
      keys[2 * i + 1] = SipHash.littleEndian(key, 8, 8);
    }
    return keys;
  }

  static byte[] derive(byte[] secret, String label, String context) {
    Mac mac = hmacSha256(secret);
    mac.update(label.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(context.getBytes(StandardCharsets.UTF_8));
    return mac.doFinal();
  }

  static Mac hmacSha256(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java SE implementation must provide HmacSHA256.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static String md5Hex(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(32);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      // Every Java SE implementation must provide MD5.
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** Per-thread HMAC state: a Mac per secret, the payload buffer and the MAC's output. */
  static final class HmacState {
    final Mac[] macs;
    final byte[] payload = new byte[TokenCodec.PAYLOAD_BYTES];
    final byte[] mac = new byte[32];

    HmacState(byte[][] keys) {
      macs = new Mac[keys.length];
      for (int i = 0; i < keys.length; i++) {
        macs[i] = hmacSha256(keys[i]);
      }
    }
  }
}
