package dev.lbkit.core;

import java.util.List;

/**
 * Session persistence: resolves the session a request carries to a backend, and says what to write
 * back to the client when a session starts, moves or is refreshed.
 *
 * <p>This is the SPI {@code lb-cookie} implements (cookies, header sessions, JSESSIONID routes);
 * {@code lb-core} ships only {@link #none()}. The {@link LoadBalancer} does the rest, the same way
 * for every affinity: it checks that a bound backend can take the request ({@code DRAINING} ones
 * can), rebalances or refuses when it cannot, and asks for the response headers once it knows the
 * backend.
 */
public interface SessionAffinity {
  /** No session persistence: every request is balanced by the selector. */
  static SessionAffinity none() {
    return NoAffinity.INSTANCE;
  }

  /**
   * Whether this affinity keeps sessions at all: true for every real one, false for {@link
   * #none()}. A request with no session then counts as {@link Decision.Reason#NEW_SESSION} rather
   * than {@link Decision.Reason#BALANCED}, and a traffic split looks for sessions only in members
   * that keep them.
   */
  default boolean persistsSessions() {
    return true;
  }

  /**
   * Whether this affinity reads the request: true unless it says otherwise; false for {@link
   * #none()}. See {@link Selector#readsRequest()}.
   */
  default boolean readsRequest() {
    return true;
  }

  /** What this affinity reads from each snapshot (a ring); computed on every change. */
  default List<Precomputation<?>> precomputations() {
    return List.of();
  }

  /**
   * Finds the session in the request. Must never throw on client input: a malformed, forged or
   * expired session is {@link Binding#none()}. An exception from this or any other method here is
   * taken for a bug: the load balancer carries on as if there were no session (or no header to
   * write) and logs the first such failure of each method at WARN.
   */
  Binding resolve(PoolSnapshot pool, RequestContext request);

  /**
   * Chooses the backend for a session whose backend cannot take the request ({@link Binding.Kind
   * #GONE}, or {@code BOUND} to a backend that is down, failed or full), so that concurrent
   * requests carrying the same session agree. Return {@link Selector#NONE} to let the selector
   * decide. Only eligible backends may be returned.
   */
  default int fallback(
      PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
    return Selector.NONE;
  }

  /**
   * Whether a session whose backend cannot take the request is moved to another backend (the
   * default, as NGINX and ingress-nginx do) rather than refused, so that the caller answers 503.
   */
  default boolean rebalancesUnavailable() {
    return true;
  }

  /**
   * Whether a retry after a failure may leave the session's backend (ingress-nginx {@code
   * session-cookie-change-on-failure}). When false, a retry goes to the same backend again.
   */
  default boolean changesOnFailure() {
    return true;
  }

  /**
   * The headers to add to the response for a decision: a {@code Set-Cookie} or a session header
   * when a session starts ({@link Decision.Reason#NEW_SESSION}), moves (a rebalance or failover) or
   * is refreshed (a sticky hit in sliding mode); usually none for a plain sticky hit.
   *
   * @param binding what {@link #resolve} returned for this request
   * @param chosen the index of the backend the request goes to
   */
  List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason);

  /**
   * Whether this affinity learns sessions from the backend's responses ({@link #learn}), as NGINX
   * Plus {@code sticky learn} does; false by default. Adapters read the backend's response headers
   * for {@link Decision#learn} only when a decision says so ({@link Decision#learnsFromResponse}).
   */
  default boolean learnsFromResponses() {
    return false;
  }

  /**
   * The backend answered the request of a decision with these response headers: a learning affinity
   * stores the session the backend created (its {@code Set-Cookie}) against that backend. Called at
   * most once per decision, by the adapter, before the response reaches the client. The headers are
   * the backend's, not the client's, but must not make this throw either: a malformed one is
   * ignored.
   *
   * @param binding what {@link #resolve} returned for this request
   * @param chosen the index of the backend that answered
   */
  default void learn(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      HeaderSource responseHeaders) {}
}
