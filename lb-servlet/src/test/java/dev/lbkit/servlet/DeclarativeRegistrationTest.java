package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.DispatcherType;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter and the proxy configured only by init-params, as {@code web.xml} declares them
 * (Jetty's holders are what its web.xml reader builds), in each session persistence form.
 */
class DeclarativeRegistrationTest {
  private static final String SECRET = "declarative-secret-0123456789abcdef";

  private HelloBackend one;
  private HelloBackend two;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    one = HelloBackend.start("tea-1");
    two = HelloBackend.start("tea-2");
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    one.close();
    two.close();
  }

  private String backends() {
    return "tea-1 127.0.0.1:" + one.port() + ", tea-2 127.0.0.1:" + two.port();
  }

  private static void filter(
      ServletContextHandler context, String name, Map<String, String> params, String... paths) {
    FilterHolder holder = new FilterHolder(LoadBalancingFilter.class);
    holder.setName(name);
    holder.setAsyncSupported(true);
    holder.setInitParameters(params);
    for (String path : paths) {
      context.addFilter(holder, path, EnumSet.of(DispatcherType.REQUEST));
    }
  }

  private static void proxy(
      ServletContextHandler context, Map<String, String> params, String path) {
    ServletHolder holder = new ServletHolder(LoadBalancingProxyServlet.class);
    holder.setAsyncSupported(true);
    holder.setInitParameters(params);
    context.addServlet(holder, path);
  }

  @Test
  void gatewayApiIngressNginxAndStickyForms() throws Exception {
    gateway =
        Gateway.start(
            context -> {
              filter(
                  context,
                  "tea",
                  Map.of(
                      "backends", backends(),
                      // Not the guide's random two least_conn: under round robin a cookie that
                      // did not stick sends the next request elsewhere, not only by chance.
                      "method", "round_robin",
                      "sessionPersistence.sessionName", "cookie-tea",
                      "sessionPersistence.type", "Cookie",
                      "sessionPersistence.absoluteTimeout", "24h",
                      "sessionPersistence.cookieConfig.lifetimeType", "Permanent",
                      "secret", SECRET),
                  "/tea",
                  "/tea/*");
              filter(
                  context,
                  "ingress",
                  Map.of(
                      "backends", backends(),
                      "nginx.ingress.kubernetes.io/affinity", "cookie",
                      "nginx.ingress.kubernetes.io/affinity-mode", "persistent",
                      "nginx.ingress.kubernetes.io/session-cookie-name", "INGRESSCOOKIE",
                      "nginx.ingress.kubernetes.io/session-cookie-max-age", "172800",
                      "secret", SECRET),
                  "/ingress/*");
              filter(
                  context,
                  "sticky",
                  Map.of(
                      "backends",
                      backends(),
                      "sticky",
                      "sticky cookie srv_id expires=1h path=/coffee",
                      "secret",
                      SECRET),
                  "/coffee/*");
              proxy(context, Map.of(), "/");
            });

    assertSticky("/tea", "cookie-tea=", "Max-Age=86400", "Path=/tea");
    assertSticky("/ingress/x", "INGRESSCOOKIE=", "Max-Age=172800", "Path=/ingress");
    assertSticky("/coffee/y", "srv_id=", "Max-Age=3600", "Path=/coffee");
  }

  private void assertSticky(String path, String cookiePrefix, String... attributes)
      throws Exception {
    HttpResponse<String> first = Http.get(gateway.uri(path));
    assertThat(first.statusCode()).isEqualTo(200);
    String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith(cookiePrefix).contains(attributes);
    String bound = HelloBackend.serverName(first.body());
    String cookie = Http.cookiePair(setCookie);
    for (int i = 0; i < 5; i++) {
      assertThat(HelloBackend.serverName(Http.get(gateway.uri(path), "Cookie", cookie).body()))
          .isEqualTo(bound);
    }
  }

  @Test
  void proxyServletAloneReadsTheSameInitParams() throws Exception {
    gateway =
        Gateway.start(
            context ->
                proxy(
                    context,
                    Map.of(
                        "backends", backends(),
                        "method", "least_conn",
                        "trustedProxies", "127.0.0.1",
                        "realIpHeader", "X-Forwarded-For"),
                    "/"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response = Http.get(gateway.uri("/latte"));
      assertThat(response.statusCode()).isEqualTo(200);
      seen.add(HelloBackend.serverName(response.body()));
    }
    assertThat(seen).containsExactlyInAnyOrder("tea-1", "tea-2");
  }

  @Test
  void badInitParamStopsTheFilter() {
    assertThatThrownBy(
            () ->
                gateway =
                    Gateway.start(
                        context -> {
                          filter(
                              context,
                              "tea",
                              Map.of("backends", backends(), "maxTries", "zero"),
                              "/*");
                          proxy(context, Map.of(), "/");
                        }))
        .hasStackTraceContaining("init-param maxTries: \"zero\"");
  }
}
