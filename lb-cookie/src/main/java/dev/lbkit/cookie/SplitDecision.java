package dev.lbkit.cookie;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.ResponseHeader;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link TrafficSplit#pick}: which member of the split took the request, why, and
 * that member's own {@link Decision} (the backend and the response headers).
 *
 * <p>Report and retry through the {@link TrafficSplit} (or the member's {@link #loadBalancer()}):
 * a retry stays within the member, as a retry in NGINX or Envoy stays within the upstream the
 * split chose.
 */
public final class SplitDecision {
  /** Why the request went to its member. */
  public enum Reason {
    /**
     * The request carried a session of this member (bound, or naming a backend that is gone): it
     * stays on the member whatever the weights, even at weight 0.
     */
    SESSION,
    /** No session decided: the member was drawn by weight (a new session, or the legacy mode). */
    WEIGHT,
    /** No member could take the request (every weight is 0, or no member has a backend). */
    NO_MEMBER
  }

  private final int memberIndex;
  private final @Nullable String member;
  private final @Nullable LoadBalancer loadBalancer;
  private final @Nullable Decision decision;
  private final Reason reason;

  SplitDecision(
      int memberIndex,
      @Nullable String member,
      @Nullable LoadBalancer loadBalancer,
      @Nullable Decision decision,
      Reason reason) {
    this.memberIndex = memberIndex;
    this.member = member;
    this.loadBalancer = loadBalancer;
    this.decision = decision;
    this.reason = reason;
  }

  /** The name of the member that took the request, or {@code null} for {@link Reason#NO_MEMBER}. */
  public @Nullable String member() {
    return member;
  }

  /** The member's position in the split, or -1 for {@link Reason#NO_MEMBER}. */
  public int memberIndex() {
    return memberIndex;
  }

  /** The member's load balancer, or {@code null} for {@link Reason#NO_MEMBER}. */
  public @Nullable LoadBalancer loadBalancer() {
    return loadBalancer;
  }

  /**
   * The member's decision, or {@code null} for {@link Reason#NO_MEMBER}. It may itself have no
   * backend (a strict session whose backend is down: {@link Decision.Reason#REFUSED_UNAVAILABLE}).
   */
  public @Nullable Decision decision() {
    return decision;
  }

  /** Why the request went to this member. */
  public Reason reason() {
    return reason;
  }

  /** Whether there is a backend to send the request to. */
  public boolean hasBackend() {
    return decision != null && decision.hasBackend();
  }

  /** The backend to send the request to, or {@code null}. */
  public @Nullable Backend backend() {
    return decision == null ? null : decision.backend();
  }

  /** The headers to add to the response (the member's session cookie), possibly none. */
  public List<ResponseHeader> responseHeaders() {
    return decision == null ? List.of() : decision.responseHeaders();
  }

  @Override
  public String toString() {
    return reason == Reason.NO_MEMBER
        ? "SplitDecision{no member}"
        : "SplitDecision{" + member + ", " + reason + ", " + decision + '}';
  }
}
