package dev.lbkit.demo;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.DecisionCounters;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Router;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import dev.lbkit.demo.GatewayConfig.TableSessions;
import dev.lbkit.demo.GatewayConfig.TrustedProxies;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import dev.lbkit.micrometer.UpstreamMetrics;
import dev.lbkit.redis.RedisSessionStore;
import dev.lbkit.servlet.LoadBalancingFilter;
import dev.lbkit.servlet.LoadBalancingProxyServlet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The gateway: one Jetty 12 server whose requests are routed by host and path ({@link RouteTable})
 * to one servlet context per route, where lb-servlet's {@link LoadBalancingFilter} picks the
 * backend with the route's {@link LoadBalancer} (or, for a route across several upstreams, its
 * {@link TrafficSplit} and then the chosen upstream's load balancer) and a {@link
 * LoadBalancingProxyServlet} forwards to it.
 *
 * <p>Every load balancer counts its decisions ({@link DecisionCounters}) and feeds Micrometer
 * ({@link UpstreamMetrics}, in a Prometheus registry): {@link AdminEndpoints} shows them to local
 * clients under {@code /lbkit/}.
 *
 * <p>Everything live (upstreams, selectors, session affinities) is built here from the immutable
 * {@link GatewayConfig}, so two gateways started from one config are independent replicas that
 * agree only through what the config says: the same backends, methods and token secrets.
 */
final class Gateway implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final Map<String, Upstream> upstreams;
  private final Map<String, Router> routers;
  private final SessionStore sessionStore;

  private Gateway(
      Server server,
      ServerConnector connector,
      Map<String, Upstream> upstreams,
      Map<String, Router> routers,
      SessionStore sessionStore) {
    this.server = server;
    this.connector = connector;
    this.upstreams = upstreams;
    this.routers = routers;
    this.sessionStore = sessionStore;
  }

  /**
   * Builds the upstreams and one load balancer per route, then starts listening.
   *
   * @throws Exception if Jetty cannot start, such as when the port is taken
   */
  static Gateway start(GatewayConfig config) throws Exception {
    ClientAddressResolver resolver = resolver(config.trustedProxies());

    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    Map<String, DecisionCounters> counters = new LinkedHashMap<>();
    Map<String, UpstreamMetrics> metrics = new LinkedHashMap<>();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (UpstreamSpec spec : config.upstreams()) {
      Upstream upstream =
          Upstream.builder(spec.name())
              .backends(spec.backends())
              .passiveHealth(PassiveHealth.of(spec.maxFails(), spec.failTimeout()))
              .build();
      upstreams.put(spec.name(), upstream);
      counters.put(spec.name(), DecisionCounters.of(upstream));
      UpstreamMetrics m = UpstreamMetrics.of(upstream);
      m.bindTo(registry);
      metrics.put(spec.name(), m);
    }
    Observers observers = new Observers(counters, metrics, sessionStore(config));

    Map<String, Router> routers = new LinkedHashMap<>();
    List<Handler> contexts = new ArrayList<>();
    for (RouteSpec route : config.routes()) {
      LoadBalancingFilter.Builder filter;
      if (route.splits()) {
        TrafficSplit.Builder split = TrafficSplit.builder().canaryBehavior(route.canaryBehavior());
        for (BackendRef ref : route.backendRefs()) {
          // Each upstream keeps its own sessions: a v1 session is no session for v2, so that the
          // split can tell which member a session belongs to.
          split.member(
              ref.upstream(),
              loadBalancer(
                  config,
                  route,
                  ref.upstream(),
                  upstreams,
                  observers,
                  route.name() + '/' + ref.upstream()),
              ref.weight());
        }
        TrafficSplit built = split.build();
        routers.put(route.name(), built);
        filter = LoadBalancingFilter.builder(built);
      } else {
        LoadBalancer lb =
            loadBalancer(
                config, route, route.backendRefs().get(0).upstream(), upstreams, observers, null);
        routers.put(route.name(), lb);
        filter = LoadBalancingFilter.builder(lb);
      }
      contexts.add(routeContext(route, filter.clientAddressResolver(resolver).build()));
    }

    Server server = Servers.create("gateway", 200, 8, 2_000);
    // The proxied response carries the backend's Date; a second one from the gateway, or a
    // Server header naming Jetty, would only add noise (nginx hides the upstream's instead).
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.listen().host());
    connector.setPort(config.listen().port());
    connector.setReuseAddress(true);
    server.addConnector(connector);
    AdminEndpoints admin = new AdminEndpoints(new StatusPage(routers, counters), registry);
    server.setHandler(new Routes(RouteTable.of(config.routes(), contexts), contexts, admin));
    try {
      Servers.start(server);
    } catch (Exception e) {
      observers.sessionStore.close();
      throw e;
    }
    return new Gateway(server, connector, upstreams, routers, observers.sessionStore);
  }

  /** The port the gateway listens on (the bound one when the file said 0). */
  int port() {
    return connector.getLocalPort();
  }

  /** The host the gateway listens on. */
  String host() {
    return connector.getHost();
  }

  /** The live upstream of this name: tests and operators change backends through it. */
  Upstream upstream(String name) {
    Upstream u = upstreams.get(name);
    if (u == null) {
      throw new IllegalArgumentException(
          "no upstream " + name + " (expected: " + upstreams.keySet() + ")");
    }
    return u;
  }

  /** The router of a route: a load balancer, or a traffic split for several upstreams. */
  Router router(String route) {
    Router router = routers.get(route);
    if (router == null) {
      throw new IllegalArgumentException(
          "no route " + route + " (expected: " + routers.keySet() + ")");
    }
    return router;
  }

  /** The load balancer of a route that goes to one upstream. */
  LoadBalancer loadBalancer(String route) {
    if (router(route) instanceof LoadBalancer lb) {
      return lb;
    }
    throw new IllegalArgumentException("route " + route + " splits across upstreams");
  }

  /** The traffic split of a route across several upstreams: operators change weights with it. */
  TrafficSplit trafficSplit(String route) {
    if (router(route) instanceof TrafficSplit split) {
      return split;
    }
    throw new IllegalArgumentException("route " + route + " goes to one upstream");
  }

  /**
   * The load balancer of a route's upstream. Sessions are the route's (the reader scoped them to
   * the route, so that two routes never share sessions while replicas of one file do), or, given a
   * {@code scope}, that upstream's within the route.
   */
  private static LoadBalancer loadBalancer(
      GatewayConfig config,
      RouteSpec route,
      String upstreamName,
      Map<String, Upstream> upstreams,
      Observers observers,
      @Nullable String scope) {
    UpstreamSpec upstream = config.upstream(upstreamName);
    return LoadBalancer.builder(Objects.requireNonNull(upstreams.get(upstream.name())))
        .selector(upstream.method().selector())
        .affinity(affinity(route, scope, observers.sessionStore))
        .maxTries(route.maxTries())
        .listener(Objects.requireNonNull(observers.counters.get(upstream.name())))
        .listener(Objects.requireNonNull(observers.metrics.get(upstream.name())))
        .build();
  }

  /**
   * How a route's sessions stick: a session table in {@code store}, a token (scoped to {@code
   * scope} when the route splits), or not at all.
   */
  private static SessionAffinity affinity(
      RouteSpec route, @Nullable String scope, SessionStore store) {
    TableSessions tables = route.tables();
    if (tables != null) {
      return tables.toAffinity(store, route.name() + ".stick");
    }
    SessionPersistence persistence = route.session();
    if (persistence == null) {
      return SessionAffinity.none();
    }
    return scope == null
        ? persistence.toAffinity()
        : persistence.toBuilder().scope(scope).build().toAffinity();
  }

  /**
   * What every load balancer shares: its upstream's listeners, by upstream name, and the store of
   * the routes' session tables.
   */
  private record Observers(
      Map<String, DecisionCounters> counters,
      Map<String, UpstreamMetrics> metrics,
      SessionStore sessionStore) {}

  /**
   * Where the routes' session tables live: on the file's Redis, shared by the replicas that name
   * it, or in this gateway's memory (100,000 sessions per table, lost on restart).
   */
  private static SessionStore sessionStore(GatewayConfig config) {
    GatewayConfig.RedisSpec redis = config.redis();
    if (redis == null) {
      return SessionStore.inMemory(100_000);
    }
    return RedisSessionStore.builder(redis.uri()).timeout(redis.timeout()).build();
  }

  /** Stops listening, lets requests in flight finish (briefly) and stops the proxy clients. */
  @Override
  public void close() {
    Servers.stop(server, "the gateway");
    sessionStore.close();
  }

  private static ClientAddressResolver resolver(@Nullable TrustedProxies trusted) {
    if (trusted == null) {
      return ClientAddressResolver.direct();
    }
    return ClientAddressResolver.builder()
        .trustedProxies(trusted.addresses())
        .header(trusted.header())
        .recursive(trusted.recursive())
        .build();
  }

  private static ServletContextHandler routeContext(RouteSpec route, LoadBalancingFilter lb) {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.setDisplayName("route " + route.name());

    FilterHolder filter = new FilterHolder(lb);
    filter.setName("lbkit-" + route.name());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));

    ServletHolder proxy =
        new ServletHolder("proxy-" + route.name(), new LoadBalancingProxyServlet());
    proxy.setAsyncSupported(true);
    // As Gateway API implementations do: the backend sees the Host the client asked for.
    proxy.setInitParameter("preserveHost", "true");
    proxy.setInitParameter("idleTimeout", "30000");
    proxy.setInitParameter("timeout", "60000");
    context.addServlet(proxy, "/*");
    return context;
  }

  /**
   * Hands each request to the servlet context of its route, and answers a request no route matches
   * with a short plain-text 404 that repeats nothing the client sent.
   */
  private static final class Routes extends Handler.Sequence {
    private static final ByteBuffer NO_ROUTE =
        ByteBuffer.wrap(
                "404 Not Found: no route for this host and path\n"
                    .getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();

    private final RouteTable<Handler> router;
    private final AdminEndpoints admin;

    Routes(RouteTable<Handler> router, List<Handler> contexts, AdminEndpoints admin) {
      super(contexts);
      this.router = router;
      this.admin = admin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (AdminEndpoints.claims(Request.getPathInContext(request))) {
        admin.handle(request, response, callback);
        return true;
      }
      Handler route =
          router.route(Request.getServerName(request), Request.getPathInContext(request));
      if (route != null && route.handle(request, response, callback)) {
        return true;
      }
      response.setStatus(HttpStatus.NOT_FOUND_404);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=us-ascii");
      response.write(true, NO_ROUTE.slice(), callback);
      return true;
    }
  }
}
