package dev.lbkit.core;

/**
 * Hears every {@link Decision} a {@link LoadBalancer} makes and every {@link Outcome} reported for
 * one: the source of decision counters ({@link DecisionCounters}), request timers and logs of moved
 * sessions. Registered with {@link LoadBalancer.Builder#listener}.
 *
 * <p>Both methods have empty defaults. They run on the request thread, inside {@code pick}, {@code
 * retry} and {@code report}, so they must be quick, thread-safe, and neither block nor allocate
 * much. A listener that throws never breaks the request: the exception is logged (the first at
 * WARN, later ones at DEBUG) and the decision or report goes on. A load balancer without listeners
 * pays nothing for this.
 */
public interface LoadBalancerListener {
  /** The duration passed to {@link #onOutcome} when the caller did not say how long it took. */
  long UNKNOWN_DURATION = -1;

  /**
   * A decision was made: a first pick ({@link Decision#attempt()} 1) or a retry, with or without a
   * backend; {@link Decision#reason()} says why. Behind a {@link TrafficSplit} the decision is the
   * member's own, before the split adds its name to {@link Decision#members()}.
   */
  default void onDecision(Decision decision) {}

  /**
   * The outcome of a decision with a backend was reported, once per decision.
   *
   * @param durationNanos how long the request took, as the caller measured it, or {@link
   *     #UNKNOWN_DURATION}
   */
  default void onOutcome(Decision decision, Outcome outcome, long durationNanos) {}
}
