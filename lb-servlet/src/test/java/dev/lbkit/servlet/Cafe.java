package dev.lbkit.servlet;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.HashSelectors;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The seed guides' cafe on one Jetty: {@code /coffee} with ip_hash (clients simulated by {@code
 * X-Forwarded-For} from the trusted 127.0.0.1), {@code /tea} (Exact) with the {@code cookie-tea}
 * session over round robin, {@code /latte} with {@code random two least_conn} (seeded), and {@code
 * /header} with a header session. One filter per route, one proxy servlet for all.
 */
final class Cafe implements AutoCloseable {
  static final String SECRET = "cafe-test-secret-0123456789abcdef";
  static final String SESSION_HEADER = "X-Cafe-Session";
  static final long LATTE_SEED = 20_240_601L;
  private static final int DEFAULT_REQUEST_HEADER_SIZE =
      new org.eclipse.jetty.server.HttpConfiguration().getRequestHeaderSize();

  final Map<String, HelloBackend> backends = new HashMap<>();
  final Map<String, LoadBalancer> loadBalancers = new HashMap<>();
  final Gateway gateway;

  /** The tea session as the seed guide configures it. */
  static SessionPersistence.CookieBuilder teaSession() {
    return SessionPersistence.cookie("cookie-tea")
        .lifetime(SessionPersistence.Lifetime.PERMANENT)
        .absoluteTimeout(Duration.ofHours(24))
        .attributes(CookieAttributes.builder().path("/tea").build())
        .secrets(SECRET);
  }

  static Cafe open() throws Exception {
    return open(UnaryOperator.identity(), PassiveHealth.defaults());
  }

  static Cafe open(UnaryOperator<SessionPersistence.CookieBuilder> tea, PassiveHealth health)
      throws Exception {
    return new Cafe(tea, health, DEFAULT_REQUEST_HEADER_SIZE);
  }

  /** The cafe on a gateway that accepts request heads of up to {@code requestHeaderSize}. */
  static Cafe openWithRequestHeaderSize(int requestHeaderSize) throws Exception {
    return open(UnaryOperator.identity(), PassiveHealth.defaults(), requestHeaderSize);
  }

  static Cafe open(
      UnaryOperator<SessionPersistence.CookieBuilder> tea,
      PassiveHealth health,
      int requestHeaderSize)
      throws Exception {
    return new Cafe(tea, health, requestHeaderSize);
  }

  private Cafe(
      UnaryOperator<SessionPersistence.CookieBuilder> tea,
      PassiveHealth health,
      int requestHeaderSize)
      throws Exception {
    for (String name :
        List.of(
            "coffee-1",
            "coffee-2",
            "tea-1",
            "tea-2",
            "latte-1",
            "latte-2",
            "header-1",
            "header-2")) {
      backends.put(name, HelloBackend.start(name));
    }
    loadBalancers.put(
        "coffee",
        LoadBalancer.builder(upstream("coffee", health)).selector(HashSelectors.ipHash()).build());
    // The seed guide balances tea by random two least_conn; round robin here, because under it
    // two fresh picks in a row go to different backends: a cookie that failed to stick fails the
    // tests at the next request, where random two least_conn would repeat a backend by chance.
    loadBalancers.put(
        "tea",
        LoadBalancer.builder(upstream("tea", health))
            .selector(Selector.roundRobin())
            .affinity(tea.apply(teaSession()).build().toAffinity())
            .build());
    // Seeded, so that "both backends answer" is the same twenty draws every run.
    loadBalancers.put(
        "latte",
        LoadBalancer.builder(upstream("latte", health))
            .selector(Selector.randomTwoLeastConn(LATTE_SEED))
            .build());
    loadBalancers.put(
        "header",
        LoadBalancer.builder(upstream("header", health))
            .affinity(
                SessionPersistence.header(SESSION_HEADER).secrets(SECRET).build().toAffinity())
            .build());
    ClientAddressResolver behindProxy =
        ClientAddressResolver.builder()
            .trustedProxies("127.0.0.1")
            .header("X-Forwarded-For")
            .build();
    gateway =
        Gateway.start(
            context -> {
              route(context, "coffee", behindProxy, "/coffee", "/coffee/*");
              route(context, "tea", behindProxy, "/tea");
              route(context, "latte", behindProxy, "/latte");
              route(context, "header", behindProxy, "/header");
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            },
            requestHeaderSize);
  }

  private Upstream upstream(String name, PassiveHealth health) {
    return Upstream.builder(name)
        .backends(backend(name + "-1"), backend(name + "-2"))
        .passiveHealth(health)
        .build();
  }

  private Backend backend(String name) {
    return backends.get(name).backend();
  }

  private void route(
      ServletContextHandler context, String name, ClientAddressResolver resolver, String... paths) {
    FilterHolder filter =
        new FilterHolder(
            LoadBalancingFilter.builder(loadBalancers.get(name))
                .clientAddressResolver(resolver)
                .build());
    filter.setName(name);
    filter.setAsyncSupported(true);
    for (String path : paths) {
      context.addFilter(filter, path, EnumSet.of(DispatcherType.REQUEST));
    }
  }

  HelloBackend get(String name) {
    return backends.get(name);
  }

  LoadBalancer lb(String route) {
    return loadBalancers.get(route);
  }

  @Override
  public void close() {
    gateway.close();
    for (HelloBackend backend : backends.values()) {
      backend.close();
    }
  }
}
