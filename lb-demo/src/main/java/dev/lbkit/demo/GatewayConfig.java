package dev.lbkit.demo;

import dev.lbkit.config.Durations;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.config.NginxConfig;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.cookie.StickTable;
import dev.lbkit.core.Backend;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The gateway file, read and checked: where to listen, the token secrets, the trusted proxies, the
 * upstreams with their load-balancing methods, and the routes with their session persistence.
 *
 * <p>Only immutable descriptions: {@link Gateway} builds the live upstreams and load balancers from
 * them, so that two gateways started from one config (replicas in a test) share no state.
 */
record GatewayConfig(
    String source,
    HostPort listen,
    List<String> tokenSecrets,
    boolean insecureUnsignedTokens,
    @Nullable TrustedProxies trustedProxies,
    boolean demoBackends,
    List<UpstreamSpec> upstreams,
    List<RouteSpec> routes,
    @Nullable RedisSpec redis) {

  GatewayConfig {
    tokenSecrets = List.copyOf(tokenSecrets);
    upstreams = List.copyOf(upstreams);
    routes = List.copyOf(routes);
  }

  /** The same config listening elsewhere: how a test runs two replicas of one file. */
  GatewayConfig withListen(HostPort listen) {
    return new GatewayConfig(
        source,
        listen,
        tokenSecrets,
        insecureUnsignedTokens,
        trustedProxies,
        demoBackends,
        upstreams,
        routes,
        redis);
  }

  /** The same config with its session tables on another Redis (or in memory for null). */
  GatewayConfig withRedis(@Nullable RedisSpec redis) {
    return new GatewayConfig(
        source,
        listen,
        tokenSecrets,
        insecureUnsignedTokens,
        trustedProxies,
        demoBackends,
        upstreams,
        routes,
        redis);
  }

  /** A config whose session tables stay in memory: the shape the manifests give. */
  GatewayConfig(
      String source,
      HostPort listen,
      List<String> tokenSecrets,
      boolean insecureUnsignedTokens,
      @Nullable TrustedProxies trustedProxies,
      boolean demoBackends,
      List<UpstreamSpec> upstreams,
      List<RouteSpec> routes) {
    this(
        source,
        listen,
        tokenSecrets,
        insecureUnsignedTokens,
        trustedProxies,
        demoBackends,
        upstreams,
        routes,
        null);
  }

  /**
   * The Redis that holds the routes' session tables ({@code stickyLearn}, {@code stickTable}), so
   * that replicas share them and a restart keeps them; without one they live in the gateway's
   * memory.
   */
  record RedisSpec(String uri, Duration timeout) {}

  UpstreamSpec upstream(String name) {
    for (UpstreamSpec u : upstreams) {
      if (u.name().equals(name)) {
        return u;
      }
    }
    throw new IllegalArgumentException("no upstream " + name);
  }

  /** A host (name or address literal, IPv6 without brackets) and a port. */
  record HostPort(String host, int port) {
    /** {@code host:port}, an IPv6 literal in brackets. */
    String authority() {
      return host.indexOf(':') >= 0 ? '[' + host + "]:" + port : host + ':' + port;
    }

    @Override
    public String toString() {
      return authority();
    }
  }

  /**
   * nginx's realip module: requests from these networks may name the client in {@code header}; in
   * recursive mode trusted addresses in the header are skipped too.
   */
  record TrustedProxies(List<String> addresses, String header, boolean recursive) {
    TrustedProxies {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * An upstream: its load-balancing method (lb-cookie's, with its hash key when it has one), and
   * nginx's passive health ({@code max_fails}, {@code fail_timeout}); for manifests, the Service
   * port its backends are the pods of, so that a source that follows a cluster can keep them
   * current.
   */
  record UpstreamSpec(
      String name,
      LoadBalancingMethod method,
      List<Backend> backends,
      int maxFails,
      Duration failTimeout,
      EndpointSource.@Nullable ServicePort service) {
    UpstreamSpec {
      backends = List.copyOf(backends);
    }

    /** An upstream of a gateway file: its backends are the file's, not a Service's. */
    UpstreamSpec(
        String name,
        LoadBalancingMethod method,
        List<Backend> backends,
        int maxFails,
        Duration failTimeout) {
      this(name, method, backends, maxFails, failTimeout, null);
    }
  }

  /** A Gateway API path match. */
  record PathMatch(Type type, String value) {
    enum Type {
      Exact,
      PathPrefix
    }

    /**
     * Whether {@code path} matches, as the Gateway API says: Exact compares the whole path;
     * PathPrefix compares whole path elements, so {@code /coffee} matches {@code /coffee} and
     * {@code /coffee/x} but not {@code /coffeex}.
     */
    boolean matches(String path) {
      if (type == Type.Exact) {
        return path.equals(value);
      }
      if (value.equals("/")) {
        return true;
      }
      return path.startsWith(value)
          && (path.length() == value.length() || path.charAt(value.length()) == '/');
    }

    @Override
    public String toString() {
      return type + " " + value;
    }
  }

  /** One upstream a route sends to, with its share of new sessions (a Gateway API weight). */
  record BackendRef(String upstream, int weight) {}

  /**
   * A route: where requests match, where they go, and how sessions stick (built by lb-cookie from
   * the file's Gateway API fields or ingress-nginx annotations; {@code null} for none). A route
   * with several upstreams splits its new sessions by weight, and {@code canaryBehavior} says
   * whether a session keeps its upstream (ingress-nginx {@code affinity-canary-behavior}).
   */
  record RouteSpec(
      String name,
      List<String> hostnames,
      PathMatch path,
      List<BackendRef> backendRefs,
      @Nullable SessionPersistence session,
      TrafficSplit.CanaryBehavior canaryBehavior,
      int maxTries,
      @Nullable TableSessions tables) {
    RouteSpec {
      hostnames = List.copyOf(hostnames);
      backendRefs = List.copyOf(backendRefs);
    }

    /** A route whose sessions, if any, are tokens. */
    RouteSpec(
        String name,
        List<String> hostnames,
        PathMatch path,
        List<BackendRef> backendRefs,
        @Nullable SessionPersistence session,
        TrafficSplit.CanaryBehavior canaryBehavior,
        int maxTries) {
      this(name, hostnames, path, backendRefs, session, canaryBehavior, maxTries, null);
    }

    /**
     * Whether requests go through a traffic split: several upstreams, or one at weight 0 (which, as
     * in the Gateway API, receives nothing).
     */
    boolean splits() {
      return backendRefs.size() > 1 || backendRefs.get(0).weight() == 0;
    }
  }

  /**
   * Server-side sessions of a route, in a table of the gateway's session store: learned from the
   * backend's own session id (NGINX Plus {@code sticky learn}, the line as nginx writes it), or a
   * stick table on a request key (HAProxy {@code stick on}). Built into an affinity once the
   * gateway has its store.
   */
  record TableSessions(
      @Nullable String stickyLearn,
      @Nullable String stickOn,
      @Nullable KeyExtractor stickKey,
      Duration expire,
      SessionPersistence.OnUnavailable onUnavailable) {

    /** The same sessions with another answer for a backend that is gone or down. */
    TableSessions withOnUnavailable(SessionPersistence.OnUnavailable mode) {
      return new TableSessions(stickyLearn, stickOn, stickKey, expire, mode);
    }

    /** The affinity on {@code store}; a stick table's table is named {@code table}. */
    SessionAffinity toAffinity(SessionStore store, String table) {
      if (stickyLearn != null) {
        return NginxConfig.parseStickyLearn(stickyLearn, store)
            .onUnavailable(onUnavailable)
            .toAffinity();
      }
      return StickTable.on(Objects.requireNonNull(stickKey))
          .table(store.table(table))
          .expire(expire)
          .onUnavailable(onUnavailable)
          .toAffinity();
    }

    /** How the startup banner names it. */
    String describe() {
      return stickyLearn != null
          ? "learned sessions (" + stickyLearn + ")"
          : "stick table on "
              + stickOn
              + " (expire "
              + Durations.formatGatewayDuration(expire)
              + ")";
    }
  }
}
