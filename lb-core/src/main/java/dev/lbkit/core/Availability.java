package dev.lbkit.core;

/** Whether a backend can take a request right now, and if not, why. */
public enum Availability {
  /** {@code UP}, healthy and below its connection limit. */
  AVAILABLE,
  /** {@code DRAINING}: takes requests bound by a session, but no new picks. */
  DRAINING,
  /** {@code DOWN}. */
  DOWN,
  /** Marked failed by passive health ({@code max_fails} within {@code fail_timeout}). */
  FAILED,
  /** At its {@link Backend#maxConnections()} limit. */
  FULL,
  /** No longer in the upstream. */
  GONE
}
