package dev.lbkit.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts the decisions made over one {@link Upstream} by {@link Decision.Reason}, in total and per
 * backend: sticky hits, new sessions, rebalances and why, refusals, failovers. The counts behind a
 * status page ({@link #status()}) or a metrics binding.
 *
 * <pre>{@code
 * DecisionCounters counters = DecisionCounters.of(upstream);
 * LoadBalancer lb = LoadBalancer.builder(upstream).affinity(sessions).listener(counters).build();
 * ...
 * long hits = counters.count(Decision.Reason.STICKY_HIT);
 * UpstreamStatus status = counters.status();
 * }</pre>
 *
 * <p>Register it with every load balancer of the upstream whose decisions it should count;
 * decisions of another upstream are ignored. Counting is lock-free: a {@link LongAdder} per reason
 * and per backend, found with one concurrent-map read, so a decision allocates nothing once its
 * backend has been seen. The counts of a backend that leaves the upstream are dropped when the next
 * snapshot is published (so that a pool whose members come and go does not grow without bound); the
 * totals keep them.
 */
public final class DecisionCounters implements LoadBalancerListener {
  private static final Decision.Reason[] REASONS = Decision.Reason.values();

  private final Upstream upstream;
  private final LongAdder[] totals = newAdders();
  private final ConcurrentHashMap<String, LongAdder[]> byBackend = new ConcurrentHashMap<>();

  private DecisionCounters(Upstream upstream) {
    this.upstream = upstream;
  }

  /**
   * Counters for the decisions over {@code upstream}; they listen to it to drop the counts of
   * backends that leave.
   */
  public static DecisionCounters of(Upstream upstream) {
    DecisionCounters counters = new DecisionCounters(Objects.requireNonNull(upstream, "upstream"));
    upstream.addListener(
        new UpstreamListener() {
          @Override
          public void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
            counters.retain(current);
          }

          @Override
          public String toString() {
            return "DecisionCounters.retain{" + upstream.name() + '}';
          }
        });
    return counters;
  }

  /** The upstream whose decisions are counted. */
  public Upstream upstream() {
    return upstream;
  }

  @Override
  public void onDecision(Decision decision) {
    PoolSnapshot pool = decision.snapshot();
    if (!pool.upstreamName().equals(upstream.name())) {
      return;
    }
    int reason = decision.reason().ordinal();
    totals[reason].increment();
    if (decision.hasBackend()) {
      String id = pool.backend(decision.index()).id();
      LongAdder[] adders = byBackend.get(id);
      if (adders == null) {
        adders = byBackend.computeIfAbsent(id, k -> newAdders());
      }
      adders[reason].increment();
    }
  }

  /** Decisions made for this reason so far, with or without a backend. */
  public long count(Decision.Reason reason) {
    return totals[reason.ordinal()].sum();
  }

  /** Decisions that sent a request to the backend with this id for this reason; 0 if none. */
  public long count(String backendId, Decision.Reason reason) {
    LongAdder[] adders = byBackend.get(backendId);
    return adders == null ? 0 : adders[reason.ordinal()].sum();
  }

  /** Every reason's total so far, reasons never seen included as 0. */
  public Map<Decision.Reason, Long> counts() {
    return toMap(totals);
  }

  /** Every reason's count for the backend with this id, reasons never seen included as 0. */
  public Map<Decision.Reason, Long> counts(String backendId) {
    LongAdder[] adders = byBackend.get(backendId);
    return adders == null ? toMap(null) : toMap(adders);
  }

  /** The upstream's state now, with these counts: see {@link UpstreamStatus}. */
  public UpstreamStatus status() {
    return UpstreamStatus.of(upstream.snapshot(), this);
  }

  private void retain(PoolSnapshot current) {
    if (byBackend.isEmpty()) {
      return;
    }
    Set<String> ids = new HashSet<>();
    for (Backend b : current.backends()) {
      ids.add(b.id());
    }
    byBackend.keySet().retainAll(ids);
  }

  private static Map<Decision.Reason, Long> toMap(LongAdder @Nullable [] adders) {
    Map<Decision.Reason, Long> counts = new EnumMap<>(Decision.Reason.class);
    for (Decision.Reason r : REASONS) {
      counts.put(r, adders == null ? 0L : adders[r.ordinal()].sum());
    }
    return Collections.unmodifiableMap(counts);
  }

  private static LongAdder[] newAdders() {
    LongAdder[] adders = new LongAdder[REASONS.length];
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  @Override
  public String toString() {
    return "DecisionCounters{" + upstream.name() + '}';
  }
}
