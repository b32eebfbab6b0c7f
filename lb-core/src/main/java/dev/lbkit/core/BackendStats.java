package dev.lbkit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Beside the counters, a small state machine says where the backend is in that cycle (healthy,
 * out, probing, or out but forgotten by quick recovery), so that each change is seen once: the
 * methods that move it return the {@link HealthChange.Kind} of the change, or {@code null}, and
 * exactly one thread wins each change (compare-and-set). A request that changes nothing reads one
 * more volatile field.
 */
final class BackendStats {
  private static final VarHandle IN_FLIGHT;
  private static final VarHandle FAILS;
  private static final VarHandle HEALTH;

  private static final int HEALTHY = 0;
  private static final int OUT = 1;
  private static final int PROBING = 2;

  /** Was out, then quick recovery forgot its failures: not yet proven healthy. */
  private static final int FORGOTTEN = 3;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      IN_FLIGHT = lookup.findVarHandle(BackendStats.class, "inFlight", int.class);
      FAILS = lookup.findVarHandle(BackendStats.class, "fails", int.class);
      HEALTH = lookup.findVarHandle(BackendStats.class, "health", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int inFlight;
  private volatile int fails;
  private volatile long checkedMillis;
  private volatile long accessedMillis;
  private volatile int health;

  /** The least_conn tree of the current snapshot that follows this count, or null. */
  private volatile @Nullable Watch watch;

  /** A tree and this backend's index in it, published together. */
  private static final class Watch {
    final LeastConnTree tree;
    final int index;

    Watch(LeastConnTree tree, int index) {
      this.tree = tree;
      this.index = index;
    }
  }

  int inFlight() {
    return inFlight;
  }

  void acquire() {
    IN_FLIGHT.getAndAdd(this, 1);
    counted();
  }

  void release() {
    IN_FLIGHT.getAndAdd(this, -1);
    counted();
  }

  private void counted() {
    Watch w = watch;
    if (w != null) {
      w.tree.changed(w.index);
    }
  }

  /**
   * Makes {@code tree} follow this count as backend {@code index}, or stops any tree following it
   * ({@code tree} null). Called when a snapshot is published.
   */
  void watch(@Nullable LeastConnTree tree, int index) {
    Watch current = watch;
    if (tree == null) {
      if (current != null) {
        watch = null;
      }
    } else if (current == null || current.tree != tree || current.index != index) {
      watch = new Watch(tree, index);
    }
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

  /** Whether passive health's state machine is at rest: not out, probing or forgotten. */
  boolean isHealthy() {
    return health == HEALTHY;
  }

  /** When the backend was last failed or let through for a probe (clock millis). */
  long checkedMillis() {
    return checkedMillis;
  }

  /**
   * Called when this backend is picked: a pick after the fail timeout starts a new probe window.
   *
   * @return {@link HealthChange.Kind#PROBING} if this pick is the probe of a backend that was out
   */
  HealthChange.@Nullable Kind onPicked(PassiveHealth health, long nowMillis) {
    if (health.isEnabled() && nowMillis - checkedMillis > health.failTimeoutMillis()) {
      checkedMillis = nowMillis;
      if (this.health == OUT && HEALTH.compareAndSet(this, OUT, PROBING)) {
        return HealthChange.Kind.PROBING;
      }
    }
    return null;
  }

  /**
   * Counts a failure.
   *
   * @return {@link HealthChange.Kind#TAKEN_OUT} when it makes a healthy backend reach {@code
   *     maxFails}, {@link HealthChange.Kind#PROBE_FAILED} when it fails a backend that was let
   *     through again (a probe, or after quick recovery), else {@code null}
   */
  HealthChange.@Nullable Kind onFailure(PassiveHealth health, long nowMillis) {
    if (!health.isEnabled()) {
      return null;
    }
    int failures = (int) FAILS.getAndAdd(this, 1) + 1;
    accessedMillis = nowMillis;
    checkedMillis = nowMillis;
    if (failures < health.maxFails()) {
      return null;
    }
    int state = this.health;
    if (state == OUT || !HEALTH.compareAndSet(this, state, OUT)) {
      return null;
    }
    // Let through again, after fail_timeout or by quick recovery, and failed again.
    return state == HEALTHY ? HealthChange.Kind.TAKEN_OUT : HealthChange.Kind.PROBE_FAILED;
  }

  /**
   * Forgets the failures (quick recovery).
   *
   * @return {@link HealthChange.Kind#FORGOTTEN} if the backend was out or probing
   */
  HealthChange.@Nullable Kind resetFailures() {
    if (fails != 0) {
      fails = 0;
    }
    int state = this.health;
    if ((state == OUT || state == PROBING) && HEALTH.compareAndSet(this, state, FORGOTTEN)) {
      return HealthChange.Kind.FORGOTTEN;
    }
    return null;
  }

  /**
   * Counts a success: one of a request picked after the last failure (a probe) clears the failures,
   * and so does any success of a backend whose failures quick recovery forgot.
   *
   * @return {@link HealthChange.Kind#RECOVERED} if that makes a backend that was out healthy again
   */
  HealthChange.@Nullable Kind onSuccess(PassiveHealth health) {
    if (!health.isEnabled()) {
      return null;
    }
    int state = this.health;
    if (accessedMillis < checkedMillis) {
      if (fails != 0) {
        fails = 0;
      }
    } else if (state != FORGOTTEN) {
      return null;
    }
    if (state != HEALTHY && HEALTH.compareAndSet(this, state, HEALTHY)) {
      return HealthChange.Kind.RECOVERED;
    }
    return null;
  }
}
