package dev.lbkit.core;

import java.util.List;

/**
 * Weighted least connections as nginx {@code least_conn}: the eligible backend with the fewest
 * requests in flight relative to its weight ({@code conns / weight}, compared by cross
 * multiplication as nginx does). Ties are broken by smooth weighted round robin among the tied
 * backends, so that with no load at all the picks follow the weights exactly as {@link
 * RoundRobinSelector} does: the next tied backend within {@value SmoothWeightedSequence#SLOT_TRIES}
 * turns, else the first tied backend by index.
 *
 * <p>The minimum comes from a {@link LeastConnTree} that every change of a count keeps up to date,
 * so that a pick is O(1) while the least loaded backend can take it and O(log N) for each better
 * one that cannot (passive health, a connection limit, a retry). Sets of fewer than {@value
 * LeastConnTree#MIN_BACKENDS} backends, where a scan is cheaper than keeping the tree, and sets
 * above {@link LeastConnTree#MAX_BACKENDS} are scanned. In-flight counts are read without a lock;
 * two concurrent picks may both see the same minimum, which nginx's per-worker counters allow too.
 */
final class LeastConnSelector implements Selector {
  /**
   * Its own turns, apart from round robin's, as nginx's least_conn keeps its own current weights.
   */
  private static final Precomputation<SmoothWeightedSequence> TIE_TURNS =
      SmoothWeightedSequence::of;

  /** The tree of the current minimum; the upstream links it to the counts on publishing. */
  static final Precomputation<LeastConnTree> TREE = LeastConnTree::of;

  private final boolean scanOnly;

  LeastConnSelector() {
    this(false);
  }

  /** {@code scanOnly}: without the tree, for tests that compare the two. */
  LeastConnSelector(boolean scanOnly) {
    this.scanOnly = scanOnly;
  }

  @Override
  public boolean readsRequest() {
    return false;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return scanOnly ? List.of(TIE_TURNS) : List.of(TIE_TURNS, TREE);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    if (scanOnly) {
      return scan(pool, eligible);
    }
    LeastConnTree tree = pool.precomputed(TREE);
    if (!tree.isUsable()) {
      return scan(pool, eligible);
    }
    long best = tree.root();
    int index = LeastConnTree.best(best);
    if (index < 0) {
      return NONE; // no UP backend
    }
    if (!eligible.isEligible(index)) {
      best = tree.bestEligible(1, eligible);
      index = LeastConnTree.best(best);
      if (index < 0) {
        return NONE;
      }
    }
    return LeastConnTree.ties(best) <= 1
        ? index
        : nextTied(pool, eligible, index, pool.inFlight(index), pool.weight(index));
  }

  /** The same answer by visiting every backend: O(N). */
  private static int scan(PoolSnapshot pool, Eligibility eligible) {
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
    return ties <= 1 ? best : nextTied(pool, eligible, best, bestConns, bestWeight);
  }

  /**
   * Among the backends tied with {@code first} (the first by index), the next one in turn. Counts
   * may have moved since the minimum was found; then no backend matches the tie any more and {@code
   * first} stands.
   */
  private static int nextTied(
      PoolSnapshot pool, Eligibility eligible, int first, long conns, long weight) {
    int chosen = pool.precomputed(TIE_TURNS).nextTied(pool, eligible, conns, weight);
    return chosen == NONE ? first : chosen;
  }

  @Override
  public String toString() {
    return "least_conn";
  }
}
