package dev.lbkit.core;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * nginx {@code random} and {@code random two least_conn}. A weighted random pick reads a cumulative
 * weight table of the {@code UP} backends, computed once per set, with a binary search. With {@code
 * two}, two distinct candidates are drawn and the one with fewer requests in flight relative to
 * weight wins (the power of two choices).
 *
 * <p>As nginx, a draw that lands on a backend that cannot be picked is drawn again, 20 times at
 * most; then, where nginx falls back to round robin, the table is walked from a random start. On a
 * tie between the two candidates the first one is kept. nginx keeps the second, which is drawn
 * conditioned on being different from the first and so, at equal load, favours the lighter backends
 * (with weights 9:1 and no load the lighter one would get about 9 picks in 10); keeping the first
 * makes an idle pool follow the weights, as the method's documentation promises.
 *
 * <p>Draws come from the picking thread's {@link ThreadLocalRandom}, or from one seeded {@link
 * Random} shared by all threads when a test or a simulation asks for reproducible picks.
 */
final class RandomSelector implements Selector {
  /** As nginx: give up on drawing an eligible backend at random after this many draws. */
  private static final int DRAWS = 20;

  /** The cumulative weights of the {@code UP} backends of a set. */
  static final class Table {
    final int[] indexes;
    final long[] cumulative;
    final long total;

    Table(List<Backend> backends) {
      int up = 0;
      for (Backend b : backends) {
        if (b.state() == BackendState.UP) {
          up++;
        }
      }
      indexes = new int[up];
      cumulative = new long[up];
      long sum = 0;
      int j = 0;
      for (int i = 0; i < backends.size(); i++) {
        Backend b = backends.get(i);
        if (b.state() == BackendState.UP) {
          sum += b.weight();
          indexes[j] = i;
          cumulative[j] = sum;
          j++;
        }
      }
      total = sum;
    }

    /** The backend index owning point {@code x} in {@code [0, total)}. */
    int at(long x) {
      int lo = 0;
      int hi = cumulative.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cumulative[mid] > x) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return indexes[lo];
    }
  }

  private final boolean two;

  /** The seeded generator of reproducible picks, or {@code null} for each thread's own. */
  private final @Nullable Random seeded;

  /** One instance for every random selector: one table per snapshot. */
  private static final Precomputation<Table> TABLE = Table::new;

  RandomSelector(boolean two, @Nullable Random seeded) {
    this.two = two;
    this.seeded = seeded;
  }

  @Override
  public boolean readsRequest() {
    return false;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(TABLE);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    Table t = pool.precomputed(TABLE);
    if (t.total == 0) {
      return NONE;
    }
    // ThreadLocalRandom is a Random: the unseeded path reads one final field more, nothing else.
    Random random = seeded != null ? seeded : ThreadLocalRandom.current();
    int first = draw(t, eligible, random, NONE);
    if (!two || first == NONE) {
      return first;
    }
    int second = draw(t, eligible, random, first);
    if (second == NONE) {
      return first;
    }
    // The second wins only with strictly fewer in flight relative to weight (see above).
    long firstLoad = (long) pool.inFlight(first) * pool.weight(second);
    long secondLoad = (long) pool.inFlight(second) * pool.weight(first);
    return secondLoad < firstLoad ? second : first;
  }

  private static int draw(Table t, Eligibility eligible, Random random, int not) {
    for (int i = 0; i < DRAWS; i++) {
      int candidate = t.at(random.nextLong(t.total));
      if (candidate != not && eligible.isEligible(candidate)) {
        return candidate;
      }
    }
    // Few eligible backends left: walk the table from a random start instead of drawing forever.
    int n = t.indexes.length;
    int start = random.nextInt(n);
    for (int i = 0; i < n; i++) {
      int candidate = t.indexes[(start + i) % n];
      if (candidate != not && eligible.isEligible(candidate)) {
        return candidate;
      }
    }
    return NONE;
  }

  @Override
  public String toString() {
    return two ? "random two least_conn" : "random";
  }
}
