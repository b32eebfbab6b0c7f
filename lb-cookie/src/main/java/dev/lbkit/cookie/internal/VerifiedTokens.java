package dev.lbkit.cookie.internal;

import org.jspecify.annotations.Nullable;

/**
 * The tokens verified lately, so that a client sending the same cookie again (a page and its
 * assets, a poll, a burst of API calls) is recognised by comparing words instead of running the MAC
 * and the mask again, and gets back the same {@link SessionToken} object instead of a new one.
 * Envoy's JWT filter keeps verified tokens the same way.
 *
 * <p>Direct-mapped by the token's first tag word, which is uniform: {@link #find} costs one array
 * read and a few comparisons. Only a token that was verified goes in, and it is found again only by
 * presenting all of its wire bytes under the same scope's keys, so the cache can neither admit a
 * forgery nor carry a token into another scope. A token is admitted the second time it is verified
 * while its slot still remembers its tag: a client seen once (a crawler, a one-off call) leaves a
 * long in an array behind and no object, so the cache does not fill the old generation with tokens
 * nobody sends again.
 *
 * <p>Lock-free and safe to share: both arrays are read and written without synchronisation. {@link
 * SessionToken}'s fields are final, so a reader sees a whole token or {@code null}; a lost or torn
 * write of {@link #seen} only delays or hastens an admission.
 */
final class VerifiedTokens {
  private static final VerifiedTokens NONE = new VerifiedTokens(0);

  private final @Nullable SessionToken[] tokens;
  private final long[] seen;
  private final int mask;

  private VerifiedTokens(int slots) {
    this.tokens = new SessionToken[slots];
    this.seen = new long[slots];
    this.mask = slots - 1;
  }

  /** A cache of {@code slots} tokens (a power of two), or one that keeps nothing for 0. */
  static VerifiedTokens of(int slots) {
    if (slots == 0) {
      return NONE;
    }
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: 0 or a power of two)");
    }
    return new VerifiedTokens(slots);
  }

  /** The verified token with exactly these wire words under {@code keys}, or {@code null}. */
  @Nullable SessionToken find(
      TokenKeys keys, long wireKey, long payload, int nonce, long tag, long tagHigh) {
    if (mask < 0) {
      return null;
    }
    int slot = (int) tag & mask;
    if (seen[slot] != tag) {
      return null; // decided from the compact array, without reading a token that is not there
    }
    SessionToken token = tokens[slot];
    return token != null && token.isToken(keys, wireKey, payload, nonce, tag, tagHigh)
        ? token
        : null;
  }

  /** Records a token that was just verified: admitted if its slot saw its tag before. */
  void verified(SessionToken token) {
    if (mask < 0) {
      return;
    }
    int slot = (int) token.spread & mask;
    if (seen[slot] == token.spread) {
      tokens[slot] = token;
    } else {
      seen[slot] = token.spread;
    }
  }
}
