package dev.lbkit.demo;

import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.TrafficSplit;
import java.time.Duration;
import java.util.List;
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
    List<RouteSpec> routes) {

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
        routes);
  }

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
   * nginx's passive health ({@code max_fails}, {@code fail_timeout}).
   */
  record UpstreamSpec(
      String name,
      LoadBalancingMethod method,
      List<Backend> backends,
      int maxFails,
      Duration failTimeout) {
    UpstreamSpec {
      backends = List.copyOf(backends);
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
      int maxTries) {
    RouteSpec {
      hostnames = List.copyOf(hostnames);
      backendRefs = List.copyOf(backendRefs);
    }

    /**
     * Whether requests go through a traffic split: several upstreams, or one at weight 0 (which, as
     * in the Gateway API, receives nothing).
     */
    boolean splits() {
      return backendRefs.size() > 1 || backendRefs.get(0).weight() == 0;
    }
  }
}
