package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.internal.FirstFailureWarning;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named set of backends that can change at runtime, published as immutable {@link PoolSnapshot}s.
 *
 * <p>Readers call {@link #snapshot()}: one volatile read, never blocked. Writers (replace all, add,
 * remove, change state or weight) are serialised among themselves, build the next snapshot with
 * every registered {@link Precomputation} (rings, tables) and publish it with one volatile write.
 * Nothing is computed per request.
 *
 * <pre>{@code
 * Upstream tea = Upstream.builder("tea")
 *     .backends(Backend.of("tea-1", "10.0.0.5", 8080), Backend.of("tea-2", "10.0.0.6", 8080))
 *     .passiveHealth(PassiveHealth.of(3, Duration.ofSeconds(30)))
 *     .build();
 * tea.setState("tea-2", BackendState.DRAINING);
 * }</pre>
 */
public final class Upstream {
  private static final Logger logger = LoggerFactory.getLogger(Upstream.class);
  private static final Listener[] NO_LISTENERS = new Listener[0];

  /** At most one "no backend available" warning per upstream in this many milliseconds. */
  static final long NO_BACKEND_WARNING_INTERVAL_MILLIS = 10_000;

  /** Backends named one by one in a log line about a published set; the rest are counted. */
  private static final int LOGGED_BACKENDS = 10;

  private final String name;
  private final PassiveHealth health;
  private final Clock clock;
  private final Object writeLock = new Object();

  // Guarded by writeLock.
  private final Map<String, BackendStats> statsById = new HashMap<>();

  /** Each distinct precomputation value (by equals), first registered instance as key. */
  private final Map<Precomputation<?>, Registration> byValue = new LinkedHashMap<>();

  /** Every registered instance and how many registrations hold it. */
  private final IdentityHashMap<Precomputation<?>, int[]> byInstance = new IdentityHashMap<>();

  private long version;

  /**
   * Requests in flight picked from snapshots that count them: those published while {@link
   * #totalReaders} is above zero. A decision is reported against its own snapshot, so every count
   * has its matching release whenever the counting starts or stops.
   */
  private final LongAdder inFlightTotal = new LongAdder();

  /** Registrations that read the running total ({@link Selector#readsInFlightTotal()}). */
  private int totalReaders;

  private volatile PoolSnapshot snapshot;

  /** When the next "no backend available" warning may be logged, in clock millis. */
  private final AtomicLong nextNoBackendWarning = new AtomicLong(Long.MIN_VALUE);

  /** Requests that found no backend since the last warning, told in the next one. */
  private final AtomicLong unwarnedNoBackend = new AtomicLong();

  /** Copy-on-write; read on every event, changed under writeLock. Never read by a plain pick. */
  private volatile Listener[] listeners;

  private Upstream(Builder builder) {
    this.name = builder.name;
    this.health = builder.health;
    this.clock = builder.clock;
    this.listeners = Listener.of(builder.listeners);
    synchronized (writeLock) {
      PoolSnapshot first = buildSnapshot(builder.backends);
      first.linkLeastConnTree();
      this.snapshot = first;
      snapshotPublished(null, first);
    }
  }

  /** An upstream with the given backends, nginx's passive-health defaults and the system clock. */
  public static Upstream of(String name, Collection<Backend> backends) {
    return builder(name).backends(backends).build();
  }

  /** An upstream with the given backends, nginx's passive-health defaults and the system clock. */
  public static Upstream of(String name, Backend... backends) {
    return of(name, List.of(backends));
  }

  /** Starts building an upstream. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The upstream's name, used in logs and in session scopes. */
  public String name() {
    return name;
  }

  /** The passive-health policy that applies to every backend of this upstream. */
  public PassiveHealth passiveHealth() {
    return health;
  }

  /**
   * The state of every backend now (state, weight, availability, in-flight, failures, time until
   * probe), for a status page; decision counts come from {@link DecisionCounters#status()}.
   */
  public UpstreamStatus status() {
    return UpstreamStatus.of(snapshot, null);
  }

  /** The current snapshot: one volatile read. */
  public PoolSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Adds a listener that hears every snapshot published and every health change from now on (it is
   * not told about the current snapshot: read {@link #snapshot()}). Adding the same instance twice
   * makes it hear everything twice.
   */
  public void addListener(UpstreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (writeLock) {
      Listener[] current = listeners;
      Listener[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = new Listener(listener);
      listeners = next;
    }
  }

  /**
   * Removes one registration of {@code listener} (compared by identity).
   *
   * @return whether it was registered
   */
  public boolean removeListener(UpstreamListener listener) {
    synchronized (writeLock) {
      Listener[] current = listeners;
      for (int i = 0; i < current.length; i++) {
        if (current[i].listener == listener) {
          Listener[] next = new Listener[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, next.length - i);
          listeners = next.length == 0 ? NO_LISTENERS : next;
          return true;
        }
      }
      return false;
    }
  }

  /** Replaces every backend. Backends whose id stays keep their runtime state. */
  public void replaceAll(Collection<Backend> backends) {
    synchronized (writeLock) {
      publish(List.copyOf(backends));
    }
  }

  /**
   * Adds a backend, or replaces the one with the same id.
   *
   * @return whether a backend with that id was already there
   */
  public boolean add(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    synchronized (writeLock) {
      List<Backend> next = new ArrayList<>(snapshot.backends());
      boolean replaced = false;
      for (int i = 0; i < next.size(); i++) {
        if (next.get(i).id().equals(backend.id())) {
          next.set(i, backend);
          replaced = true;
        }
      }
      if (!replaced) {
        next.add(backend);
      }
      publish(next);
      return replaced;
    }
  }

  /**
   * Removes the backend with this id. Sessions bound to it are rebalanced (or refused in strict
   * mode) from the next request on.
   *
   * @return whether it was there
   */
  public boolean remove(String backendId) {
    synchronized (writeLock) {
      List<Backend> next = new ArrayList<>(snapshot.backends());
      boolean removed = next.removeIf(b -> b.id().equals(backendId));
      if (removed) {
        publish(next);
      }
      return removed;
    }
  }

  /**
   * Changes the backend with this id.
   *
   * @return whether it was there
   */
  public boolean update(String backendId, UnaryOperator<Backend> change) {
    synchronized (writeLock) {
      List<Backend> next = new ArrayList<>(snapshot.backends());
      for (int i = 0; i < next.size(); i++) {
        Backend current = next.get(i);
        if (current.id().equals(backendId)) {
          Backend changed = Objects.requireNonNull(change.apply(current), "changed backend");
          checkArgument(
              changed.id().equals(backendId),
              "id: %s (expected: the id of the updated backend, %s)",
              changed.id(),
              backendId);
          if (changed.equals(current)) {
            return true;
          }
          next.set(i, changed);
          publish(next);
          return true;
        }
      }
      return false;
    }
  }

  /** Sets the state of the backend with this id; returns whether it was there. */
  public boolean setState(String backendId, BackendState state) {
    return update(backendId, b -> b.withState(state));
  }

  /** Sets the weight of the backend with this id; returns whether it was there. */
  public boolean setWeight(String backendId, int weight) {
    return update(backendId, b -> b.withWeight(weight));
  }

  /**
   * Makes every snapshot from now on carry these precomputations, republishing the current set when
   * the registrations changed: only values not computed yet are computed (an equal value registered
   * before is shared). Called by {@link LoadBalancer} for its selector and affinity; each call is
   * undone by one {@link #unregister} of the same list and {@code readsTotal}.
   *
   * @param readsTotal whether the registering selector reads {@link PoolSnapshot#inFlightTotal()}
   */
  void register(Collection<? extends Precomputation<?>> toRegister, boolean readsTotal) {
    synchronized (writeLock) {
      boolean changed = readsTotal && totalReaders++ == 0;
      for (Precomputation<?> p : toRegister) {
        Objects.requireNonNull(p, "precomputation");
        int[] count = byInstance.computeIfAbsent(p, k -> new int[1]);
        if (count[0]++ == 0) {
          changed = true;
          byValue.computeIfAbsent(p, k -> new Registration()).instances++;
        }
      }
      if (changed) {
        setSnapshot(rebuildSnapshot(snapshot));
      }
    }
  }

  /**
   * Undoes one {@link #register} of these precomputations: a value no registered instance holds any
   * more is no longer computed, and snapshots from now on drop it.
   */
  void unregister(Collection<? extends Precomputation<?>> toRemove, boolean readsTotal) {
    synchronized (writeLock) {
      boolean changed = readsTotal && --totalReaders == 0;
      for (Precomputation<?> p : toRemove) {
        int[] count = byInstance.get(p);
        if (count == null) {
          continue;
        }
        if (--count[0] == 0) {
          changed = true;
          byInstance.remove(p);
          Registration value = byValue.get(p);
          if (value != null && --value.instances == 0) {
            byValue.remove(p);
          }
        }
      }
      if (changed) {
        setSnapshot(rebuildSnapshot(snapshot));
      }
    }
  }

  /** Registered instances and distinct values, for tests that count what stays registered. */
  int[] registrations() {
    synchronized (writeLock) {
      return new int[] {byInstance.size(), byValue.size()};
    }
  }

  private void publish(List<Backend> backends) {
    setSnapshot(buildSnapshot(backends));
  }

  /** Publishes {@code next} and tells the listeners; under writeLock. */
  private void setSnapshot(PoolSnapshot next) {
    next.linkLeastConnTree();
    PoolSnapshot previous = snapshot;
    snapshot = next;
    snapshotPublished(previous, next);
  }

  private void snapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
    logPublished(previous, current);
    for (Listener l : listeners) {
      try {
        l.listener.onSnapshotPublished(previous, current);
      } catch (RuntimeException e) {
        l.failures.log(
            logger,
            "upstream listener {} threw on snapshot {}; the snapshot is published all the same",
            l.listener,
            current,
            e);
      }
    }
  }

  /**
   * INFO when the backends changed, as ingress-nginx logs a configuration change: what an operator
   * needs to match a change of behaviour with a change of configuration. A snapshot that only
   * registers precomputations (a load balancer built or closed) is DEBUG.
   */
  private void logPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
    if (previous == null) {
      if (logger.isInfoEnabled()) {
        logger.info(
            "upstream {}: version {} published with {} backends: {}",
            name,
            current.version(),
            current.size(),
            describe(current.backends()));
      }
      return;
    }
    if (previous.backends().equals(current.backends())) {
      logger.debug(
          "upstream {}: version {} published, backends unchanged", name, current.version());
      return;
    }
    if (!logger.isInfoEnabled()) {
      return;
    }
    Map<String, Backend> before = new LinkedHashMap<>();
    for (Backend b : previous.backends()) {
      before.put(b.id(), b);
    }
    List<Backend> added = new ArrayList<>();
    List<Backend> changed = new ArrayList<>();
    for (Backend b : current.backends()) {
      Backend old = before.remove(b.id());
      if (old == null) {
        added.add(b);
      } else if (!old.equals(b)) {
        changed.add(b);
      }
    }
    StringBuilder what = new StringBuilder();
    appendChange(what, "added", added);
    appendChange(what, "removed", new ArrayList<>(before.values()));
    appendChange(what, "changed", changed);
    if (what.length() == 0) {
      what.append("reordered");
    }
    logger.info(
        "upstream {}: version {} published with {} backends; {}",
        name,
        current.version(),
        current.size(),
        what);
  }

  private static void appendChange(StringBuilder out, String label, List<Backend> backends) {
    if (backends.isEmpty()) {
      return;
    }
    if (out.length() > 0) {
      out.append("; ");
    }
    out.append(label).append(' ').append(describe(backends));
  }

  /** The first {@value #LOGGED_BACKENDS} backends, and how many more: a bounded log line. */
  private static String describe(List<Backend> backends) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < backends.size() && i < LOGGED_BACKENDS; i++) {
      Backend b = backends.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(b.id()).append(' ').append(b.authority()).append(' ').append(b.state());
      if (b.weight() != 1) {
        sb.append(" weight ").append(b.weight());
      }
    }
    if (backends.size() > LOGGED_BACKENDS) {
      sb.append(", and ").append(backends.size() - LOGGED_BACKENDS).append(" more");
    }
    return sb.append(']').toString();
  }

  /**
   * Called by the load balancer on the thread that changed the passive health of the backend at
   * {@code index} of {@code pool}. Logs what an operator acts on once per change (taken out at
   * WARN, recovered at INFO, the probes in between at DEBUG), then tells the listeners.
   */
  void healthChanged(PoolSnapshot pool, int index, HealthChange.Kind kind) {
    Backend backend = pool.backend(index);
    int failures = pool.stats(index).fails();
    switch (kind) {
      case TAKEN_OUT:
        logger.warn(
            "upstream {}: backend {} ({}) taken out by passive health after {} failures"
                + " (max_fails {}); a request probes it after {} (fail_timeout)",
            name,
            backend.id(),
            backend.authority(),
            failures,
            health.maxFails(),
            health.failTimeout());
        break;
      case RECOVERED:
        logger.info(
            "upstream {}: backend {} ({}) recovered: a request succeeded after it was taken out",
            name,
            backend.id(),
            backend.authority());
        break;
      default:
        logger.debug(
            "upstream {}: backend {} ({}) {}, {} failures",
            name,
            backend.id(),
            backend.authority(),
            kind,
            failures);
        break;
    }
    Listener[] current = listeners;
    if (current.length == 0) {
      return;
    }
    HealthChange change = new HealthChange(name, backend, kind, failures, clock.millis());
    for (Listener l : current) {
      try {
        l.listener.onHealthChange(change);
      } catch (RuntimeException e) {
        l.failures.log(
            logger,
            "upstream listener {} threw on {}; passive health goes on all the same",
            l.listener,
            change,
            e);
      }
    }
  }

  /**
   * Called by the load balancer when a pick found no backend in {@code pool}: forgets every
   * backend's passive-health failures, as nginx does ("all peers failed, mark them as live for
   * quick recovery"), so that the request that found none is refused and the next ones try the
   * backends again instead of waiting out the fail timeout. Warns at most once every {@value
   * #NO_BACKEND_WARNING_INTERVAL_MILLIS} ms per upstream, with the count of the requests in
   * between: in an outage every request comes here, and the log must not grow with the traffic.
   */
  void noBackendAvailable(PoolSnapshot pool) {
    warnNoBackend(pool);
    for (int i = 0; i < pool.size(); i++) {
      HealthChange.@Nullable Kind kind = pool.stats(i).resetFailures();
      if (kind != null) {
        healthChanged(pool, i, kind);
      }
    }
  }

  private void warnNoBackend(PoolSnapshot pool) {
    long now = clock.millis();
    long next = nextNoBackendWarning.get();
    if (now < next
        || !nextNoBackendWarning.compareAndSet(next, now + NO_BACKEND_WARNING_INTERVAL_MILLIS)) {
      unwarnedNoBackend.incrementAndGet();
      return;
    }
    long since = unwarnedNoBackend.getAndSet(0);
    int[] byAvailability = new int[Availability.values().length];
    for (int i = 0; i < pool.size(); i++) {
      byAvailability[pool.availability(i).ordinal()]++;
    }
    StringBuilder states = new StringBuilder();
    for (Availability a : Availability.values()) {
      if (byAvailability[a.ordinal()] > 0) {
        states
            .append(states.length() == 0 ? ": " : ", ")
            .append(byAvailability[a.ordinal()])
            .append(' ')
            .append(a.name().toLowerCase(Locale.ROOT));
      }
    }
    logger.warn(
        "upstream {}: no backend available for a request ({} backends{}); their passive-health"
            + " failures are forgotten so that the next requests try them again (quick recovery);"
            + " {} more requests found none since the previous warning; the next comes {} ms"
            + " after this one at the earliest",
        name,
        pool.size(),
        states,
        since,
        NO_BACKEND_WARNING_INTERVAL_MILLIS);
  }

  /** The same backends and counters, with the registrations as they are now. */
  private PoolSnapshot rebuildSnapshot(PoolSnapshot previous) {
    return new PoolSnapshot(
        name,
        ++version,
        previous.backends(),
        statsOf(previous.backends()),
        precomputations(previous.backends(), previous.precomputations()),
        countedTotal(),
        health,
        clock);
  }

  /** The running total new snapshots count into, or null while nothing reads it. */
  private @Nullable LongAdder countedTotal() {
    return totalReaders > 0 ? inFlightTotal : null;
  }

  /**
   * The table of every registered value for {@code backends}: a value {@code reuse} holds (computed
   * for the same backends) is taken from it, any other computed now.
   */
  private PrecomputationTable precomputations(
      List<Backend> backends, @Nullable PrecomputationTable reuse) {
    if (byValue.isEmpty()) {
      return PrecomputationTable.EMPTY;
    }
    Precomputation<?>[] canonical = new Precomputation<?>[byValue.size()];
    Object[] values = new Object[canonical.length];
    Map<Precomputation<?>, Integer> slotByValue = new HashMap<>();
    int slot = 0;
    for (Precomputation<?> p : byValue.keySet()) {
      canonical[slot] = p;
      Object value = reuse == null ? null : reuse.find(p);
      values[slot] =
          value != null
              ? value
              : Objects.requireNonNull(p.compute(backends), () -> p + " computed null");
      slotByValue.put(p, slot++);
    }
    List<Precomputation<?>> registered = new ArrayList<>(byInstance.keySet());
    int[] slotOf = new int[registered.size()];
    for (int i = 0; i < slotOf.length; i++) {
      slotOf[i] = Objects.requireNonNull(slotByValue.get(registered.get(i)));
    }
    return new PrecomputationTable(canonical, values, registered, slotOf);
  }

  private BackendStats[] statsOf(List<Backend> backends) {
    BackendStats[] stats = new BackendStats[backends.size()];
    for (int i = 0; i < stats.length; i++) {
      stats[i] = statsById.computeIfAbsent(backends.get(i).id(), id -> new BackendStats());
    }
    return stats;
  }

  /** A registered listener, and the warning of its first failure. */
  private static final class Listener {
    final UpstreamListener listener;
    final FirstFailureWarning failures = new FirstFailureWarning();

    Listener(UpstreamListener listener) {
      this.listener = listener;
    }

    static Listener[] of(List<UpstreamListener> listeners) {
      if (listeners.isEmpty()) {
        return NO_LISTENERS;
      }
      Listener[] all = new Listener[listeners.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = new Listener(listeners.get(i));
      }
      return all;
    }
  }

  /** One distinct precomputation value and how many registered instances hold it. */
  private static final class Registration {
    int instances;
  }

  private PoolSnapshot buildSnapshot(List<Backend> backends) {
    Set<String> ids = new HashSet<>();
    for (Backend b : backends) {
      Objects.requireNonNull(b, "backend");
      checkArgument(
          ids.add(b.id()),
          "backends of upstream %s: duplicate id %s (expected: unique ids)",
          name,
          b.id());
    }
    statsById.keySet().retainAll(ids);
    List<Backend> copy = List.copyOf(backends);
    return new PoolSnapshot(
        name,
        ++version,
        copy,
        statsOf(copy),
        precomputations(copy, null),
        countedTotal(),
        health,
        clock);
  }

  @Override
  public String toString() {
    return "Upstream{" + name + ", " + snapshot.backends() + '}';
  }

  /** Builds an {@link Upstream}. */
  public static final class Builder {
    private final String name;
    private List<Backend> backends = List.of();
    private PassiveHealth health = PassiveHealth.defaults();
    private Clock clock = Clock.systemUTC();
    private final List<UpstreamListener> listeners = new ArrayList<>();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      checkArgument(!name.isBlank(), "name: \"%s\" (expected: a non-blank upstream name)", name);
      this.name = name;
    }

    /** The initial backends (none by default). */
    public Builder backends(Collection<Backend> backends) {
      this.backends = List.copyOf(backends);
      return this;
    }

    /** The initial backends (none by default). */
    public Builder backends(Backend... backends) {
      return backends(List.of(backends));
    }

    /** Passive health for every backend; {@link PassiveHealth#defaults()} unless set. */
    public Builder passiveHealth(PassiveHealth health) {
      this.health = Objects.requireNonNull(health, "passiveHealth");
      return this;
    }

    /** The clock passive health reads; the system clock unless set (tests inject their own). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a listener that hears every snapshot from the first one on and every health change; more
     * can be added later with {@link Upstream#addListener}.
     */
    public Builder listener(UpstreamListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the upstream and its first snapshot.
     *
     * @throws IllegalArgumentException if two backends share an id
     */
    public Upstream build() {
      return new Upstream(this);
    }
  }
}
