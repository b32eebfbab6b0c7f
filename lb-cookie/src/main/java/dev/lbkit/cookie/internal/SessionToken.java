package dev.lbkit.cookie.internal;

import dev.lbkit.core.Binding;
import org.jspecify.annotations.Nullable;

/**
 * A decoded, authenticated session: what a {@link dev.lbkit.core.Binding} carries from {@code
 * resolve} to {@code fallback} and {@code responseHeaders}, so that the request is decoded once.
 *
 * <p>A signed token also keeps its bytes as they were on the wire, so that {@link VerifiedTokens}
 * can recognise the same token when it comes back without verifying its tag again.
 */
final class SessionToken {
  /** The token's key: a backend-id hash (persistent) or a random session key (balanced). */
  final long key;

  /** Bytes 8..15 of the token: when it was issued (low half) and last seen (high half). */
  private final long payload;

  /**
   * A uniform hash unique to this token value (the first word of its MAC, or a hash of a legacy
   * value): where a stale session lands on the ring, so that concurrent requests agree.
   */
  final long spread;

  /**
   * The index of the secret that verified the token, or, for a legacy cookie value, {@code -1 -
   * group}: the {@link BackendTable.Builder#cookieNames() cookie name} it was read under.
   */
  final int secretIndex;

  /** The masked key as sent (bytes 0..7); 0 for a legacy value. */
  final long wireKey;

  /** The nonce (bytes 16..18); 0 for a legacy value. */
  final int nonce;

  /** The tag's second word (bytes 8..15 of an HMAC tag), 0 for SipHash and legacy values. */
  final long tagHigh;

  /** The keys of the scope that verified the token; {@code null} for a legacy value. */
  final @Nullable TokenKeys keys;

  /**
   * The last binding made for this token, reused while the token resolves to the same index. Read
   * and written without synchronisation: a {@link Binding} is immutable (its fields are final), so
   * a thread sees either {@code null} or a whole binding for this token, and a binding made twice
   * is only a wasted allocation.
   */
  @Nullable Binding bound;

  private SessionToken(
      long key,
      long payload,
      long spread,
      int secretIndex,
      long wireKey,
      int nonce,
      long tagHigh,
      @Nullable TokenKeys keys) {
    this.key = key;
    this.payload = payload;
    this.spread = spread;
    this.secretIndex = secretIndex;
    this.wireKey = wireKey;
    this.nonce = nonce;
    this.tagHigh = tagHigh;
    this.keys = keys;
  }

  /** A token verified with secret {@code secretIndex} of {@code keys}, as read from the wire. */
  static SessionToken signed(
      TokenKeys keys,
      int secretIndex,
      long key,
      long wireKey,
      long payload,
      int nonce,
      long tag,
      long tagHigh) {
    return new SessionToken(key, payload, tag, secretIndex, wireKey, nonce, tagHigh, keys);
  }

  /** A legacy cookie value read under cookie name {@code group}, seen now: not a signed token. */
  static SessionToken legacy(long now, long spread, int group) {
    long seenNow = (now & 0xffffffffL) | (now << 32);
    return new SessionToken(0, seenNow, spread, -1 - group, 0, 0, 0, null);
  }

  /** When the session started, in epoch seconds. */
  long issued() {
    return payload & 0xffffffffL;
  }

  /** When the session was last seen by a response that re-issued the token, in epoch seconds. */
  long lastSeen() {
    return payload >>> 32;
  }

  /** Whether this is the token whose wire words these are, verified under {@code scopeKeys}. */
  boolean isToken(
      TokenKeys scopeKeys, long wire, long payloadWord, int tail, long tag, long tagSecond) {
    // The tag first: a client that does not hold this token cannot match its 64 bits.
    return spread == tag
        && ((wireKey ^ wire) | (payload ^ payloadWord) | (nonce ^ tail) | (tagHigh ^ tagSecond))
            == 0
        && keys == scopeKeys;
  }

  boolean isLegacy() {
    return secretIndex < 0;
  }

  /**
   * For a legacy value, the index of the cookie name it was read under (0 for the session's own);
   * negative for a signed token.
   */
  int legacyGroup() {
    return -1 - secretIndex;
  }

  @Override
  public String toString() {
    // The key stays out of logs: in balanced mode it is what routes the session.
    return isLegacy()
        ? "SessionToken{legacy}"
        : "SessionToken{issued="
            + issued()
            + ", lastSeen="
            + lastSeen()
            + ", secret#"
            + secretIndex
            + '}';
  }
}
