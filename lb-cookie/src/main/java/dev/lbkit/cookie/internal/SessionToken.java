package dev.lbkit.cookie.internal;

/**
 * A decoded, authenticated session: what a {@link dev.lbkit.core.Binding} carries from {@code
 * resolve} to {@code fallback} and {@code responseHeaders}, so that the request is decoded once.
 */
final class SessionToken {
  /** The token's key: a backend-id hash (persistent) or a random session key (balanced). */
  final long key;

  /** When the session started, in epoch seconds. */
  final long issued;

  /** When the session was last seen by a response that re-issued the token, in epoch seconds. */
  final long lastSeen;

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

  SessionToken(long key, long issued, long lastSeen, long spread, int secretIndex) {
    this.key = key;
    this.issued = issued;
    this.lastSeen = lastSeen;
    this.spread = spread;
    this.secretIndex = secretIndex;
  }

  /** A legacy cookie value read under cookie name {@code group}, seen now: not a signed token. */
  static SessionToken legacy(long now, long spread, int group) {
    return new SessionToken(0, now, now, spread, -1 - group);
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
            + issued
            + ", lastSeen="
            + lastSeen
            + ", secret#"
            + secretIndex
            + '}';
  }
}
