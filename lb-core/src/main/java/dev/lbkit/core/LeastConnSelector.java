package dev.lbkit.core;

import java.util.List;

/**
 * Weighted least connections as nginx {@code least_conn}: the eligible backend with the fewest
 * requests in flight relative to its weight ({@code conns / weight}, compared by cross
 * multiplication as nginx does). Ties are broken by smooth weighted round robin, so that with no
 * load at all the picks follow the weights exactly as {@link RoundRobinSelector} does.
 *
 * <p>In-flight counts are read without a lock; two concurrent picks may both see the same minimum,
 * which nginx's per-worker counters allow too.
 */
final class LeastConnSelector implements Selector {
  private final RoundRobinSelector tieBreak = new RoundRobinSelector();

  @Override
  public List<Precomputation<?>> precomputations() {
    return tieBreak.precomputations();
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    int n = pool.size();
    int best = NONE;
    long bestConns = 0;
    long bestWeight = 1;
    int ties = 0;
    for (int i = 0; i < n; i++) {
      if (!eligible.isEligible(i)) {
        continue;
      }
      long conns = pool.inFlight(i);
      long weight = pool.backend(i).weight();
      if (best == NONE || conns * bestWeight < bestConns * weight) {
        best = i;
        bestConns = conns;
        bestWeight = weight;
        ties = 1;
      } else if (conns * bestWeight == bestConns * weight) {
        ties++;
      }
    }
    if (ties <= 1) {
      return best;
    }
    long minConns = bestConns;
    long minWeight = bestWeight;
    // Among the tied backends, the next one in the smooth weighted sequence.
    int chosen =
        tieBreak.select(
            pool,
            request,
            i -> eligible.isEligible(i)
                && pool.inFlight(i) * minWeight == minConns * pool.backend(i).weight());
    return chosen == NONE ? best : chosen;
  }

  @Override
  public String toString() {
    return "least_conn";
  }
}
