package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Passive health checking as nginx {@code max_fails} and {@code fail_timeout}: a backend that fails
 * {@code maxFails} times, each failure within {@code failTimeout} of the previous one, is left out
 * of picks for {@code failTimeout}. After that, one request is let through; a success clears the
 * failures, another failure keeps the backend out for another {@code failTimeout}.
 *
 * <p>Failures are whatever the caller reports as {@link Outcome#FAILURE}.
 */
public final class PassiveHealth {
  private static final PassiveHealth DEFAULTS = new PassiveHealth(1, Duration.ofSeconds(10));
  private static final PassiveHealth DISABLED = new PassiveHealth(0, Duration.ofSeconds(10));

  private final int maxFails;
  private final Duration failTimeout;
  private final long failTimeoutMillis;

  private PassiveHealth(int maxFails, Duration failTimeout) {
    this.maxFails = maxFails;
    this.failTimeout = failTimeout;
    this.failTimeoutMillis = failTimeout.toMillis();
  }

  /** nginx's defaults: {@code max_fails=1 fail_timeout=10s}. */
  public static PassiveHealth defaults() {
    return DEFAULTS;
  }

  /** Never marks a backend failed ({@code max_fails=0}). */
  public static PassiveHealth disabled() {
    return DISABLED;
  }

  /**
   * Returns a policy with the given limits.
   *
   * @param maxFails failures that make a backend unavailable; 0 turns passive health off
   * @param failTimeout the window in which failures count, and how long the backend then stays out
   */
  public static PassiveHealth of(int maxFails, Duration failTimeout) {
    Objects.requireNonNull(failTimeout, "failTimeout");
    checkArgument(
        maxFails >= 0, "maxFails: %s (expected: >= 0, 0 turns passive health off)", maxFails);
    checkArgument(
        !failTimeout.isNegative() && !failTimeout.isZero(),
        "failTimeout: %s (expected: > 0)",
        failTimeout);
    return new PassiveHealth(maxFails, failTimeout);
  }

  /** Failures that make a backend unavailable, or 0 when passive health is off. */
  public int maxFails() {
    return maxFails;
  }

  /** The window in which failures count, and how long a failed backend stays out. */
  public Duration failTimeout() {
    return failTimeout;
  }

  long failTimeoutMillis() {
    return failTimeoutMillis;
  }

  boolean isEnabled() {
    return maxFails > 0;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PassiveHealth
        && ((PassiveHealth) o).maxFails == maxFails
        && ((PassiveHealth) o).failTimeout.equals(failTimeout);
  }

  @Override
  public int hashCode() {
    return 31 * maxFails + failTimeout.hashCode();
  }

  @Override
  public String toString() {
    return "PassiveHealth{maxFails=" + maxFails + ", failTimeout=" + failTimeout + '}';
  }
}
