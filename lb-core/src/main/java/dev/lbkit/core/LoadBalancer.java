package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.internal.FirstFailureWarning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream, a session affinity and a selector, composed: the place where one request's path can
 * be read top to bottom.
 *
 * <pre>
 *   snapshot  = upstream.snapshot()                      one volatile read
 *   binding   = affinity.resolve(snapshot, request)      cookie, header, route ... or none
 *   backend   = bound and available ? bound               sticky hit (DRAINING counts)
 *             : bound but unavailable ? fallback/selector or refuse (strict)
 *             : selector.select(snapshot, request)       new session, or plain balancing
 *   headers   = affinity.responseHeaders(...)            Set-Cookie when a session starts or moves
 *   ... the caller sends the request, then report(decision, outcome)
 * </pre>
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.leastConn()).build();
 * Decision d = lb.pick(request);
 * if (!d.hasBackend()) { respond503(); return; }
 * d.responseHeaders().forEach(h -> response.addHeader(h.name(), h.value()));
 * try { forward(d.backend()); lb.report(d, Outcome.SUCCESS); }
 * catch (ConnectException e) { lb.report(d, Outcome.FAILURE); d = lb.retry(d); ... }
 * }</pre>
 *
 * <p>Thread-safe; a pick takes no lock.
 */
public final class LoadBalancer implements Router, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);

  /** ingress-nginx's default for {@code proxy-next-upstream-tries}. */
  public static final int DEFAULT_MAX_TRIES = 3;

  private final Upstream upstream;
  private final Selector selector;
  private final SessionAffinity affinity;
  private final int maxTries;
  private final boolean readsRequest;
  private final boolean readsInFlightTotal;
  private final List<Precomputation<?>> precomputations;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Decision.Reason freshPickReason;
  // An affinity that throws (or answers out of range) is a bug that turns stickiness off: each of
  // its calls warns once, then logs at DEBUG. One load balancer has one affinity, so per load
  // balancer is per affinity instance.
  private final FirstFailureWarning resolveFailures = new FirstFailureWarning();
  private final FirstFailureWarning fallbackFailures = new FirstFailureWarning();
  private final FirstFailureWarning headerFailures = new FirstFailureWarning();
  private final FirstFailureWarning learnFailures = new FirstFailureWarning();
  // Final and usually empty: a pick without listeners reads the length and goes on.
  private final LoadBalancerListener[] listeners;
  private final FirstFailureWarning[] listenerFailures;

  private LoadBalancer(Builder builder) {
    this.upstream = builder.upstream;
    this.selector = builder.selector;
    this.affinity = builder.affinity;
    this.maxTries = builder.maxTries;
    this.readsRequest = selector.readsRequest() || affinity.readsRequest();
    this.readsInFlightTotal = selector.readsInFlightTotal();
    this.listeners = builder.listeners.toArray(new LoadBalancerListener[0]);
    this.listenerFailures = new FirstFailureWarning[listeners.length];
    for (int i = 0; i < listeners.length; i++) {
      listenerFailures[i] = new FirstFailureWarning();
    }
    this.freshPickReason =
        affinity.persistsSessions() ? Decision.Reason.NEW_SESSION : Decision.Reason.BALANCED;
    List<Precomputation<?>> needed = new ArrayList<>(selector.precomputations());
    needed.addAll(affinity.precomputations());
    this.precomputations = List.copyOf(needed);
    upstream.register(precomputations, readsInFlightTotal);
  }

  /** A round-robin load balancer without session persistence. */
  public static LoadBalancer of(Upstream upstream) {
    return builder(upstream).build();
  }

  /** Starts building a load balancer over {@code upstream}. */
  public static Builder builder(Upstream upstream) {
    return new Builder(upstream);
  }

  /** The upstream this load balancer picks from. */
  public Upstream upstream() {
    return upstream;
  }

  /** The load-balancing method. */
  public Selector selector() {
    return selector;
  }

  /** The session persistence, or {@link SessionAffinity#none()}. */
  public SessionAffinity affinity() {
    return affinity;
  }

  /**
   * Whether a pick reads anything from its request: false when both the method and the session
   * persistence say they don't ({@link Selector#readsRequest()}, {@link
   * SessionAffinity#readsRequest()}), as for round robin, least_conn and random without sessions.
   * An adapter that builds its {@link RequestContext} at a cost may then pick with {@link
   * RequestContext#empty()}; the decision's {@link Decision#request()} is that empty request.
   */
  public boolean readsRequest() {
    return readsRequest;
  }

  /** The most backends one request may try, the first pick included. */
  public int maxTries() {
    return maxTries;
  }

  /**
   * Decides where a request goes. Never throws on client input: a malformed session counts as no
   * session. An affinity that throws counts as one that found no session (or wrote no header); the
   * first failure of each of its calls is logged at WARN, later ones at DEBUG.
   */
  @Override
  public Decision pick(RequestContext request) {
    PoolSnapshot pool = upstream.snapshot();
    return decideFirst(pool, request, resolve(pool, request));
  }

  /**
   * The session {@code request} carries, resolved by this load balancer's affinity against the
   * current snapshot; {@link ResolvedSession#pick()} then decides on that very snapshot, as {@link
   * #pick} would. None when the affinity keeps no sessions.
   */
  @Override
  public ResolvedSession resolveSession(RequestContext request) {
    if (!affinity.persistsSessions()) {
      return ResolvedSession.none();
    }
    PoolSnapshot pool = upstream.snapshot();
    Binding binding = resolve(pool, request);
    if (binding.kind() == Binding.Kind.NONE) {
      return ResolvedSession.none();
    }
    return new ResolvedSession(binding.kind(), () -> decideFirst(pool, request, binding));
  }

  /**
   * The session {@code request} carries, resolved by the affinity against {@code pool}: a malformed
   * session, or an affinity that throws, counts as none.
   */
  private Binding resolve(PoolSnapshot pool, RequestContext request) {
    try {
      Binding binding = Objects.requireNonNull(affinity.resolve(pool, request), "binding");
      if (binding.kind() == Binding.Kind.BOUND && binding.index() >= pool.size()) {
        resolveFailures.log(
            logger,
            "session affinity {} bound index {} outside {}; the request counts as carrying no"
                + " session",
            affinity,
            binding.index(),
            pool);
        return Binding.none();
      }
      return binding;
    } catch (RuntimeException e) {
      // Affinities treat bad client input as absent (Binding.none(), no exception), so an
      // exception here is the affinity's bug, not the client's.
      resolveFailures.log(
          logger,
          "session affinity {} threw resolving a request; the request counts as carrying no"
              + " session",
          affinity,
          e);
      return Binding.none();
    }
  }

  /** A decision without a backend, for a request no member of a split could take. */
  Decision noBackend(RequestContext request, Decision.Reason reason) {
    return decide(
        List.of(),
        upstream.snapshot(),
        request,
        Binding.none(),
        Selector.NONE,
        reason,
        1,
        Decision.noneTried());
  }

  private Decision decideFirst(PoolSnapshot pool, RequestContext request, Binding binding) {
    int index;
    Decision.Reason reason;
    if (binding.kind() == Binding.Kind.NONE) {
      index = select(pool, request, pool.newPicks());
      reason = freshPickReason;
    } else {
      Availability availability =
          binding.kind() == Binding.Kind.GONE
              ? Availability.GONE
              : pool.availability(binding.index());
      if (availability == Availability.AVAILABLE || availability == Availability.DRAINING) {
        index = binding.index();
        reason = Decision.Reason.STICKY_HIT;
      } else if (!affinity.rebalancesUnavailable()) {
        index = Selector.NONE;
        reason = Decision.Reason.REFUSED_UNAVAILABLE;
      } else {
        index = fallback(pool, request, binding);
        reason = rebalanceReason(availability);
      }
    }
    if (index < 0 && reason != Decision.Reason.REFUSED_UNAVAILABLE) {
      reason = Decision.Reason.NO_BACKEND;
      upstream.noBackendAvailable(pool);
    }
    return decide(List.of(), pool, request, binding, index, reason, 1, Decision.noneTried());
  }

  /**
   * Picks again for a request whose previous attempt failed, leaving out every backend it already
   * tried. When the session may not change on failure ({@link SessionAffinity#changesOnFailure()}),
   * a sticky request goes to its backend again; otherwise a strict session ({@link
   * SessionAffinity#rebalancesUnavailable()} false) is refused rather than moved. Returns a
   * decision without a backend once {@link #maxTries()} is used up.
   *
   * <p>Report the previous decision first, so that its failure counts for passive health.
   */
  public Decision retry(Decision previous) {
    checkArgument(
        previous.loadBalancer() == this,
        "previous: a decision of %s (expected: one of this load balancer, %s)",
        previous.loadBalancer(),
        this);
    PoolSnapshot pool = previous.snapshot();
    RequestContext request = previous.request();
    Binding binding = previous.binding();
    int attempt = previous.attempt() + 1;
    if (!previous.hasBackend()) {
      return decide(
          previous.members(),
          pool,
          request,
          binding,
          Selector.NONE,
          Decision.Reason.NO_BACKEND,
          attempt,
          previous.tried());
    }
    if (previous.attempt() >= maxTries) {
      return decide(
          previous.members(),
          pool,
          request,
          binding,
          Selector.NONE,
          Decision.Reason.TRIES_EXHAUSTED,
          attempt,
          previous.tried());
    }
    int[] tried = Arrays.copyOf(previous.tried(), previous.tried().length + 1);
    tried[tried.length - 1] = previous.index();

    boolean sticky =
        previous.reason() == Decision.Reason.STICKY_HIT
            || previous.reason() == Decision.Reason.RETRY_SAME;
    if (sticky
        && !affinity.changesOnFailure()
        && pool.backend(previous.index()).state() != BackendState.DOWN) {
      return decide(
          previous.members(),
          pool,
          request,
          binding,
          previous.index(),
          Decision.Reason.RETRY_SAME,
          attempt,
          tried);
    }
    if (sticky && !affinity.rebalancesUnavailable()) {
      // Strict sessions never move, not even on a retry: the caller answers 503 instead.
      return decide(
          previous.members(),
          pool,
          request,
          binding,
          Selector.NONE,
          Decision.Reason.REFUSED_UNAVAILABLE,
          attempt,
          tried);
    }
    // Retries are rare: this one small allocation is not on the path of every request.
    int index = selector.select(pool, request, i -> pool.isAvailable(i) && !contains(tried, i));
    if (index >= pool.size() || (index >= 0 && contains(tried, index))) {
      index = Selector.NONE; // a selector that ignored its eligibility
    }
    Decision.Reason reason = Decision.Reason.FAILOVER;
    if (index < 0) {
      reason = Decision.Reason.NO_BACKEND;
      upstream.noBackendAvailable(pool);
    }
    return decide(previous.members(), pool, request, binding, index, reason, attempt, tried);
  }

  /**
   * Reports how the request of a decision ended: releases its in-flight count and feeds passive
   * health. Reporting a decision more than once, or one without a backend, does nothing.
   */
  public void report(Decision decision, Outcome outcome) {
    report(decision, outcome, LoadBalancerListener.UNKNOWN_DURATION);
  }

  /**
   * Reports how the request of a decision ended and how long it took, for listeners that time
   * requests ({@link LoadBalancerListener#onOutcome}); otherwise as {@link #report(Decision,
   * Outcome)}.
   *
   * @param durationNanos the request's duration in nanoseconds as the caller measured it (from
   *     {@link System#nanoTime()}); a negative value counts as unknown
   */
  public void report(Decision decision, Outcome outcome, long durationNanos) {
    Objects.requireNonNull(outcome, "outcome");
    checkArgument(
        decision.loadBalancer() == this,
        "decision: one of %s (expected: one of this load balancer, %s)",
        decision.loadBalancer(),
        this);
    if (!decision.markReported()) {
      return;
    }
    PoolSnapshot pool = decision.snapshot();
    int index = decision.index();
    BackendStats stats = pool.stats(index);
    stats.release();
    pool.countReleased();
    HealthChange.@Nullable Kind change = null;
    switch (outcome) {
      case SUCCESS:
        change = stats.onSuccess(pool.health());
        break;
      case FAILURE:
        if (pool.tracksFailures()) {
          change = stats.onFailure(pool.health(), pool.clock().millis());
        }
        break;
      case COMPLETED:
      default:
        break;
    }
    if (change != null) {
      upstream.healthChanged(pool, index, change);
    }
    if (listeners.length != 0) {
      outcomeReported(
          decision,
          outcome,
          durationNanos < 0 ? LoadBalancerListener.UNKNOWN_DURATION : durationNanos);
    }
  }

  /**
   * Hands the backend's response headers for a decision to the affinity, when it learns sessions
   * from responses (see {@link Decision#learn}). An affinity that throws learns nothing; its first
   * failure is logged at WARN.
   */
  void learn(Decision decision, HeaderSource backendResponseHeaders) {
    Objects.requireNonNull(backendResponseHeaders, "backendResponseHeaders");
    if (!decision.learnsFromResponse()) {
      return;
    }
    try {
      affinity.learn(
          decision.snapshot(),
          decision.request(),
          decision.binding(),
          decision.index(),
          backendResponseHeaders);
    } catch (RuntimeException e) {
      learnFailures.log(
          logger,
          "session affinity {} threw learning from a backend's response; no session is learned",
          affinity,
          e);
    }
  }

  private void outcomeReported(Decision decision, Outcome outcome, long durationNanos) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onOutcome(decision, outcome, durationNanos);
      } catch (RuntimeException e) {
        listenerFailures[i].log(
            logger,
            "load balancer listener {} threw on the outcome {} of {}; the report counts all the"
                + " same",
            listeners[i],
            outcome,
            decision,
            e);
      }
    }
  }

  private void decided(Decision decision) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].onDecision(decision);
      } catch (RuntimeException e) {
        listenerFailures[i].log(
            logger,
            "load balancer listener {} threw on {}; the decision stands",
            listeners[i],
            decision,
            e);
      }
    }
  }

  private int fallback(PoolSnapshot pool, RequestContext request, Binding binding) {
    Eligibility eligible = pool.newPicks();
    int index;
    try {
      index = affinity.fallback(pool, request, binding, eligible);
    } catch (RuntimeException e) {
      fallbackFailures.log(
          logger,
          "session affinity {} threw choosing a fallback; the selector picks instead",
          affinity,
          e);
      index = Selector.NONE;
    }
    // The affinity decided with the eligibility it was given; checking it again here would read
    // in-flight counts and failures a second time, and a backend flipping between full and free
    // in between would hand the pick to the selector. Only what cannot flip under a snapshot is
    // checked: an affinity may not send a session to a backend that is not UP.
    if (index >= 0 && index < pool.size() && pool.backend(index).state() == BackendState.UP) {
      return index;
    }
    return select(pool, request, eligible);
  }

  private int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    int index = selector.select(pool, request, eligible);
    return index < pool.size() ? index : Selector.NONE;
  }

  private Decision decide(
      List<String> members,
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int index,
      Decision.Reason reason,
      int attempt,
      int[] tried) {
    List<ResponseHeader> headers = List.of();
    if (index >= 0) {
      BackendStats stats = pool.stats(index);
      stats.acquire();
      pool.countAcquired();
      if (stats.fails() > 0) {
        HealthChange.@Nullable Kind change = stats.onPicked(pool.health(), pool.clock().millis());
        if (change != null) {
          upstream.healthChanged(pool, index, change);
        }
      }
      headers = responseHeaders(pool, request, binding, index, reason);
    }
    Decision decision =
        new Decision(this, members, pool, request, binding, index, reason, headers, attempt, tried);
    if (listeners.length != 0) {
      decided(decision);
    }
    return decision;
  }

  private List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int index,
      Decision.Reason reason) {
    try {
      return affinity.responseHeaders(pool, request, binding, index, reason);
    } catch (RuntimeException e) {
      headerFailures.log(
          logger,
          "session affinity {} threw writing its response headers; the response carries none, so"
              + " no session starts or moves",
          affinity,
          e);
      return List.of();
    }
  }

  private static Decision.Reason rebalanceReason(Availability availability) {
    switch (availability) {
      case DOWN:
        return Decision.Reason.REBALANCED_DOWN;
      case FAILED:
        return Decision.Reason.REBALANCED_FAILED;
      case FULL:
        return Decision.Reason.REBALANCED_FULL;
      default:
        return Decision.Reason.REBALANCED_GONE;
    }
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  /**
   * Releases what this load balancer registered with its upstream: a ring or table that no other
   * load balancer of the upstream uses is no longer computed on changes, and later snapshots drop
   * it. A gateway that rebuilds its load balancers on a configuration reload closes the old ones.
   * Decisions already made can still be reported; a closed load balancer must not pick again.
   * Closing twice does nothing.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      upstream.unregister(precomputations, readsInFlightTotal);
    }
  }

  @Override
  public String toString() {
    return "LoadBalancer{" + upstream.name() + ", " + selector + ", affinity=" + affinity + '}';
  }

  /** Builds a {@link LoadBalancer}. */
  public static final class Builder {
    private final Upstream upstream;
    private Selector selector = Selector.roundRobin();
    private SessionAffinity affinity = SessionAffinity.none();
    private int maxTries = DEFAULT_MAX_TRIES;
    private final List<LoadBalancerListener> listeners = new ArrayList<>();

    private Builder(Upstream upstream) {
      this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    /** The load-balancing method; {@link Selector#roundRobin()} unless set. */
    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** The session persistence; {@link SessionAffinity#none()} unless set. */
    public Builder affinity(SessionAffinity affinity) {
      this.affinity = Objects.requireNonNull(affinity, "affinity");
      return this;
    }

    /**
     * The most backends one request may try, the first pick included ({@value #DEFAULT_MAX_TRIES}
     * unless set; 1 turns retries off).
     */
    public Builder maxTries(int maxTries) {
      checkArgument(maxTries >= 1, "maxTries: %s (expected: >= 1)", maxTries);
      this.maxTries = maxTries;
      return this;
    }

    /**
     * Adds a listener that hears every decision and every reported outcome; called in the order
     * added. Without listeners a pick costs nothing more.
     */
    public Builder listener(LoadBalancerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the load balancer and registers what its selector and affinity precompute. */
    public LoadBalancer build() {
      return new LoadBalancer(this);
    }
  }
}
