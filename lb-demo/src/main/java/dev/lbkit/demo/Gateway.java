package dev.lbkit.demo;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import dev.lbkit.demo.GatewayConfig.TrustedProxies;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import dev.lbkit.servlet.LoadBalancingFilter;
import dev.lbkit.servlet.LoadBalancingProxyServlet;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The gateway: one Jetty 12 server whose requests are routed by host and path ({@link Router}) to
 * one servlet context per route, where lb-servlet's {@link LoadBalancingFilter} picks the backend
 * with the route's {@link LoadBalancer} and a {@link LoadBalancingProxyServlet} forwards to it.
 *
 * <p>Everything live (upstreams, selectors, session affinities) is built here from the immutable
 * {@link GatewayConfig}, so two gateways started from one config are independent replicas that
 * agree only through what the config says: the same backends, methods and token secrets.
 */
final class Gateway implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final Map<String, Upstream> upstreams;
  private final Map<String, LoadBalancer> loadBalancers;
  private final Map<String, SessionPersistence> sessions;

  private Gateway(
      Server server,
      ServerConnector connector,
      Map<String, Upstream> upstreams,
      Map<String, LoadBalancer> loadBalancers,
      Map<String, SessionPersistence> sessions) {
    this.server = server;
    this.connector = connector;
    this.upstreams = upstreams;
    this.loadBalancers = loadBalancers;
    this.sessions = sessions;
  }

  /**
   * Builds every load balancer (so that a bad session or method setting fails here, before a port
   * is bound) and starts listening.
   *
   * @throws ConfigException if lbkit refuses a setting of the file
   */
  static Gateway start(GatewayConfig config) throws Exception {
    ClientAddressResolver resolver = resolver(config.trustedProxies());

    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    for (UpstreamSpec spec : config.upstreams()) {
      upstreams.put(
          spec.name(),
          Upstream.builder(spec.name())
              .backends(spec.backends())
              .passiveHealth(PassiveHealth.of(spec.maxFails(), spec.failTimeout()))
              .build());
    }

    Map<String, LoadBalancer> loadBalancers = new LinkedHashMap<>();
    Map<String, SessionPersistence> sessions = new LinkedHashMap<>();
    List<Handler> contexts = new ArrayList<>();
    for (RouteSpec route : config.routes()) {
      UpstreamSpec upstream = config.upstream(route.backendRefs().get(0).upstream());
      SessionPersistence persistence = Sessions.persistence(config, route);
      LoadBalancer lb =
          LoadBalancer.builder(upstreams.get(upstream.name()))
              .selector(Selectors.of(upstream))
              .affinity(persistence == null ? SessionAffinity.none() : persistence.toAffinity())
              .maxTries(route.maxTries())
              .build();
      loadBalancers.put(route.name(), lb);
      if (persistence != null) {
        sessions.put(route.name(), persistence);
      }
      contexts.add(routeContext(route, lb, resolver));
    }

    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("gateway");
    Server server = new Server(threads);
    server.setStopTimeout(2_000);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(config.listen().host());
    connector.setPort(config.listen().port());
    connector.setReuseAddress(true);
    server.addConnector(connector);
    server.setHandler(new Routes(Router.of(config.routes(), contexts), contexts));
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new Gateway(server, connector, upstreams, loadBalancers, sessions);
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
      throw new IllegalArgumentException("no upstream " + name + " (expected: " + upstreams.keySet() + ")");
    }
    return u;
  }

  /** The load balancer of a route. */
  LoadBalancer loadBalancer(String route) {
    LoadBalancer lb = loadBalancers.get(route);
    if (lb == null) {
      throw new IllegalArgumentException("no route " + route + " (expected: " + loadBalancers.keySet() + ")");
    }
    return lb;
  }

  /** The session persistence of a route, or {@code null} when it has none. */
  @Nullable SessionPersistence session(String route) {
    return sessions.get(route);
  }

  /** Stops listening, lets requests in flight finish (briefly) and stops the proxy clients. */
  @Override
  public void close() throws Exception {
    server.stop();
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

  private static ServletContextHandler routeContext(
      RouteSpec route, LoadBalancer lb, ClientAddressResolver resolver) {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.setDisplayName("route " + route.name());

    FilterHolder filter =
        new FilterHolder(
            LoadBalancingFilter.builder(lb).clientAddressResolver(resolver).build());
    filter.setName("lbkit-" + route.name());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));

    ServletHolder proxy = new ServletHolder("proxy-" + route.name(), new LoadBalancingProxyServlet());
    proxy.setAsyncSupported(true);
    // As Gateway API implementations do: the backend sees the Host the client asked for.
    proxy.setInitParameter("preserveHost", "true");
    proxy.setInitParameter("idleTimeout", "30000");
    proxy.setInitParameter("timeout", "60000");
    context.addServlet(proxy, "/*");
    return context;
  }

  /** Hands each request to the servlet context of its route; unrouted requests get Jetty's 404. */
  private static final class Routes extends Handler.Sequence {
    private final Router<Handler> router;

    Routes(Router<Handler> router, List<Handler> contexts) {
      super(contexts);
      this.router = router;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Handler route = router.route(Request.getServerName(request), Request.getPathInContext(request));
      return route != null && route.handle(request, response, callback);
    }
  }
}
