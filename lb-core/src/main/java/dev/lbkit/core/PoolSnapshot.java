package dev.lbkit.core;

import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of an {@link Upstream}'s backends at one version, with everything the selectors
 * and session affinities precomputed for exactly this set.
 *
 * <p>Backends are addressed by index ({@code 0..size()-1}) on the hot path, so that a pick works on
 * arrays and allocates nothing. An index is only meaningful within its snapshot; sessions and
 * routes refer to backends by {@link Backend#id()}.
 *
 * <p>The snapshot's backends are immutable, but their runtime state (requests in flight, passive
 * health) is live: it is shared with later snapshots for as long as the backend stays in the
 * upstream.
 */
public final class PoolSnapshot {
  private final String upstreamName;
  private final long version;
  private final List<Backend> backends;
  private final Backend[] backendArray;
  private final BackendStats[] stats;

  /**
   * Per backend, whether it is {@code UP} with no connection limit: all a first pick needs to know
   * about the {@link Backend} itself, in one flat array, so that picks in a pool of a thousand
   * backends stop missing the cache on a thousand {@code Backend} objects.
   */
  private final boolean[] upUnlimited;

  /** Per backend, its weight: for load-aware picks, without a visit to the {@link Backend}. */
  private final int[] weights;

  /** The total weight of the {@code UP} backends. */
  private final long upWeight;

  /**
   * The upstream's running total of requests in flight, when a selector reads it ({@link
   * Selector#readsInFlightTotal()}); otherwise null, and {@link #inFlightTotal()} adds up.
   */
  private final @Nullable LongAdder inFlightTotal;

  private final Map<String, Integer> indexById;
  private final PrecomputationTable precomputed;
  private final PassiveHealth health;
  private final Clock clock;
  private final Eligibility newPicks = this::isAvailable;

  PoolSnapshot(
      String upstreamName,
      long version,
      List<Backend> backends,
      BackendStats[] stats,
      PrecomputationTable precomputed,
      @Nullable LongAdder inFlightTotal,
      PassiveHealth health,
      Clock clock) {
    this.upstreamName = upstreamName;
    this.version = version;
    this.backends = List.copyOf(backends);
    this.backendArray = this.backends.toArray(new Backend[0]);
    this.stats = stats;
    this.upUnlimited = new boolean[backendArray.length];
    this.weights = new int[backendArray.length];
    Map<String, Integer> ids = new HashMap<>();
    long up = 0;
    for (int i = 0; i < backendArray.length; i++) {
      Backend backend = backendArray[i];
      ids.put(backend.id(), i);
      weights[i] = backend.weight();
      if (backend.state() == BackendState.UP) {
        up += backend.weight();
      }
      upUnlimited[i] =
          backend.state() == BackendState.UP && backend.maxConnections() == Backend.UNLIMITED;
    }
    this.upWeight = up;
    this.inFlightTotal = inFlightTotal;
    this.indexById = Collections.unmodifiableMap(ids);
    this.precomputed = precomputed;
    this.health = health;
    this.clock = clock;
  }

  /** The name of the upstream this snapshot belongs to. */
  public String upstreamName() {
    return upstreamName;
  }

  /** Increases by one with every change of the upstream. */
  public long version() {
    return version;
  }

  /** The number of backends, in every state. */
  public int size() {
    return backendArray.length;
  }

  /** Whether the snapshot has no backend at all. */
  public boolean isEmpty() {
    return backendArray.length == 0;
  }

  /** The backend at {@code index}. */
  public Backend backend(int index) {
    return backendArray[index];
  }

  /** Every backend, in index order. */
  public List<Backend> backends() {
    return backends;
  }

  /**
   * The weight of the backend at {@code index}, {@code backend(index).weight()}, from a flat array:
   * what a load-aware pick over many backends reads instead of each {@link Backend}.
   */
  public int weight(int index) {
    return weights[index];
  }

  /** The index of the backend with this id, or -1 when it is not in this snapshot. */
  public int indexOf(String backendId) {
    Integer index = indexById.get(backendId);
    return index == null ? -1 : index;
  }

  /** The number of requests currently in flight to the backend at {@code index}. */
  public int inFlight(int index) {
    return stats[index].inFlight();
  }

  /**
   * The requests in flight on all of the upstream's backends, in every state (HAProxy's {@code
   * served}): O(1) while a load balancer whose selector {@link Selector#readsInFlightTotal() reads
   * it} is open over the upstream, which then keeps a running total; otherwise the sum over this
   * snapshot's backends, O(N). The running total also counts requests to backends removed since
   * they were picked, until they are reported, as those are still in flight.
   */
  public long inFlightTotal() {
    LongAdder total = inFlightTotal;
    if (total != null) {
      return total.sum();
    }
    long sum = 0;
    for (BackendStats s : stats) {
      sum += s.inFlight();
    }
    return sum;
  }

  /** The total weight of the backends in state {@code UP}, computed once per snapshot. */
  public long upWeight() {
    return upWeight;
  }

  /** Counts a request picked from this snapshot into the running total, if it keeps one. */
  void countAcquired() {
    LongAdder total = inFlightTotal;
    if (total != null) {
      total.increment();
    }
  }

  /** Counts the end of a request picked from this snapshot. */
  void countReleased() {
    LongAdder total = inFlightTotal;
    if (total != null) {
      total.decrement();
    }
  }

  /**
   * The passive-health failures counted for the backend at {@code index} (nginx's {@code fails}): 0
   * once a request succeeded after a probe, or when passive health is off.
   */
  public int failures(int index) {
    return stats[index].fails();
  }

  /**
   * The value computed for this backend set by {@code precomputation}.
   *
   * <p>Found in O(1): by the instance's identity when it was registered, else by value.
   *
   * @throws IllegalStateException if neither it nor an equal precomputation is registered with the
   *     upstream (a selector or affinity that forgot to declare it, or a closed load balancer)
   */
  @SuppressWarnings("unchecked")
  public <T> T precomputed(Precomputation<T> precomputation) {
    Object value = precomputed.find(precomputation);
    if (value == null) {
      throw new IllegalStateException(
          "precomputation "
              + precomputation
              + " is not registered with upstream "
              + upstreamName
              + " (declare it in precomputations(), and do not use a closed load balancer)");
    }
    return (T) value;
  }

  /**
   * Links the backends' counts to this snapshot's least_conn tree, if a least_conn selector
   * registered one, or unlinks them. Called by the upstream as it publishes this snapshot.
   */
  void linkLeastConnTree() {
    Object tree = precomputed.find(LeastConnSelector.TREE);
    if (tree instanceof LeastConnTree && ((LeastConnTree) tree).isUsable()) {
      ((LeastConnTree) tree).link(this);
    } else {
      for (BackendStats s : stats) {
        s.watch(null, -1);
      }
    }
  }

  /** What this snapshot precomputed: the next snapshot of the same backends reuses it. */
  PrecomputationTable precomputations() {
    return precomputed;
  }

  /**
   * Whether the backend may take a new pick: {@code UP}, not failed by passive health, below its
   * connection limit.
   */
  public boolean isAvailable(int index) {
    if (upUnlimited[index]) {
      return !isFailed(index);
    }
    return backendArray[index].state() == BackendState.UP && isHealthyAndNotFull(index);
  }

  /**
   * Whether the backend may take a request bound to it by a session: as {@link #isAvailable}, but
   * {@code DRAINING} backends count too.
   */
  public boolean isAvailableForSession(int index) {
    return backendArray[index].state() != BackendState.DOWN && isHealthyAndNotFull(index);
  }

  /** Whether the backend can take a request now, and if not, why. */
  public Availability availability(int index) {
    Backend backend = backendArray[index];
    if (backend.state() == BackendState.DOWN) {
      return Availability.DOWN;
    }
    if (isFailed(index)) {
      return Availability.FAILED;
    }
    if (isFull(index)) {
      return Availability.FULL;
    }
    return backend.state() == BackendState.DRAINING
        ? Availability.DRAINING
        : Availability.AVAILABLE;
  }

  /** The eligibility of a first pick: {@link #isAvailable}. Shared, allocation-free. */
  public Eligibility newPicks() {
    return newPicks;
  }

  private boolean isHealthyAndNotFull(int index) {
    return !isFailed(index) && !isFull(index);
  }

  /**
   * Whether passive health keeps the backend out. As nginx, a set of one backend is never marked
   * failed: there would be nothing to fail over to.
   */
  private boolean isFailed(int index) {
    BackendStats s = stats[index];
    return backendArray.length > 1 && s.mayBeFailed(health) && s.isFailed(health, clock.millis());
  }

  /**
   * Whether passive health counts failures for this snapshot (never for a set of one, as nginx).
   */
  boolean tracksFailures() {
    return backendArray.length > 1 && health.isEnabled();
  }

  private boolean isFull(int index) {
    int max = backendArray[index].maxConnections();
    return max != Backend.UNLIMITED && stats[index].inFlight() >= max;
  }

  BackendStats stats(int index) {
    return stats[index];
  }

  PassiveHealth health() {
    return health;
  }

  Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "PoolSnapshot{" + upstreamName + " v" + version + ", " + backends + '}';
  }

  /**
   * Whether this very backend instance (not merely an equal one, nor one with the same id) is part
   * of this snapshot. A decision's backend always is; tests use this to prove it.
   */
  boolean contains(@Nullable Backend backend) {
    if (backend == null) {
      return false;
    }
    int index = indexOf(backend.id());
    return index >= 0 && backendArray[index] == backend;
  }
}
