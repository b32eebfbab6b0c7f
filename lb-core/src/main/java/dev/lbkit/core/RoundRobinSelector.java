package dev.lbkit.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx's smooth weighted round robin over a precomputed period (see {@link
 * SmoothWeightedSequence}). A backend that is not eligible when its turn comes is passed over for
 * the next one in the sequence, which is how nginx behaves for a peer that is failed or full.
 */
final class RoundRobinSelector implements Selector {
  /** The sequence of a set, with the cursor that all picks of that set share. */
  static final class State {
    final int[] order;
    final AtomicLong cursor = new AtomicLong();

    State(int[] order) {
      this.order = order;
    }
  }

  private final Precomputation<State> state =
      backends -> new State(SmoothWeightedSequence.of(backends).order);

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(state);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    State s = pool.precomputed(state);
    int[] order = s.order;
    int length = order.length;
    if (length == 0) {
      return NONE;
    }
    long start = s.cursor.getAndIncrement();
    for (int i = 0; i < length; i++) {
      int candidate = order[(int) ((start + i) % length)];
      if (eligible.isEligible(candidate)) {
        return candidate;
      }
    }
    return NONE;
  }

  @Override
  public String toString() {
    return "round_robin";
  }
}
