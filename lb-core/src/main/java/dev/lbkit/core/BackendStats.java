package dev.lbkit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutable, lock-free runtime state of one backend: requests in flight and passive-health
 * failures. One instance lives for as long as the backend's id stays in its {@link Upstream}, so
 * that counts survive changes of the backend set; every snapshot refers to it.
 *
 * <p>Passive health follows nginx's {@code ngx_http_upstream_round_robin.c}: {@code fails} counts
 * failures, {@code checked} is when the backend was last failed or let through for a probe, and
 * {@code accessed} is when it last failed. A backend with {@code fails >= maxFails} is out while
 * {@code now - checked <= failTimeout}. Races between threads can at worst let one extra probe
 * through, which nginx's shared-memory zones allow too.
 */
final class BackendStats {
  private static final VarHandle IN_FLIGHT;
  private static final VarHandle FAILS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      IN_FLIGHT = lookup.findVarHandle(BackendStats.class, "inFlight", int.class);
      FAILS = lookup.findVarHandle(BackendStats.class, "fails", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int inFlight;
  private volatile int fails;
  private volatile long checkedMillis;
  private volatile long accessedMillis;

  int inFlight() {
    return inFlight;
  }

  void acquire() {
    IN_FLIGHT.getAndAdd(this, 1);
  }

  void release() {
    IN_FLIGHT.getAndAdd(this, -1);
  }

  int fails() {
    return fails;
  }

  /**
   * Whether passive health keeps this backend out now. Reads the clock only when the backend has
   * reached its failure limit, so healthy backends cost one volatile read.
   */
  boolean isFailed(PassiveHealth health, long nowMillis) {
    return health.isEnabled()
        && fails >= health.maxFails()
        && nowMillis - checkedMillis <= health.failTimeoutMillis();
  }

  /** Whether {@link #isFailed} can be true at all; lets callers skip reading the clock. */
  boolean mayBeFailed(PassiveHealth health) {
    return health.isEnabled() && fails >= health.maxFails();
  }

  /** Called when this backend is picked: a pick after the fail timeout starts a new probe window. */
  void onPicked(PassiveHealth health, long nowMillis) {
    if (health.isEnabled() && nowMillis - checkedMillis > health.failTimeoutMillis()) {
      checkedMillis = nowMillis;
    }
  }

  void onFailure(PassiveHealth health, long nowMillis) {
    if (!health.isEnabled()) {
      return;
    }
    FAILS.getAndAdd(this, 1);
    accessedMillis = nowMillis;
    checkedMillis = nowMillis;
  }

  void resetFailures() {
    if (fails != 0) {
      fails = 0;
    }
  }

  void onSuccess(PassiveHealth health) {
    if (health.isEnabled() && accessedMillis < checkedMillis) {
      fails = 0;
    }
  }
}
