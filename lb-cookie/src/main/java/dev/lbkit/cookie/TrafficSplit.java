package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route that splits its traffic across several upstreams by weight, each behind its own {@link
 * LoadBalancer}: the Gateway API's weighted {@code backendRefs}, an ingress-nginx canary, a blue/
 * green cut-over.
 *
 * <pre>{@code
 * TrafficSplit split = TrafficSplit.builder()
 *     .member("stable", stableLb, 90)
 *     .member("canary", canaryLb, 10)
 *     .build();
 * SplitDecision d = split.pick(request);
 * if (!d.hasBackend()) { respond503(); return; }
 * d.responseHeaders().forEach(h -> response.addHeader(h.name(), h.value()));
 * ... forward to d.backend(), then split.report(d, outcome)
 * split.setWeight("canary", 50);      // later: a progressive rollout
 * }</pre>
 *
 * <p>How a request finds its member ({@link CanaryBehavior#STICKY}, the default):
 *
 * <ol>
 *   <li>A request that carries a session of a member stays on that member and, through the member's
 *       own affinity, on its backend, whatever the weights, even at weight 0: the Gateway API asks
 *       that sessions survive a weight change, and ingress-nginx keeps an affinitized request on
 *       its primary or canary. A member's session counts when its affinity resolves the request to
 *       {@link Binding.Kind#BOUND} (the first member in order wins) or, failing that, to {@link
 *       Binding.Kind#GONE} for exactly one member: the session's backend left, but the session
 *       still belongs to that upstream (its version of the application), so it is rebalanced within
 *       it, as ingress-nginx keeps a request with a stale cookie on its upstream. If several
 *       members call the same session gone, it belongs to none of them and starts again by weight.
 *   <li>Anything else is a new session: a member is drawn at random in proportion to the weights
 *       (members of weight 0 take no new sessions), and the member's load balancer picks the
 *       backend and starts the session.
 *   <li>A member with no backend at all for a request (an empty or wholly down upstream) does not
 *       keep it: the request is drawn again among the other members by weight, as ingress-nginx
 *       falls back to the primary when the canary has no endpoints. A strict member that refuses a
 *       session ({@link Decision.Reason#REFUSED_UNAVAILABLE}) keeps its refusal.
 * </ol>
 *
 * <p>{@link CanaryBehavior#LEGACY} (ingress-nginx {@code affinity-canary-behavior: legacy}) draws
 * the member by weight on every request, ignoring sessions; a member still keeps its own sessions
 * within it when the draw lands on it.
 *
 * <p>Give each member its own session scope (a distinct cookie or scoped tokens), so that one
 * member's session is not another's. Weights change at runtime with {@link #setWeight}; each change
 * publishes a new immutable weight table with one volatile write. Thread-safe; a pick takes no
 * lock.
 */
public final class TrafficSplit {
  /** The Gateway API's largest {@code backendRef} weight. */
  public static final int MAX_WEIGHT = 1_000_000;

  /** The most members a split may have (the Gateway API allows 16 {@code backendRefs}). */
  public static final int MAX_MEMBERS = 64;

  /**
   * How a split treats requests that carry a session (ingress-nginx {@code
   * affinity-canary-behavior}).
   */
  public enum CanaryBehavior {
    /** A session stays on its member whatever the weights (the default). */
    STICKY,
    /** The member is drawn by weight on every request; sessions matter only within a member. */
    LEGACY;

    /** Parses {@code sticky} or {@code legacy}, ignoring case. */
    public static CanaryBehavior parse(String value) {
      Objects.requireNonNull(value, "value");
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "sticky":
          return STICKY;
        case "legacy":
          return LEGACY;
        default:
          throw new IllegalArgumentException(
              "canary behavior: \"" + value + "\" (expected: sticky or legacy)");
      }
    }
  }

  private final String[] names;
  private final LoadBalancer[] members;
  private final CanaryBehavior behavior;
  private final Object writeLock = new Object();
  private volatile int[] weights;

  private TrafficSplit(Builder builder) {
    int n = builder.members.size();
    this.names = builder.members.keySet().toArray(new String[0]);
    this.members = new LoadBalancer[n];
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      Member m = builder.members.get(names[i]);
      members[i] = m.loadBalancer;
      w[i] = m.weight;
    }
    this.weights = w;
    this.behavior = builder.behavior;
  }

  /** Starts building a split. */
  public static Builder builder() {
    return new Builder();
  }

  /** The member names, in the order given. */
  public List<String> members() {
    return List.of(names);
  }

  /**
   * The load balancer of the named member.
   *
   * @throws IllegalArgumentException if there is no such member
   */
  public LoadBalancer member(String name) {
    return members[indexOf(name)];
  }

  /** The current weight of the named member. */
  public int weight(String name) {
    return weights[indexOf(name)];
  }

  /** How requests with a session are treated. */
  public CanaryBehavior canaryBehavior() {
    return behavior;
  }

  /**
   * Changes the share of new sessions the named member takes. Sessions already on a member stay
   * there (in {@link CanaryBehavior#STICKY} mode), even when its weight drops to 0.
   *
   * @throws IllegalArgumentException if there is no such member or the weight is not in 0..{@value
   *     #MAX_WEIGHT}
   */
  public void setWeight(String name, int weight) {
    int index = indexOf(name);
    checkWeight(name, weight);
    synchronized (writeLock) {
      int[] next = weights.clone();
      next[index] = weight;
      weights = next;
    }
  }

  /** Decides which member and which backend a request goes to. Never throws on client input. */
  public SplitDecision pick(RequestContext request) {
    int[] w = weights;
    if (behavior == CanaryBehavior.STICKY) {
      // The member whose session the request carries: the first that binds it, else the one
      // member whose session names a backend that is gone (two such make it nobody's). Each
      // member's session is resolved once, against the snapshot its pick then decides on.
      int gone = -1;
      boolean ambiguous = false;
      PoolSnapshot gonePool = null;
      Binding goneBinding = null;
      for (int i = 0; i < members.length; i++) {
        if (!members[i].affinity().persistsSessions()) {
          continue;
        }
        PoolSnapshot pool = members[i].upstream().snapshot();
        Binding binding = members[i].resolveSession(pool, request);
        if (binding.kind() == Binding.Kind.BOUND) {
          return keepOrDraw(i, request, pool, binding, w);
        }
        if (binding.kind() == Binding.Kind.GONE) {
          ambiguous |= gone >= 0;
          gone = i;
          gonePool = pool;
          goneBinding = binding;
        }
      }
      if (gone >= 0 && !ambiguous) {
        return keepOrDraw(gone, request, gonePool, goneBinding, w);
      }
    }
    return pickByWeight(request, w, -1);
  }

  /**
   * The session's member decides; if its upstream has no backend to decide on (an empty or wholly
   * down upstream cannot keep its sessions), the request is drawn by weight among the others.
   */
  private SplitDecision keepOrDraw(
      int owner, RequestContext request, PoolSnapshot pool, Binding binding, int[] w) {
    Decision d = members[owner].pick(request, pool, binding);
    if (d.hasBackend() || d.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
      return new SplitDecision(
          owner, names[owner], members[owner], d, SplitDecision.Reason.SESSION);
    }
    return pickByWeight(request, w, owner);
  }

  /**
   * Picks again within the same member for a request whose previous attempt failed (see {@link
   * LoadBalancer#retry}). A decision without a member stays without one.
   */
  public SplitDecision retry(SplitDecision previous) {
    LoadBalancer lb = previous.loadBalancer();
    Decision decision = previous.decision();
    if (lb == null || decision == null) {
      return previous;
    }
    return new SplitDecision(
        previous.memberIndex(), previous.member(), lb, lb.retry(decision), previous.reason());
  }

  /**
   * Reports how the request ended to the member's load balancer (see {@link LoadBalancer#report}).
   */
  public void report(SplitDecision decision, Outcome outcome) {
    LoadBalancer lb = decision.loadBalancer();
    Decision d = decision.decision();
    if (lb != null && d != null) {
      lb.report(d, outcome);
    }
  }

  private SplitDecision pickByWeight(RequestContext request, int[] w, int excluded) {
    // Each member at most once: one whose upstream has no backend is left out and we draw again.
    long left = excluded >= 0 ? 1L << excluded : 0L;
    for (int attempt = 0; attempt < members.length; attempt++) {
      int i = draw(w, left);
      if (i < 0) {
        break;
      }
      Decision d = members[i].pick(request);
      if (d.hasBackend() || d.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
        return new SplitDecision(i, names[i], members[i], d, SplitDecision.Reason.WEIGHT);
      }
      left |= 1L << i;
    }
    return new SplitDecision(-1, null, null, null, SplitDecision.Reason.NO_MEMBER);
  }

  /** A member not in {@code leftOut}, drawn with probability weight / total weight, or -1. */
  private static int draw(int[] w, long leftOut) {
    long total = 0;
    for (int i = 0; i < w.length; i++) {
      if ((leftOut & (1L << i)) == 0) {
        total += w[i];
      }
    }
    if (total == 0) {
      return -1;
    }
    long x = ThreadLocalRandom.current().nextLong(total);
    for (int i = 0; i < w.length; i++) {
      if ((leftOut & (1L << i)) == 0) {
        x -= w[i];
        if (x < 0) {
          return i;
        }
      }
    }
    return -1; // unreachable: x < total
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "member: \"" + name + "\" (expected: one of " + Arrays.toString(names) + ")");
  }

  private static void checkWeight(String name, int weight) {
    checkArgument(
        weight >= 0 && weight <= MAX_WEIGHT,
        "weight of member %s: %s (expected: 0..%s)",
        name,
        weight,
        MAX_WEIGHT);
  }

  @Override
  public String toString() {
    int[] w = weights;
    List<String> parts = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      parts.add(names[i] + '=' + w[i]);
    }
    return "TrafficSplit{"
        + String.join(", ", parts)
        + (behavior == CanaryBehavior.LEGACY ? ", legacy" : "")
        + '}';
  }

  private static final class Member {
    final LoadBalancer loadBalancer;
    final int weight;

    Member(LoadBalancer loadBalancer, int weight) {
      this.loadBalancer = loadBalancer;
      this.weight = weight;
    }
  }

  /** Builds a {@link TrafficSplit}. */
  public static final class Builder {
    private final Map<String, Member> members = new LinkedHashMap<>();
    private CanaryBehavior behavior = CanaryBehavior.STICKY;

    private Builder() {}

    /**
     * Adds a member: an upstream's load balancer and its share of new sessions (a Gateway API
     * {@code backendRef} weight, 0..{@value #MAX_WEIGHT}; 0 takes no new sessions but keeps its
     * sessions).
     */
    public Builder member(String name, LoadBalancer loadBalancer, int weight) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(loadBalancer, "loadBalancer");
      checkArgument(!name.isBlank(), "member name: \"%s\" (expected: a non-blank name)", name);
      checkArgument(
          !members.containsKey(name), "member: \"%s\" (expected: a name not used yet)", name);
      checkArgument(
          members.size() < MAX_MEMBERS,
          "members: more than %s (expected: at most %s, the Gateway API allows 16)",
          MAX_MEMBERS,
          MAX_MEMBERS);
      checkWeight(name, weight);
      members.put(name, new Member(loadBalancer, weight));
      return this;
    }

    /** How requests with a session are treated; {@link CanaryBehavior#STICKY} unless set. */
    public Builder canaryBehavior(CanaryBehavior behavior) {
      this.behavior = Objects.requireNonNull(behavior, "canaryBehavior");
      return this;
    }

    /**
     * Builds the split.
     *
     * @throws IllegalArgumentException if there is no member
     */
    public TrafficSplit build() {
      checkArgument(!members.isEmpty(), "members: none (expected: at least one member)");
      return new TrafficSplit(this);
    }
  }
}
