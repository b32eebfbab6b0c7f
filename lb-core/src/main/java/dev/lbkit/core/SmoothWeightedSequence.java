package dev.lbkit.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * nginx's smooth weighted round robin over the {@code UP} backends of one set, built once per set
 * and shared by every pick of that set without a lock.
 *
 * <p>nginx keeps a current weight per peer: each pick adds every peer's weight to its current
 * weight, takes the peer with the largest current weight (the first on ties) and subtracts the
 * total from it. With fixed weights the picks repeat with a period of the sum of the weights
 * divided by their greatest common divisor. Two ways to replay that without a lock:
 *
 * <ul>
 *   <li><b>Sequence</b> (period up to {@link #MAX_PERIOD}): the period is computed here and a pick
 *       is an array read at a shared cursor: O(1).
 *   <li><b>Live</b> (longer periods, which need a hundred or more large, co-prime weights: up to
 *       1000 backends of weight 10000 would otherwise take tens of megabytes): after {@code t}
 *       picks, peer {@code i}'s current weight is exactly {@code t * w[i] - total * picks[i]}, so a
 *       pick reads one shared tick and the per-peer pick counts, takes the argmax, and counts
 *       itself: O(n) reads and two atomic increments, as nginx's own loop is O(n). Long
 *       multiplication wraps, but the difference is small, so two's-complement arithmetic keeps it
 *       exact for as long as the counters do not overflow (2<sup>63</sup> picks). Single-threaded
 *       it gives exactly the sequence; concurrent picks may read each other's counts late, and the
 *       counts then correct the drift on the following picks, as nginx's per-worker state does
 *       across its workers.
 * </ul>
 *
 * <p>A backend that cannot take a pick when its turn comes does not keep its turn: in sequence mode
 * its slot is consumed and the next slot is tried, so that the remaining backends keep their
 * relative weights (nginx leaves a failed peer out of the loop, which has the same effect). In live
 * mode a passed-over peer is charged a turn once its credit exceeds one round, so that it does not
 * come back from a failure with a burst of saved-up picks.
 */
final class SmoothWeightedSequence {
  /** The longest period that is precomputed: 4 MiB of {@code int}s. */
  static final int MAX_PERIOD = 1 << 20;

  /**
   * Slots a sequence pick consumes before it falls back to scanning the backends. A smooth sequence
   * holds every backend whose share is above 1/16 within any 16 consecutive slots.
   */
  static final int SLOT_TRIES = 16;

  private static final int[] EMPTY = new int[0];

  /** Indexes of the {@code UP} backends, in snapshot order. */
  final int[] members;

  /** The weights of {@link #members}, divided by their greatest common divisor. */
  private final long[] weights;

  /** The sum of {@link #weights}: the period. */
  private final long total;

  /** Backend indexes in pick order for one period, or {@code null} in live mode. */
  final int @Nullable [] order;

  /** Sequence mode: slots consumed so far. Live mode: picks made so far. */
  private final AtomicLong cursor = new AtomicLong();

  /** Live mode: picks (and charged turns) per member. */
  private final @Nullable AtomicLongArray picks;

  private SmoothWeightedSequence(int[] members, long[] weights, long total, int maxPeriod) {
    this.members = members;
    this.weights = weights;
    this.total = total;
    if (total <= maxPeriod) {
      this.order = period(members, weights, total);
      this.picks = null;
    } else {
      this.order = null;
      this.picks = new AtomicLongArray(members.length);
    }
  }

  static SmoothWeightedSequence of(List<Backend> backends) {
    return of(backends, MAX_PERIOD);
  }

  /** As {@link #of(List)} with another limit, so that tests can compare both modes. */
  static SmoothWeightedSequence of(List<Backend> backends, int maxPeriod) {
    int n = backends.size();
    int up = 0;
    int gcd = 0;
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(i);
      if (b.state() == BackendState.UP) {
        up++;
        gcd = gcd(gcd, b.weight());
      }
    }
    if (up == 0) {
      return new SmoothWeightedSequence(EMPTY, new long[0], 0, maxPeriod);
    }
    int[] members = new int[up];
    long[] weights = new long[up];
    long total = 0;
    int j = 0;
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(i);
      if (b.state() == BackendState.UP) {
        members[j] = i;
        weights[j] = b.weight() / gcd;
        total += weights[j];
        j++;
      }
    }
    return new SmoothWeightedSequence(members, weights, total, maxPeriod);
  }

  /**
   * nginx's loop, run for one period: O(period x members). With equal weights (all 1 once divided
   * by their greatest common divisor) the loop takes the members in order, so that order is written
   * directly: a set of 10,000 equal backends would otherwise cost 10<sup>8</sup> steps.
   */
  private static int[] period(int[] members, long[] weights, long total) {
    if (total == members.length) {
      return members.clone();
    }
    int[] order = new int[(int) total];
    long[] current = new long[members.length];
    for (int pick = 0; pick < order.length; pick++) {
      int best = -1;
      for (int i = 0; i < members.length; i++) {
        current[i] += weights[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      order[pick] = members[best];
    }
    return order;
  }

  /** Whether picks replay a precomputed period (rather than computing each turn live). */
  boolean isPrecomputed() {
    return order != null;
  }

  /** The next eligible backend in turn, or {@link Selector#NONE}. */
  int next(PoolSnapshot pool, Eligibility eligible) {
    return next(pool, eligible, -1, 0);
  }

  /**
   * The next backend in turn that is eligible and has exactly {@code conns / weight} requests in
   * flight relative to its weight (the least-connections tie), or {@link Selector#NONE} if none is
   * within the next {@value #SLOT_TRIES} turns (the caller then takes the first tied backend by
   * index, which it already knows, rather than scan for another).
   */
  int nextTied(PoolSnapshot pool, Eligibility eligible, long conns, long weight) {
    return next(pool, eligible, conns, weight);
  }

  private int next(PoolSnapshot pool, Eligibility eligible, long tieConns, long tieWeight) {
    if (members.length == 0) {
      return Selector.NONE;
    }
    int[] sequence = order;
    return sequence != null
        ? nextInSequence(sequence, pool, eligible, tieConns, tieWeight)
        : nextLive(pool, eligible, tieConns, tieWeight);
  }

  private int nextInSequence(
      int[] sequence, PoolSnapshot pool, Eligibility eligible, long tieConns, long tieWeight) {
    int length = sequence.length;
    int tries = Math.min(length, SLOT_TRIES);
    long slot = 0;
    for (int i = 0; i < tries; i++) {
      slot = cursor.getAndIncrement();
      int candidate = sequence[(int) Math.floorMod(slot, (long) length)];
      if (accepts(pool, eligible, candidate, tieConns, tieWeight)) {
        return candidate;
      }
    }
    return tieConns >= 0 ? Selector.NONE : scanMembers(slot, pool, eligible, tieConns, tieWeight);
  }

  private int nextLive(PoolSnapshot pool, Eligibility eligible, long tieConns, long tieWeight) {
    AtomicLongArray counts = Objects.requireNonNull(picks); // live mode only
    long tick = cursor.incrementAndGet();
    int best = -1;
    long bestCurrent = 0;
    for (int i = 0; i < members.length; i++) {
      long current = tick * weights[i] - total * counts.get(i);
      if (!accepts(pool, eligible, members[i], tieConns, tieWeight)) {
        if (current > total) {
          counts.getAndIncrement(i);
        }
        continue;
      }
      if (best < 0 || current > bestCurrent) {
        best = i;
        bestCurrent = current;
      }
    }
    if (best < 0) {
      return Selector.NONE;
    }
    counts.getAndIncrement(best);
    return members[best];
  }

  /** The last resort when few backends can be picked: the first acceptable one, rotating. */
  private int scanMembers(
      long from, PoolSnapshot pool, Eligibility eligible, long tieConns, long tieWeight) {
    int n = members.length;
    int start = (int) Math.floorMod(from, (long) n);
    for (int i = 0; i < n; i++) {
      int candidate = members[(start + i) % n];
      if (accepts(pool, eligible, candidate, tieConns, tieWeight)) {
        return candidate;
      }
    }
    return Selector.NONE;
  }

  private static boolean accepts(
      PoolSnapshot pool, Eligibility eligible, int index, long tieConns, long tieWeight) {
    if (!eligible.isEligible(index)) {
      return false;
    }
    return tieConns < 0 || pool.inFlight(index) * tieWeight == tieConns * pool.weight(index);
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public String toString() {
    int[] sequence = order;
    return sequence != null
        ? "SmoothWeightedSequence" + Arrays.toString(sequence)
        : "SmoothWeightedSequence{live, period "
            + total
            + ", members "
            + Arrays.toString(members)
            + '}';
  }
}
