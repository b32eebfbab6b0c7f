package dev.lbkit.core;

import java.util.List;

/**
 * nginx's smooth weighted round robin (see {@link SmoothWeightedSequence}): the default method. A
 * backend that cannot take a pick when its turn comes loses that turn, so the others keep their
 * relative weights, as nginx leaves a failed or full peer out of its loop.
 *
 * <p>The sequence and its cursor are precomputed per backend set. The precomputation is shared by
 * every round-robin selector (it is one non-capturing lambda), so load balancers that share an
 * upstream also share its turns and, together, still follow the weights.
 */
final class RoundRobinSelector implements Selector {
  private static final Precomputation<SmoothWeightedSequence> TURNS = SmoothWeightedSequence::of;

  @Override
  public boolean readsRequest() {
    return false;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(TURNS);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    return pool.precomputed(TURNS).next(pool, eligible);
  }

  @Override
  public String toString() {
    return "round_robin";
  }
}
