package dev.lbkit.core;

/**
 * The administrative state of a {@link Backend}.
 *
 * <p>Passive health (failures reported by the caller) is tracked separately and only ever makes an
 * {@code UP} or {@code DRAINING} backend temporarily unavailable; it never changes this state.
 */
public enum BackendState {
  /** Takes new picks and keeps its sessions. */
  UP,
  /**
   * Takes no new picks, but requests already bound to it by a session keep reaching it, so that a
   * backend can be retired without breaking the sessions it holds (as NGINX Plus {@code drain}).
   */
  DRAINING,
  /** Takes nothing; sessions bound to it are rebalanced (or refused in strict mode). */
  DOWN
}
