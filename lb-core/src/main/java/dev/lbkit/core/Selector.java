package dev.lbkit.core;

import java.util.List;
import java.util.Random;

/**
 * Picks a backend from a snapshot for a request: the load-balancing method.
 *
 * <p>This is the SPI a new method implements. A selector is called on every request that no session
 * decides, so {@link #select} must not allocate, block or take a lock; whatever it needs beyond the
 * request (a ring, a weight table, a sequence) it declares in {@link #precomputations()} and reads
 * with {@link PoolSnapshot#precomputed}. The built-in methods are the static factories here; {@code
 * lb-hash} adds the hash-based ones.
 */
public interface Selector {
  /** Returned by {@link #select} when no eligible backend exists. */
  int NONE = -1;

  /**
   * Smooth weighted round robin exactly as nginx: the default. With weights 5, 1, 1 it gives {@code
   * a a b a c a a} and repeats.
   */
  static Selector roundRobin() {
    return new RoundRobinSelector();
  }

  /**
   * Weighted least connections as nginx {@code least_conn}: the fewest requests in flight relative
   * to weight; ties are broken by round robin.
   */
  static Selector leastConn() {
    return new LeastConnSelector();
  }

  /** A weighted random pick, as nginx {@code random}. */
  static Selector random() {
    return new RandomSelector(false, null);
  }

  /**
   * {@link #random()} drawing from a {@link Random} seeded with {@code seed}, for tests and
   * simulations: the same picks, made in the same order, draw the same backends. The draws of
   * concurrent picks interleave in no fixed order and contend on the one generator, so production
   * traffic is better served by {@link #random()}, which draws from each thread's own generator.
   */
  static Selector random(long seed) {
    return new RandomSelector(false, new Random(seed));
  }

  /**
   * Two weighted random candidates, then the one with fewer requests in flight relative to weight:
   * nginx {@code random two least_conn}, the power of two choices (NGINX Gateway Fabric's default).
   */
  static Selector randomTwoLeastConn() {
    return new RandomSelector(true, null);
  }

  /**
   * {@link #randomTwoLeastConn()} drawing from a {@link Random} seeded with {@code seed}:
   * reproducible for tests and simulations, as {@link #random(long)} is.
   */
  static Selector randomTwoLeastConn(long seed) {
    return new RandomSelector(true, new Random(seed));
  }

  /** What this selector reads from each snapshot; the upstream computes them on every change. */
  default List<Precomputation<?>> precomputations() {
    return List.of();
  }

  /**
   * Whether {@link #select} reads the request (a hash key, a header, the client address): true
   * unless a selector says otherwise. Round robin, least_conn and random pick from the snapshot
   * alone and answer false, so that an adapter whose requests cost something to turn into a {@link
   * RequestContext} may pass {@link RequestContext#empty()} instead (see {@link
   * LoadBalancer#readsRequest()}). Answering false for a selector that reads the request makes it
   * see empty requests there.
   */
  default boolean readsRequest() {
    return true;
  }

  /**
   * Whether {@link #select} reads {@link PoolSnapshot#inFlightTotal()}: false unless a selector
   * says otherwise. While a load balancer whose selector answers true is open, its upstream keeps a
   * running total of the requests in flight (one striped counter, updated on every pick and
   * report), so that reading it costs O(1) instead of a visit to every backend.
   */
  default boolean readsInFlightTotal() {
    return false;
  }

  /**
   * Picks an eligible backend.
   *
   * @return the index of the backend in {@code pool}, or {@link #NONE}
   */
  int select(PoolSnapshot pool, RequestContext request, Eligibility eligible);
}
