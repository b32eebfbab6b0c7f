package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One server that requests can be sent to: an immutable value.
 *
 * <p>The {@linkplain #id() id} is what sessions, routes and hash rings refer to. It must stay the
 * same for the same server across restarts and across gateway replicas, so it is always given
 * explicitly and never derived from {@link #toString()} or from an object identity.
 *
 * <pre>{@code
 * Backend tea1 = Backend.of("tea-1", "10.0.0.5", 8080).withWeight(2).withRoute("node1");
 * }</pre>
 */
public final class Backend {
  /** Used by {@link #maxConnections()} when the backend has no limit. */
  public static final int UNLIMITED = 0;

  private final String id;
  private final String host;
  private final int port;
  private final int weight;
  private final @Nullable String route;
  private final BackendState state;
  private final int maxConnections;
  private final @Nullable String zone;

  private Backend(
      String id,
      String host,
      int port,
      int weight,
      @Nullable String route,
      BackendState state,
      int maxConnections,
      @Nullable String zone) {
    this.id = id;
    this.host = host;
    this.port = port;
    this.weight = weight;
    this.route = route;
    this.state = state;
    this.maxConnections = maxConnections;
    this.zone = zone;
  }

  /**
   * Returns an {@link BackendState#UP UP} backend of weight 1 with no route label and no connection
   * limit.
   *
   * @throws IllegalArgumentException if {@code id} or {@code host} is empty or the port is not in
   *     1..65535
   */
  public static Backend of(String id, String host, int port) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
    checkArgument(!id.isEmpty(), "id: \"\" (expected: a non-empty string)");
    checkArgument(
        !host.isEmpty(), "host of backend %s: \"\" (expected: a host name or address)", id);
    checkArgument(
        port >= 1 && port <= 65535, "port of backend %s: %s (expected: 1..65535)", id, port);
    return new Backend(id, host, port, 1, null, BackendState.UP, UNLIMITED, null);
  }

  /** The stable identity that sessions, routes and rings refer to. */
  public String id() {
    return id;
  }

  /** The host name or address literal to connect to. */
  public String host() {
    return host;
  }

  /** The port to connect to. */
  public int port() {
    return port;
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  public String authority() {
    return host.indexOf(':') >= 0 && !host.startsWith("[")
        ? "[" + host + "]:" + port
        : host + ':' + port;
  }

  /** The relative share of new picks, at least 1 (as nginx {@code weight=}). */
  public int weight() {
    return weight;
  }

  /**
   * The route label, as Tomcat's {@code jvmRoute}: a request whose {@code JSESSIONID} ends in
   * {@code .label} belongs to this backend. {@code null} when the backend has none.
   */
  public @Nullable String route() {
    return route;
  }

  /** The administrative state. */
  public BackendState state() {
    return state;
  }

  /**
   * The most requests this backend may have in flight at once (as nginx {@code max_conns}), or
   * {@link #UNLIMITED}.
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The zone the backend runs in (as Kubernetes' {@code topology.kubernetes.io/zone}), kept for
   * locality-aware selection; {@code null} when unknown. No selector reads it yet.
   */
  public @Nullable String zone() {
    return zone;
  }

  /** Returns a copy with the given weight, or this backend if it already has it. */
  public Backend withWeight(int weight) {
    checkArgument(
        weight >= 1 && weight <= MAX_WEIGHT,
        "weight of backend %s: %s (expected: 1..%s)",
        id,
        weight,
        MAX_WEIGHT);
    return weight == this.weight
        ? this
        : new Backend(id, host, port, weight, route, state, maxConnections, zone);
  }

  /** Returns a copy with the given route label ({@code null} for none). */
  public Backend withRoute(@Nullable String route) {
    if (route != null) {
      checkArgument(
          !route.isEmpty() && route.chars().allMatch(Backend::isRouteChar),
          "route of backend %s: \"%s\" (expected: letters, digits, '-' or '_')",
          id,
          route);
    }
    return Objects.equals(route, this.route)
        ? this
        : new Backend(id, host, port, weight, route, state, maxConnections, zone);
  }

  /** Returns a copy in the given state. */
  public Backend withState(BackendState state) {
    Objects.requireNonNull(state, "state");
    return state == this.state
        ? this
        : new Backend(id, host, port, weight, route, state, maxConnections, zone);
  }

  /** Returns a copy with the given limit of requests in flight ({@link #UNLIMITED} for none). */
  public Backend withMaxConnections(int maxConnections) {
    checkArgument(
        maxConnections >= 0,
        "maxConnections of backend %s: %s (expected: >= 0, 0 for unlimited)",
        id,
        maxConnections);
    return maxConnections == this.maxConnections
        ? this
        : new Backend(id, host, port, weight, route, state, maxConnections, zone);
  }

  /**
   * Returns a copy in the given zone ({@code null} for unknown), or this backend if it is in it.
   */
  public Backend withZone(@Nullable String zone) {
    if (zone != null) {
      checkArgument(
          !zone.isEmpty(), "zone of backend %s: \"\" (expected: a zone name, or null)", id);
    }
    return Objects.equals(zone, this.zone)
        ? this
        : new Backend(id, host, port, weight, route, state, maxConnections, zone);
  }

  /** The largest weight accepted, so that weight tables stay small. */
  public static final int MAX_WEIGHT = 10_000;

  private static boolean isRouteChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Backend)) {
      return false;
    }
    Backend that = (Backend) o;
    return port == that.port
        && weight == that.weight
        && maxConnections == that.maxConnections
        && id.equals(that.id)
        && host.equals(that.host)
        && Objects.equals(route, that.route)
        && state == that.state
        && Objects.equals(zone, that.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, host, port, weight, route, state, maxConnections, zone);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Backend{").append(id).append(", ").append(authority());
    if (weight != 1) {
      sb.append(", weight=").append(weight);
    }
    if (route != null) {
      sb.append(", route=").append(route);
    }
    if (state != BackendState.UP) {
      sb.append(", ").append(state);
    }
    if (maxConnections != UNLIMITED) {
      sb.append(", maxConnections=").append(maxConnections);
    }
    if (zone != null) {
      sb.append(", zone=").append(zone);
    }
    return sb.append('}').toString();
  }
}
