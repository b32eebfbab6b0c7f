package dev.lbkit.core;

import java.util.List;

/**
 * Weighted least connections as nginx {@code least_conn}: the eligible backend with the fewest
 * requests in flight relative to its weight ({@code conns / weight}, compared by cross
 * multiplication as nginx does). Ties are broken by smooth weighted round robin among the tied
 * backends, so that with no load at all the picks follow the weights exactly as {@link
 * RoundRobinSelector} does.
 *
 * <p>In-flight counts are read without a lock; two concurrent picks may both see the same minimum,
 * which nginx's per-worker counters allow too.
 */
final class LeastConnSelector implements Selector {
  /**
   * Its own turns, apart from round robin's, as nginx's least_conn keeps its own current weights.
   */
  private static final Precomputation<SmoothWeightedSequence> TIE_TURNS =
      SmoothWeightedSequence::of;

  @Override
  public boolean readsRequest() {
    return false;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(TIE_TURNS);
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
      long weight = pool.weight(i);
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
    // Among the tied backends, the next one in turn. Counts may have moved since the scan; then
    // no backend matches the tie any more and the first minimum found stands.
    int chosen = pool.precomputed(TIE_TURNS).nextTied(pool, eligible, bestConns, bestWeight);
    return chosen == NONE ? best : chosen;
  }

  @Override
  public String toString() {
    return "least_conn";
  }
}
