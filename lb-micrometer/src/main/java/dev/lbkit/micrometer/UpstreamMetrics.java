package dev.lbkit.micrometer;

import dev.lbkit.core.Availability;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.HealthChange;
import dev.lbkit.core.LoadBalancerListener;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Upstream;
import dev.lbkit.core.UpstreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer meters of one {@link Upstream} and of the load balancers it is registered with.
 *
 * <pre>{@code
 * UpstreamMetrics metrics = UpstreamMetrics.of(upstream);
 * LoadBalancer lb = LoadBalancer.builder(upstream).affinity(sessions).listener(metrics).build();
 * metrics.bindTo(registry);    // before traffic: events before binding are not counted
 * }</pre>
 *
 * <table>
 *   <caption>Meters (Prometheus names in brackets)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #DECISIONS}</td><td>counter</td><td>upstream, backend, reason</td>
 *       <td>decisions made ({@code lbkit_decisions_total}); {@code backend} is {@value #NONE}
 *       for a decision without one; {@code reason} is the {@link Decision.Reason} in lower case
 *       ({@code sticky_hit}, {@code new_session}, {@code balanced}, {@code rebalanced_down},
 *       {@code failover}, {@code no_backend}, ...)</td></tr>
 *   <tr><td>{@value #OUTCOMES}</td><td>counter</td><td>upstream, backend, outcome</td>
 *       <td>outcomes reported ({@code success}, {@code failure}, {@code completed})</td></tr>
 *   <tr><td>{@value #REQUESTS}</td><td>timer</td><td>upstream, backend, outcome</td>
 *       <td>request durations, when the outcome was reported with one ({@code
 *       lbkit_requests_seconds})</td></tr>
 *   <tr><td>{@value #IN_FLIGHT}</td><td>gauge</td><td>upstream, backend</td>
 *       <td>requests in flight to the backend</td></tr>
 *   <tr><td>{@value #AVAILABLE}</td><td>gauge</td><td>upstream, backend</td>
 *       <td>1 if the backend can take a new pick now, else 0</td></tr>
 *   <tr><td>{@value #WEIGHT}</td><td>gauge</td><td>upstream, backend</td>
 *       <td>the backend's configured weight</td></tr>
 *   <tr><td>{@value #FAILURES}</td><td>gauge</td><td>upstream, backend</td>
 *       <td>its passive-health failure count</td></tr>
 *   <tr><td>{@value #HEALTH_CHANGES}</td><td>counter</td><td>upstream, backend, change</td>
 *       <td>passive-health changes ({@code taken_out}, {@code probing}, {@code probe_failed},
 *       {@code forgotten}, {@code recovered})</td></tr>
 *   <tr><td>{@value #BACKENDS}</td><td>gauge</td><td>upstream, availability</td>
 *       <td>backends by {@link Availability} now ({@code available}, {@code draining}, {@code
 *       down}, {@code failed}, {@code full})</td></tr>
 *   <tr><td>{@value #SNAPSHOTS}</td><td>counter</td><td>upstream</td>
 *       <td>snapshots published since binding (backend set or registrations changed)</td></tr>
 * </table>
 *
 * <p>The gauges read the upstream's live counters when the registry is scraped; the counters and
 * the timer are found on the request path with one concurrent-map read and an array index, and
 * allocate nothing once a backend's meter exists. When a backend leaves the upstream, its meters
 * are removed from the registry, so a pool whose members come and go keeps a bounded set of series.
 * One registry per instance: bind a composite registry to feed several.
 */
public final class UpstreamMetrics implements MeterBinder, LoadBalancerListener, UpstreamListener {
  /** Decisions by upstream, backend and reason. */
  public static final String DECISIONS = "lbkit.decisions";

  /** Reported outcomes by upstream, backend and outcome. */
  public static final String OUTCOMES = "lbkit.outcomes";

  /** Request durations by upstream, backend and outcome, when reported. */
  public static final String REQUESTS = "lbkit.requests";

  /** Requests in flight per backend. */
  public static final String IN_FLIGHT = "lbkit.backend.in.flight";

  /** 1 when a backend can take a new pick, else 0. */
  public static final String AVAILABLE = "lbkit.backend.available";

  /** A backend's weight. */
  public static final String WEIGHT = "lbkit.backend.weight";

  /** A backend's passive-health failures. */
  public static final String FAILURES = "lbkit.backend.failures";

  /** Passive-health changes by upstream, backend and change. */
  public static final String HEALTH_CHANGES = "lbkit.health.changes";

  /** Backends of an upstream by availability. */
  public static final String BACKENDS = "lbkit.upstream.backends";

  /** Snapshots published by an upstream. */
  public static final String SNAPSHOTS = "lbkit.upstream.snapshots";

  /** The {@code backend} tag of a decision without a backend. */
  public static final String NONE = "none";

  private static final Decision.Reason[] REASONS = Decision.Reason.values();
  private static final Outcome[] OUTCOME_VALUES = Outcome.values();
  private static final HealthChange.Kind[] CHANGES = HealthChange.Kind.values();
  private static final Availability[] AVAILABILITIES = Availability.values();

  private final Upstream upstream;
  private final Tags upstreamTag;
  private volatile @Nullable MeterRegistry registry;

  /** Per backend id (and {@link #NONE}): its meters, created when first needed. */
  private final ConcurrentHashMap<String, BackendMeters> byBackend = new ConcurrentHashMap<>();

  private final List<Meter> upstreamMeters = new ArrayList<>();
  private volatile @Nullable Counter snapshots;

  private UpstreamMetrics(Upstream upstream) {
    this.upstream = upstream;
    this.upstreamTag = Tags.of("upstream", upstream.name());
  }

  /**
   * Meters for {@code upstream}; listens to it from now on. Register it with its load balancers.
   */
  public static UpstreamMetrics of(Upstream upstream) {
    UpstreamMetrics metrics = new UpstreamMetrics(Objects.requireNonNull(upstream, "upstream"));
    upstream.addListener(metrics);
    return metrics;
  }

  /** The upstream these meters describe. */
  public Upstream upstream() {
    return upstream;
  }

  /**
   * Registers the upstream's gauges and one set of backend gauges per current backend; counters and
   * timers are registered as their first event comes. Binding a second registry replaces the first
   * (whose meters stay registered there, no longer updated).
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    byBackend.clear();
    upstreamMeters.clear();
    for (Availability a : AVAILABILITIES) {
      upstreamMeters.add(
          Gauge.builder(BACKENDS, this, m -> m.countAvailability(a))
              .tags(upstreamTag)
              .tag("availability", lower(a))
              .description("Backends of the upstream by availability")
              .strongReference(true)
              .register(registry));
    }
    snapshots =
        Counter.builder(SNAPSHOTS)
            .tags(upstreamTag)
            .description("Snapshots published by the upstream")
            .register(registry);
    this.registry = registry;
    for (Backend b : upstream.snapshot().backends()) {
      meters(registry, b.id());
    }
  }

  @Override
  public void onDecision(Decision decision) {
    MeterRegistry r = registry;
    PoolSnapshot pool = decision.snapshot();
    if (r == null || !pool.upstreamName().equals(upstream.name())) {
      return;
    }
    Backend backend = decision.backend();
    BackendMeters m = meters(r, backend == null ? NONE : backend.id());
    int reason = decision.reason().ordinal();
    Counter c = m.decisions[reason];
    if (c == null) {
      c =
          Counter.builder(DECISIONS)
              .tags(m.tags)
              .tag("reason", lower(REASONS[reason]))
              .description("Load-balancing decisions by reason")
              .register(r);
      m.decisions[reason] = c;
    }
    c.increment();
  }

  @Override
  public void onOutcome(Decision decision, Outcome outcome, long durationNanos) {
    MeterRegistry r = registry;
    Backend backend = decision.backend();
    if (r == null
        || backend == null
        || !decision.snapshot().upstreamName().equals(upstream.name())) {
      return;
    }
    BackendMeters m = meters(r, backend.id());
    int o = outcome.ordinal();
    Counter c = m.outcomes[o];
    if (c == null) {
      c =
          Counter.builder(OUTCOMES)
              .tags(m.tags)
              .tag("outcome", lower(outcome))
              .description("Outcomes reported for requests sent to the backend")
              .register(r);
      m.outcomes[o] = c;
    }
    c.increment();
    if (durationNanos >= 0) {
      Timer t = m.requests[o];
      if (t == null) {
        t =
            Timer.builder(REQUESTS)
                .tags(m.tags)
                .tag("outcome", lower(outcome))
                .description("Durations of requests sent to the backend, as the caller measured")
                .register(r);
        m.requests[o] = t;
      }
      t.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void onHealthChange(HealthChange change) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    BackendMeters m = meters(r, change.backend().id());
    int k = change.kind().ordinal();
    Counter c = m.changes[k];
    if (c == null) {
      c =
          Counter.builder(HEALTH_CHANGES)
              .tags(m.tags)
              .tag("change", lower(CHANGES[k]))
              .description("Passive-health changes of the backend")
              .register(r);
      m.changes[k] = c;
    }
    c.increment();
  }

  @Override
  public void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    Counter c = snapshots;
    if (c != null) {
      c.increment();
    }
    Set<String> ids = new HashSet<>();
    for (Backend b : current.backends()) {
      ids.add(b.id());
      meters(r, b.id());
    }
    for (Map.Entry<String, BackendMeters> e : byBackend.entrySet()) {
      if (!e.getKey().equals(NONE) && !ids.contains(e.getKey())) {
        byBackend.remove(e.getKey(), e.getValue());
        e.getValue().removeFrom(r);
      }
    }
  }

  private BackendMeters meters(MeterRegistry r, String backendId) {
    BackendMeters m = byBackend.get(backendId);
    if (m == null) {
      m = byBackend.computeIfAbsent(backendId, id -> new BackendMeters(r, id));
    }
    return m;
  }

  private double countAvailability(Availability wanted) {
    PoolSnapshot pool = upstream.snapshot();
    int n = 0;
    for (int i = 0; i < pool.size(); i++) {
      if (pool.availability(i) == wanted) {
        n++;
      }
    }
    return n;
  }

  /** A gauge value of the backend with this id in the current snapshot, NaN once it left. */
  private double read(String backendId, BackendReading reading) {
    PoolSnapshot pool = upstream.snapshot();
    int index = pool.indexOf(backendId);
    return index < 0 ? Double.NaN : reading.read(pool, index);
  }

  private interface BackendReading {
    double read(PoolSnapshot pool, int index);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "UpstreamMetrics{" + upstream.name() + '}';
  }

  /** One backend's meters: gauges registered up front, the rest filled in when first needed. */
  private final class BackendMeters {
    final Tags tags;
    final Counter[] decisions = new Counter[REASONS.length];
    final Counter[] outcomes = new Counter[OUTCOME_VALUES.length];
    final Timer[] requests = new Timer[OUTCOME_VALUES.length];
    final Counter[] changes = new Counter[CHANGES.length];
    final List<Meter> gauges = new ArrayList<>();

    BackendMeters(MeterRegistry r, String id) {
      this.tags = upstreamTag.and("backend", id);
      if (id.equals(NONE)) {
        return;
      }
      gauges.add(
          gauge(
              r,
              IN_FLIGHT,
              "Requests in flight to the backend",
              id,
              (pool, i) -> pool.inFlight(i)));
      gauges.add(
          gauge(
              r,
              AVAILABLE,
              "1 if the backend can take a new pick now, else 0",
              id,
              (pool, i) -> pool.isAvailable(i) ? 1 : 0));
      gauges.add(
          gauge(r, WEIGHT, "The backend's weight", id, (pool, i) -> pool.backend(i).weight()));
      gauges.add(
          gauge(
              r,
              FAILURES,
              "The backend's passive-health failures",
              id,
              (pool, i) -> failures(pool, i)));
    }

    private Gauge gauge(
        MeterRegistry r, String name, String description, String id, BackendReading reading) {
      return Gauge.builder(name, UpstreamMetrics.this, m -> m.read(id, reading))
          .tags(tags)
          .description(description)
          .strongReference(true)
          .register(r);
    }

    void removeFrom(MeterRegistry r) {
      for (Meter g : gauges) {
        r.remove(g);
      }
      removeAll(r, decisions);
      removeAll(r, outcomes);
      removeAll(r, requests);
      removeAll(r, changes);
    }

    private void removeAll(MeterRegistry r, @Nullable Meter[] meters) {
      for (Meter m : meters) {
        if (m != null) {
          r.remove(m);
        }
      }
    }
  }

  private static double failures(PoolSnapshot pool, int index) {
    return pool.failures(index);
  }
}
