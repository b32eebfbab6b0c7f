package dev.lbkit.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of an {@link Upstream} at one moment, for status pages and admin endpoints, as
 * NGINX Plus's {@code /api/.../upstreams} or HAProxy's stats page show it: every backend with its
 * state, weight, availability, requests in flight, passive-health failures and the time until its
 * probe, and, from {@link DecisionCounters}, the decisions by reason.
 *
 * <p>Made by {@link Upstream#status()} (no decision counts) or {@link DecisionCounters#status()}.
 * An immutable copy: the live counters are read once each, one after another, when it is made (not
 * atomically across backends), and never again. Making one takes no lock the request path takes.
 */
public final class UpstreamStatus {
  private final String upstreamName;
  private final long version;
  private final PassiveHealth passiveHealth;
  private final List<BackendStatus> backends;
  private final Map<Decision.Reason, Long> decisions;

  private UpstreamStatus(
      String upstreamName,
      long version,
      PassiveHealth passiveHealth,
      List<BackendStatus> backends,
      Map<Decision.Reason, Long> decisions) {
    this.upstreamName = upstreamName;
    this.version = version;
    this.passiveHealth = passiveHealth;
    this.backends = backends;
    this.decisions = decisions;
  }

  static UpstreamStatus of(PoolSnapshot pool, @Nullable DecisionCounters counters) {
    long now = pool.clock().millis();
    PassiveHealth health = pool.health();
    List<BackendStatus> backends = new ArrayList<>(pool.size());
    for (int i = 0; i < pool.size(); i++) {
      Backend backend = pool.backend(i);
      BackendStats stats = pool.stats(i);
      Duration untilProbe = Duration.ZERO;
      Availability availability = pool.availability(i);
      if (availability == Availability.FAILED) {
        long outUntil = stats.checkedMillis() + health.failTimeoutMillis() + 1;
        untilProbe = Duration.ofMillis(Math.max(0, outUntil - now));
      }
      backends.add(
          new BackendStatus(
              backend,
              availability,
              stats.inFlight(),
              stats.fails(),
              untilProbe,
              counters == null ? noDecisions() : counters.counts(backend.id())));
    }
    return new UpstreamStatus(
        pool.upstreamName(),
        pool.version(),
        health,
        Collections.unmodifiableList(backends),
        counters == null ? noDecisions() : counters.counts());
  }

  private static Map<Decision.Reason, Long> noDecisions() {
    return Collections.unmodifiableMap(new EnumMap<>(Decision.Reason.class));
  }

  /** The upstream's name. */
  public String upstreamName() {
    return upstreamName;
  }

  /** The version of the snapshot this view was made from. */
  public long version() {
    return version;
  }

  /** The upstream's passive-health policy. */
  public PassiveHealth passiveHealth() {
    return passiveHealth;
  }

  /** Every backend, in the snapshot's order. */
  public List<BackendStatus> backends() {
    return backends;
  }

  /**
   * Decisions by reason, with or without a backend, counted by the {@link DecisionCounters} this
   * view came from; empty for {@link Upstream#status()}.
   */
  public Map<Decision.Reason, Long> decisions() {
    return decisions;
  }

  /** Decisions made for this reason; 0 when not counted. */
  public long decisions(Decision.Reason reason) {
    Long count = decisions.get(reason);
    return count == null ? 0 : count;
  }

  /** How many backends can take a new pick now. */
  public int available() {
    int n = 0;
    for (BackendStatus b : backends) {
      if (b.availability() == Availability.AVAILABLE) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "UpstreamStatus{" + upstreamName + " v" + version + ", " + backends + '}';
  }

  /** One backend of an {@link UpstreamStatus}. */
  public static final class BackendStatus {
    private final Backend backend;
    private final Availability availability;
    private final int inFlight;
    private final int failures;
    private final Duration untilProbe;
    private final Map<Decision.Reason, Long> decisions;

    BackendStatus(
        Backend backend,
        Availability availability,
        int inFlight,
        int failures,
        Duration untilProbe,
        Map<Decision.Reason, Long> decisions) {
      this.backend = backend;
      this.availability = availability;
      this.inFlight = inFlight;
      this.failures = failures;
      this.untilProbe = untilProbe;
      this.decisions = decisions;
    }

    /** The backend: id, address, weight, configured state. */
    public Backend backend() {
      return backend;
    }

    /** Whether it can take a request now, and if not, why ({@code FAILED}: passive health). */
    public Availability availability() {
      return availability;
    }

    /** Requests in flight to it. */
    public int inFlight() {
      return inFlight;
    }

    /** Its passive-health failure count (nginx's {@code fails}). */
    public int failures() {
      return failures;
    }

    /**
     * How long passive health keeps it out before a request may probe it: zero unless it is {@link
     * Availability#FAILED}.
     */
    public Duration untilProbe() {
      return untilProbe;
    }

    /** Decisions that sent a request to it, by reason; empty when not counted. */
    public Map<Decision.Reason, Long> decisions() {
      return decisions;
    }

    /** Decisions that sent a request to it for this reason; 0 when not counted. */
    public long decisions(Decision.Reason reason) {
      Long count = decisions.get(reason);
      return count == null ? 0 : count;
    }

    @Override
    public String toString() {
      return backend.id()
          + ' '
          + availability
          + " inFlight="
          + inFlight
          + " failures="
          + failures
          + (untilProbe.isZero() ? "" : " untilProbe=" + untilProbe);
    }
  }
}
