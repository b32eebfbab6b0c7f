package dev.lbkit.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A tournament tree over one snapshot's {@code UP} backends that keeps, for every subtree, the
 * backend with the fewest requests in flight relative to its weight and how many are tied with it,
 * so that least_conn finds the minimum in O(1) and each change of a count costs O(log N).
 *
 * <p>The leaves are the backends themselves: a leaf's load is read live from its {@link
 * BackendStats}. Each inner node holds, packed in one {@code long}, the index of its subtree's best
 * backend (the first by index among equals), the number of backends tied with it, and a version.
 * When a count changes ({@link BackendStats} calls {@link #changed}), the nodes from that leaf up
 * are recomputed from their children and written by compare-and-set on the version, so that a write
 * computed from children that another thread changed meanwhile is retried: once the counts stop
 * changing, every node is what a scan would find. The walk up stops at the first node whose value
 * stays the same and whose best is another backend, because nothing above it can change. While
 * counts change concurrently a pick may see a minimum a moment old, which nginx's per-worker
 * counters allow too.
 *
 * <p>The upstream links each backend's {@link BackendStats} to the current snapshot's tree when it
 * publishes the snapshot ({@link #link}), and builds the nodes from the live counts then.
 */
final class LeastConnTree {
  /**
   * Smaller sets are scanned: below this, visiting every backend costs less than keeping the tree
   * (SelectorBenchmark.pickAndReport: a scan 134 ns and the tree 188 ns at 32 backends, 243 and 178
   * ns at 64).
   */
  static final int MIN_BACKENDS = 48;

  /** Larger sets are scanned: the packed index has 20 bits. */
  static final int MAX_BACKENDS = (1 << 20) - 2;

  private static final long FIELD = (1L << 20) - 1;
  private static final int TIES_SHIFT = 20;
  private static final int VERSION_SHIFT = 40;
  private static final long BEST_AND_TIES = (1L << VERSION_SHIFT) - 1;

  /** A subtree without an {@code UP} backend. */
  private static final long NONE = 0;

  private final int size;

  /** The number of leaves: a power of two, at least 2. */
  private final int leaves;

  /** Whether each backend is {@code UP}: the others never take a new pick. */
  private final boolean[] up;

  private final int[] weights;

  /** Inner nodes 1..leaves-1; node {@code k}'s children are {@code 2k} and {@code 2k+1}. */
  private final AtomicLongArray nodes;

  /** Set by {@link #link}: where the live counts are. */
  private volatile BackendStats[] stats = new BackendStats[0];

  private LeastConnTree(List<Backend> backends) {
    this.size = backends.size();
    this.leaves = Math.max(2, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    this.up = new boolean[size];
    this.weights = new int[size];
    for (int i = 0; i < size; i++) {
      up[i] = backends.get(i).state() == BackendState.UP;
      weights[i] = backends.get(i).weight();
    }
    // An unusable tree keeps no nodes: least_conn scans instead.
    this.nodes = new AtomicLongArray(isUsable() ? leaves : 0);
  }

  /** The precomputation; see {@link #isUsable()} for the sets it can index. */
  static LeastConnTree of(List<Backend> backends) {
    return new LeastConnTree(backends);
  }

  /** Whether this set is large enough to gain from a tree, and small enough for one. */
  boolean isUsable() {
    return size >= MIN_BACKENDS && size <= MAX_BACKENDS;
  }

  /**
   * Makes {@code pool}'s counts the ones this tree follows and computes every node from them.
   * Called by the upstream when it publishes {@code pool}, before any pick can read it.
   */
  void link(PoolSnapshot pool) {
    BackendStats[] s = new BackendStats[size];
    for (int i = 0; i < size; i++) {
      s[i] = pool.stats(i);
    }
    this.stats = s;
    for (int i = 0; i < size; i++) {
      s[i].watch(this, i);
    }
    for (int k = leaves - 1; k >= 1; k--) {
      recompute(k, -1);
    }
  }

  /** The root: the whole set's best backend and ties. */
  long root() {
    return nodes.get(1);
  }

  static int best(long node) {
    return (int) (node & FIELD) - 1;
  }

  static int ties(long node) {
    return (int) ((node >>> TIES_SHIFT) & FIELD);
  }

  /** Backend {@code index}'s count changed: recomputes the nodes above it that can change. */
  void changed(int index) {
    int k = (leaves + index) >>> 1;
    while (k >= 1) {
      if (!recompute(k, index)) {
        return;
      }
      k >>>= 1;
    }
  }

  /**
   * Recomputes node {@code k} from its children.
   *
   * @return whether the nodes above may have to change too: its value changed, or its best is
   *     {@code index}, whose load changed
   */
  private boolean recompute(int k, int index) {
    while (true) {
      long old = nodes.get(k);
      long value = combine(child(2 * k), child(2 * k + 1));
      if ((old & BEST_AND_TIES) == value) {
        return best(value) == index;
      }
      long versioned = value | (((old >>> VERSION_SHIFT) + 1) << VERSION_SHIFT);
      if (nodes.compareAndSet(k, old, versioned)) {
        return true;
      }
    }
  }

  /** Node {@code k}'s best and ties: an inner node's stored value, or a leaf's own. */
  private long child(int k) {
    if (k < leaves) {
      return nodes.get(k) & BEST_AND_TIES;
    }
    int index = k - leaves;
    return index < size && up[index] ? pack(index, 1) : NONE;
  }

  /**
   * The better of two subtrees, {@code a} covering the lower indexes: fewer in flight relative to
   * weight, compared by cross multiplication as nginx; on a tie, {@code a}'s best and both ties.
   */
  private long combine(long a, long b) {
    if (a == NONE) {
      return b;
    }
    if (b == NONE) {
      return a;
    }
    int i = best(a);
    int j = best(b);
    BackendStats[] s = stats;
    long cmp = (long) s[i].inFlight() * weights[j] - (long) s[j].inFlight() * weights[i];
    if (cmp < 0) {
      return a;
    }
    if (cmp > 0) {
      return b;
    }
    return pack(i, Math.min(FIELD, (long) ties(a) + ties(b)));
  }

  /**
   * The best eligible backend of the subtree at {@code k} and its ties among the eligible ones
   * seen: the stored best when it is eligible, else the better of its children's, searched alike.
   * O(log N) for each ineligible backend that is better than every eligible one.
   */
  long bestEligible(int k, Eligibility eligible) {
    long value = child(k);
    if (value == NONE) {
      return NONE;
    }
    if (eligible.isEligible(best(value))) {
      return value;
    }
    if (k >= leaves) {
      return NONE;
    }
    return combine(bestEligible(2 * k, eligible), bestEligible(2 * k + 1, eligible));
  }

  private static long pack(int best, long ties) {
    return (best + 1) | (ties << TIES_SHIFT);
  }

  @Override
  public String toString() {
    return "LeastConnTree{" + size + " backends}";
  }
}
