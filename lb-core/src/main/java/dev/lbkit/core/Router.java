package dev.lbkit.core;

/**
 * Decides where a request goes: the one interface a gateway, a servlet filter or a Spring adapter
 * holds, whatever sits behind it.
 *
 * <p>Two kinds exist, and compose: a {@link LoadBalancer} picks a backend of one {@link Upstream}
 * (its selector, its session affinity); a {@link TrafficSplit} picks one of several routers by
 * weight, keeping a session on the member that owns it, and a member may itself be a split. Either
 * way the answer is a {@link Decision} that knows the load balancer that made it, so that the
 * caller reports and retries through the decision alone:
 *
 * <pre>{@code
 * Decision d = router.pick(request);
 * if (!d.hasBackend()) { respond503(); return; }
 * try { forward(d.backend()); d.report(Outcome.SUCCESS); }
 * catch (ConnectException e) { d.report(Outcome.FAILURE); d = d.retry(); ... }
 * }</pre>
 *
 * <p>The interface is sealed: a decision is made by a load balancer, and a composite has to reach
 * into its members' sessions ({@link #resolveSession}) before it picks one. Thread-safe; a pick
 * takes no lock.
 */
public sealed interface Router permits LoadBalancer, TrafficSplit {
  /**
   * Decides where a request goes. Never throws on client input: a malformed session counts as no
   * session.
   */
  Decision pick(RequestContext request);

  /**
   * The session {@code request} carries as this router sees it, resolved (its token verified) once:
   * {@link ResolvedSession#none()} when it carries none of this router's, else a session bound to a
   * backend or naming one that is gone, which {@link ResolvedSession#pick()} decides on as {@link
   * #pick} would. A traffic split asks its members before it draws one. Never throws on client
   * input.
   */
  ResolvedSession resolveSession(RequestContext request);
}
