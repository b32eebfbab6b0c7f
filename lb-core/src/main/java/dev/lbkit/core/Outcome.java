package dev.lbkit.core;

/** How a request sent to a backend ended, as reported by the caller. */
public enum Outcome {
  /** The backend answered; clears passive-health failures after a probe. */
  SUCCESS,
  /** The backend could not be reached or answered in a way the caller counts as failure. */
  FAILURE,
  /**
   * The request ended without a verdict on the backend (for example the client went away): only the
   * in-flight count is released.
   */
  COMPLETED
}
