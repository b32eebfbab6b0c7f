package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A route that splits its traffic across several members by weight, each a {@link Router} of its
 * own (an upstream's {@link LoadBalancer}, or another split): the Gateway API's weighted {@code
 * backendRefs}, an ingress-nginx canary, a blue/green cut-over.
 *
 * <pre>{@code
 * TrafficSplit split = TrafficSplit.builder()
 *     .member("stable", stableLb, 90)
 *     .member("canary", canaryLb, 10)
 *     .build();
 * Decision d = split.pick(request);       // d.members() is [stable] or [canary]
 * if (!d.hasBackend()) { respond503(); return; }
 * d.responseHeaders().forEach(h -> response.addHeader(h.name(), h.value()));
 * ... forward to d.backend(), then d.report(outcome); a retry (d.retry()) stays in the member
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
public final class TrafficSplit implements Router {
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
  private final Router[] members;

  /** Where a decision without a member comes from: the first load balancer inside the split. */
  private final LoadBalancer firstLoadBalancer;

  private final CanaryBehavior behavior;

  /** The seeded generator of reproducible draws ({@link Builder#seed}), or {@code null}. */
  private final @Nullable Random seeded;

  private final Object writeLock = new Object();
  private volatile int[] weights;

  private TrafficSplit(Builder builder) {
    int n = builder.members.size();
    this.names = builder.members.keySet().toArray(new String[0]);
    this.members = new Router[n];
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      Member m = Objects.requireNonNull(builder.members.get(names[i]));
      members[i] = m.router;
      w[i] = m.weight;
    }
    this.weights = w;
    this.firstLoadBalancer = firstLoadBalancer(members[0]);
    this.behavior = builder.behavior;
    Long seed = builder.seed;
    this.seeded = seed == null ? null : new Random(seed);
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
   * The router of the named member: a load balancer, or a nested split.
   *
   * @throws IllegalArgumentException if there is no such member
   */
  public Router member(String name) {
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

  /**
   * Decides which member and which backend a request goes to: the member whose session the request
   * carries, else one drawn by weight. Never throws on client input.
   */
  @Override
  public Decision pick(RequestContext request) {
    ResolvedSession session = resolveSession(request);
    if (session.isPresent()) {
      return session.pick();
    }
    return pickByWeight(request, -1);
  }

  /**
   * The member whose session the request carries (none in {@link CanaryBehavior#LEGACY} mode): the
   * first that binds it, else the one member whose session names a backend that is gone (two such
   * make it nobody's). Each member's session is resolved once, and its pick decides on what was
   * resolved; should that member have no backend at all, the request is drawn by weight among the
   * others.
   */
  @Override
  public ResolvedSession resolveSession(RequestContext request) {
    if (behavior != CanaryBehavior.STICKY) {
      return ResolvedSession.none();
    }
    int gone = -1;
    boolean ambiguous = false;
    ResolvedSession goneSession = null;
    for (int i = 0; i < members.length; i++) {
      ResolvedSession session = members[i].resolveSession(request);
      if (session.kind() == Binding.Kind.BOUND) {
        return owned(i, session, request);
      }
      if (session.kind() == Binding.Kind.GONE) {
        ambiguous |= gone >= 0;
        gone = i;
        goneSession = session;
      }
    }
    if (goneSession != null && !ambiguous) {
      return owned(gone, goneSession, request);
    }
    return ResolvedSession.none();
  }

  private ResolvedSession owned(int owner, ResolvedSession session, RequestContext request) {
    return new ResolvedSession(session.kind(), () -> keepOrDraw(owner, session, request));
  }

  /**
   * The session's member decides; if its upstream has no backend to decide on (an empty or wholly
   * down upstream cannot keep its sessions), the request is drawn by weight among the others.
   */
  private Decision keepOrDraw(int owner, ResolvedSession session, RequestContext request) {
    Decision d = session.pick();
    if (d.hasBackend() || d.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
      return d.viaMember(names[owner]);
    }
    return pickByWeight(request, owner);
  }

  private Decision pickByWeight(RequestContext request, int excluded) {
    int[] w = weights;
    // Each member at most once: one whose upstream has no backend is left out and we draw again.
    long left = excluded >= 0 ? 1L << excluded : 0L;
    for (int attempt = 0; attempt < members.length; attempt++) {
      int i = draw(w, left);
      if (i < 0) {
        break;
      }
      Decision d = members[i].pick(request);
      if (d.hasBackend() || d.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
        return d.viaMember(names[i]);
      }
      left |= 1L << i;
    }
    return firstLoadBalancer.noBackend(request, Decision.Reason.NO_MEMBER);
  }

  private static LoadBalancer firstLoadBalancer(Router router) {
    return router instanceof LoadBalancer
        ? (LoadBalancer) router
        : ((TrafficSplit) router).firstLoadBalancer;
  }

  /** A member not in {@code leftOut}, drawn with probability weight / total weight, or -1. */
  private int draw(int[] w, long leftOut) {
    long total = 0;
    for (int i = 0; i < w.length; i++) {
      if ((leftOut & (1L << i)) == 0) {
        total += w[i];
      }
    }
    if (total == 0) {
      return -1;
    }
    Random random = seeded != null ? seeded : ThreadLocalRandom.current();
    long x = random.nextLong(total);
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
    final Router router;
    final int weight;

    Member(Router router, int weight) {
      this.router = router;
      this.weight = weight;
    }
  }

  /** Builds a {@link TrafficSplit}. */
  public static final class Builder {
    private final Map<String, Member> members = new LinkedHashMap<>();
    private CanaryBehavior behavior = CanaryBehavior.STICKY;
    private @Nullable Long seed;

    private Builder() {}

    /**
     * Adds a member: an upstream's load balancer (or a nested split) and its share of new sessions
     * (a Gateway API {@code backendRef} weight, 0..{@value #MAX_WEIGHT}; 0 takes no new sessions
     * but keeps its sessions).
     */
    public Builder member(String name, Router router, int weight) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(router, "router");
      checkArgument(!name.isBlank(), "member name: \"%s\" (expected: a non-blank name)", name);
      checkArgument(
          !members.containsKey(name), "member: \"%s\" (expected: a name not used yet)", name);
      checkArgument(
          members.size() < MAX_MEMBERS,
          "members: more than %s (expected: at most %s, the Gateway API allows 16)",
          MAX_MEMBERS,
          MAX_MEMBERS);
      checkWeight(name, weight);
      members.put(name, new Member(router, weight));
      return this;
    }

    /** How requests with a session are treated; {@link CanaryBehavior#STICKY} unless set. */
    public Builder canaryBehavior(CanaryBehavior behavior) {
      this.behavior = Objects.requireNonNull(behavior, "canaryBehavior");
      return this;
    }

    /**
     * Draws the members of new sessions from a {@link Random} seeded with {@code seed}, for tests
     * and simulations: the same requests, in the same order, go to the same members. Unset (the
     * default), each thread draws from its own {@link ThreadLocalRandom}, which concurrent picks do
     * not contend on; a seeded split's draws of concurrent picks interleave in no fixed order.
     */
    public Builder seed(long seed) {
      this.seed = seed;
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
