package dev.lbkit.demo;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
        source, listen, tokenSecrets, trustedProxies, demoBackends, upstreams, routes);
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

  /** The load-balancing methods, as nginx spells them where nginx has them. */
  enum Method {
    ROUND_ROBIN("round_robin"),
    LEAST_CONN("least_conn"),
    RANDOM("random"),
    RANDOM_TWO_LEAST_CONN("random two least_conn"),
    IP_HASH("ip_hash"),
    HASH("hash"),
    HASH_CONSISTENT("hash consistent"),
    KETAMA("ketama"),
    RING("ring"),
    MAGLEV("maglev");

    private final String spelling;

    Method(String spelling) {
      this.spelling = spelling;
    }

    String spelling() {
      return spelling;
    }

    /** Whether the method hashes a {@code key} from the request. */
    boolean needsKey() {
      return this == HASH
          || this == HASH_CONSISTENT
          || this == KETAMA
          || this == RING
          || this == MAGLEV;
    }

    static @Nullable Method parse(String text) {
      String normalized = text.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
      for (Method m : values()) {
        if (m.spelling.equals(normalized)) {
          return m;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return spelling;
    }
  }

  /**
   * An upstream: its method, the hash key (nginx variable syntax) when the method needs one, and
   * nginx's passive health ({@code max_fails}, {@code fail_timeout}).
   */
  record UpstreamSpec(
      String name,
      Method method,
      @Nullable HashKey key,
      List<Backend> backends,
      int maxFails,
      Duration failTimeout) {
    UpstreamSpec {
      backends = List.copyOf(backends);
    }
  }

  /**
   * What a hash method hashes, written as the nginx variable: {@code $remote_addr}, {@code
   * $request_uri}, {@code $uri}, {@code $http_NAME}, {@code $cookie_NAME} or {@code $arg_NAME}.
   */
  record HashKey(Kind kind, String name, String spelling) {
    enum Kind {
      CLIENT_ADDRESS,
      REQUEST_URI,
      PATH,
      HEADER,
      COOKIE,
      QUERY_PARAMETER
    }

    static final String ALLOWED =
        "$remote_addr, $binary_remote_addr, $request_uri, $uri, $http_NAME, $cookie_NAME or"
            + " $arg_NAME";

    static @Nullable HashKey parse(String text) {
      String t = text.trim();
      switch (t) {
        case "$remote_addr":
        case "$binary_remote_addr":
          return new HashKey(Kind.CLIENT_ADDRESS, "", t);
        case "$request_uri":
          return new HashKey(Kind.REQUEST_URI, "", t);
        case "$uri":
          return new HashKey(Kind.PATH, "", t);
        default:
          break;
      }
      if (t.startsWith("$http_") && isName(t, 6)) {
        // As nginx: $http_x_user reads the header X-User (underscores stand for dashes).
        return new HashKey(Kind.HEADER, t.substring(6).replace('_', '-'), t);
      }
      if (t.startsWith("$cookie_") && isName(t, 8)) {
        return new HashKey(Kind.COOKIE, t.substring(8), t);
      }
      if (t.startsWith("$arg_") && isName(t, 5)) {
        return new HashKey(Kind.QUERY_PARAMETER, t.substring(5), t);
      }
      return null;
    }

    private static boolean isName(String s, int from) {
      if (s.length() <= from) {
        return false;
      }
      for (int i = from; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '-';
        if (!ok) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return spelling;
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

  /** One upstream a route sends to, with its share of new sessions. */
  record BackendRef(String upstream, int weight) {}

  /**
   * A route: where requests match, where they go, and how sessions stick (built by lb-cookie from
   * the file's Gateway API fields or ingress-nginx annotations; {@code null} for none).
   */
  record RouteSpec(
      String name,
      List<String> hostnames,
      PathMatch path,
      List<BackendRef> backendRefs,
      @Nullable SessionPersistence session,
      int maxTries) {
    RouteSpec {
      hostnames = List.copyOf(hostnames);
      backendRefs = List.copyOf(backendRefs);
    }
  }
}
