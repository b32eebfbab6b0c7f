package dev.lbkit.core;

import java.util.List;

/**
 * Something derived from a backend set once, when the set changes, and held in every {@link
 * PoolSnapshot} of that set: a hash ring, a Maglev table, a weight table, a round-robin sequence.
 *
 * <p>{@link Selector}s and {@link SessionAffinity} implementations declare the precomputations they
 * read; the {@link Upstream} computes each of them whenever it publishes a new snapshot, so that no
 * request ever pays for building one. A request reads the result with {@link
 * PoolSnapshot#precomputed(Precomputation)}.
 *
 * <p>Precomputations are values: two equal ones ({@code equals}) are computed once per snapshot and
 * share the result, so implement {@code equals} and {@code hashCode} over the parameters, or use
 * one instance for a parameterless precomputation. The {@link LoadBalancer} that registered one
 * unregisters it when {@linkplain LoadBalancer#close closed}. The result must not be {@code null},
 * and must be immutable, or safe to use from many threads at once without locks.
 *
 * @param <T> the type of the precomputed value
 */
@FunctionalInterface
public interface Precomputation<T> {
  /**
   * Computes the value for a backend set, in the snapshot's order. Called on the thread that
   * changes the upstream, never on a request thread.
   *
   * @param backends every backend of the new snapshot, including {@code DOWN} and {@code DRAINING}
   *     ones, indexed as in the snapshot
   */
  T compute(List<Backend> backends);
}
