package dev.lbkit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a {@link Router}: the backend to send the request to (or none), the headers to add
 * to the response, why, and the {@link LoadBalancer} that made it (behind a {@link TrafficSplit},
 * the member's), so that {@link #report} and {@link #retry} need nothing else.
 *
 * <p>Every decision with a backend counts one request in flight on it until the caller reports how
 * the request ended with {@link #report}; reporting twice counts once.
 */
public final class Decision {
  /** Why a decision was made. */
  public enum Reason {
    /** No session persistence is configured: the selector picked. */
    BALANCED,
    /** The request carried no valid session: the selector picked and a session starts. */
    NEW_SESSION,
    /** The session's backend took the request. */
    STICKY_HIT,
    /** The session's backend is no longer in the upstream: the session moved. */
    REBALANCED_GONE,
    /** The session's backend is {@code DOWN}: the session moved. */
    REBALANCED_DOWN,
    /** The session's backend is failed by passive health: the session moved. */
    REBALANCED_FAILED,
    /** The session's backend is at its connection limit: the session moved. */
    REBALANCED_FULL,
    /** A retry went to another backend than the ones already tried. */
    FAILOVER,
    /**
     * A retry went to the session's backend again, because the session may not change on failure.
     */
    RETRY_SAME,
    /** No backend could take the request. */
    NO_BACKEND,
    /** The session's backend cannot take the request and the affinity is strict: no backend. */
    REFUSED_UNAVAILABLE,
    /** The request already used every try it is allowed. */
    TRIES_EXHAUSTED,
    /**
     * No member of a {@link TrafficSplit} could take the request: every weight is 0, or no member
     * has a backend for it.
     */
    NO_MEMBER;

    /** Whether this reason moved an existing session to another backend. */
    public boolean isRebalance() {
      return this == REBALANCED_GONE
          || this == REBALANCED_DOWN
          || this == REBALANCED_FAILED
          || this == REBALANCED_FULL;
    }
  }

  private static final VarHandle REPORTED;

  static {
    try {
      REPORTED = MethodHandles.lookup().findVarHandle(Decision.class, "reported", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int[] NONE_TRIED = new int[0];

  private final LoadBalancer loadBalancer;
  private final List<String> members;
  private final PoolSnapshot pool;
  private final RequestContext request;
  private final Binding binding;
  private final int index;
  private final Reason reason;
  private final List<ResponseHeader> responseHeaders;
  private final int attempt;
  private final int[] tried;

  @SuppressWarnings("unused") // written through REPORTED
  private volatile int reported;

  Decision(
      LoadBalancer loadBalancer,
      List<String> members,
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int index,
      Reason reason,
      List<ResponseHeader> responseHeaders,
      int attempt,
      int[] tried) {
    this.loadBalancer = loadBalancer;
    this.members = members;
    this.pool = pool;
    this.request = request;
    this.binding = binding;
    this.index = index;
    this.reason = reason;
    this.responseHeaders = responseHeaders;
    this.attempt = attempt;
    this.tried = tried;
    if (index < 0) {
      this.reported = 1; // nothing to release
    }
  }

  static int[] noneTried() {
    return NONE_TRIED;
  }

  /**
   * This decision as the split member {@code member} gives it: the same backend and in-flight
   * count, with the member's name in front of {@link #members()}. Only for a decision that has not
   * been handed out (the copy takes its place).
   */
  Decision viaMember(String member) {
    List<String> path = new ArrayList<>(members.size() + 1);
    path.add(member);
    path.addAll(members);
    return new Decision(
        loadBalancer,
        List.copyOf(path),
        pool,
        request,
        binding,
        index,
        reason,
        responseHeaders,
        attempt,
        tried);
  }

  /**
   * Reports how the request ended: releases its in-flight count and feeds passive health (see
   * {@link LoadBalancer#report}). Reporting more than once, or a decision without a backend, does
   * nothing.
   */
  public void report(Outcome outcome) {
    loadBalancer.report(this, outcome);
  }

  /**
   * Reports how the request ended and how long it took, for listeners that time requests (see
   * {@link LoadBalancer#report(Decision, Outcome, long)}); a negative duration counts as unknown.
   */
  public void report(Outcome outcome, long durationNanos) {
    loadBalancer.report(this, outcome, durationNanos);
  }

  /**
   * Whether the adapter should hand the backend's response headers to {@link #learn}: the decision
   * has a backend and its affinity learns sessions from responses (NGINX Plus {@code sticky
   * learn}). Adapters check this first, so that other requests pay nothing for it.
   */
  public boolean learnsFromResponse() {
    return index >= 0 && loadBalancer.affinity().learnsFromResponses();
  }

  /**
   * Tells the affinity what the backend answered (its response headers, before they reach the
   * client), so that a session the backend created is learned (see {@link SessionAffinity#learn}).
   * Does nothing when {@link #learnsFromResponse} is false; never throws.
   */
  public void learn(HeaderSource backendResponseHeaders) {
    loadBalancer.learn(this, backendResponseHeaders);
  }

  /**
   * Picks again for a request whose attempt failed, within the same load balancer (behind a split,
   * the same member, as a retry in NGINX or Envoy stays within the upstream the split chose),
   * leaving out every backend already tried (see {@link LoadBalancer#retry}). Report this decision
   * first, so that its failure counts for passive health.
   */
  public Decision retry() {
    return loadBalancer.retry(this);
  }

  /** The load balancer that made this decision: behind a {@link TrafficSplit}, the member's. */
  public LoadBalancer loadBalancer() {
    return loadBalancer;
  }

  /**
   * The names of the {@link TrafficSplit} members that led to this decision, outermost split first;
   * empty when no split was involved.
   */
  public List<String> members() {
    return members;
  }

  /** The backend to send the request to, or {@code null} when there is none. */
  public @Nullable Backend backend() {
    return index < 0 ? null : pool.backend(index);
  }

  /** Whether there is a backend. */
  public boolean hasBackend() {
    return index >= 0;
  }

  /** Why this decision was made. */
  public Reason reason() {
    return reason;
  }

  /** Headers to add to the response (a {@code Set-Cookie}, a session header), possibly none. */
  public List<ResponseHeader> responseHeaders() {
    return responseHeaders;
  }

  /** 1 for the first pick, 2 for the first retry, and so on. */
  public int attempt() {
    return attempt;
  }

  /** The snapshot the backend was picked from. */
  public PoolSnapshot snapshot() {
    return pool;
  }

  /** The request this decision is for. */
  public RequestContext request() {
    return request;
  }

  /** What the session affinity found in the request. */
  public Binding binding() {
    return binding;
  }

  int index() {
    return index;
  }

  int[] tried() {
    return tried;
  }

  /** Marks the decision reported; true only the first time. */
  boolean markReported() {
    return REPORTED.compareAndSet(this, 0, 1);
  }

  @Override
  public String toString() {
    return "Decision{"
        + (index < 0 ? "no backend" : pool.backend(index).id())
        + ", "
        + reason
        + (members.isEmpty() ? "" : ", via " + String.join("/", members))
        + (attempt > 1 ? ", attempt " + attempt : "")
        + (responseHeaders.isEmpty() ? "" : ", " + responseHeaders)
        + '}';
  }
}
