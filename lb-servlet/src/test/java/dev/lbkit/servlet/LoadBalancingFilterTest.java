package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Availability;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Upstream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The filter in front of an application servlet (not a proxy): what it publishes, what it writes,
 * and when it reports.
 */
class LoadBalancingFilterTest {
  private static final String SECRET = "a-test-secret-of-enough-bytes-0123456789";

  private Gateway gateway;

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static Upstream twoBackends() {
    return Upstream.of(
        "app", Backend.of("app-1", "10.0.0.1", 8080), Backend.of("app-2", "10.0.0.2", 8080));
  }

  /** Registers the filter through the Servlet API, as an application's initializer would. */
  private void start(LoadBalancingFilter filter, HttpServlet servlet) throws Exception {
    gateway =
        Gateway.start(
            context -> {
              context.addEventListener(
                  new ServletContextListener() {
                    @Override
                    public void contextInitialized(ServletContextEvent event) {
                      FilterRegistration.Dynamic registration =
                          event.getServletContext().addFilter("lb", filter);
                      registration.setAsyncSupported(true);
                      registration.addMappingForUrlPatterns(
                          EnumSet.of(DispatcherType.REQUEST), false, "/*");
                    }
                  });
              ServletHolder holder = new ServletHolder(servlet);
              holder.setAsyncSupported(true);
              context.addServlet(holder, "/*");
            });
  }

  @Test
  void publishesTheDecisionAndWritesSessionHeadersBeforeTheChain() throws Exception {
    LoadBalancer lb =
        LoadBalancer.builder(twoBackends())
            .affinity(SessionPersistence.cookie("srv_id").secrets(SECRET).build().toAffinity())
            .build();
    start(
        LoadBalancingFilter.builder(lb).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            Decision decision = LoadBalancingFilter.decision(request);
            response
                .getWriter()
                .print(
                    decision.backend().id()
                        + " "
                        + decision.reason()
                        + " cookie-written="
                        + response.getHeaders("Set-Cookie").size()
                        + " same-lb="
                        + (decision.loadBalancer() == lb));
          }
        });
    HttpResponse<String> first = Http.get(gateway.uri("/"));
    assertThat(first.body()).matches("app-[12] NEW_SESSION cookie-written=1 same-lb=true");
    String cookie = Http.cookiePair(first.headers().firstValue("Set-Cookie").orElseThrow());
    assertThat(cookie).startsWith("srv_id=");
    String backend = first.body().substring(0, 5);

    HttpResponse<String> second = Http.get(gateway.uri("/"), "Cookie", cookie);
    assertThat(second.body()).isEqualTo(backend + " STICKY_HIT cookie-written=0 same-lb=true");
    assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void noBackendAnswers503WithConfiguredRetryAfter() throws Exception {
    Upstream upstream = twoBackends();
    upstream.setState("app-1", BackendState.DOWN);
    upstream.setState("app-2", BackendState.DOWN);
    start(
        LoadBalancingFilter.builder(LoadBalancer.of(upstream))
            .retryAfter(Duration.ofMillis(2500))
            .build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response) {
            response.setStatus(299); // never reached
          }
        });
    HttpResponse<String> response = Http.get(gateway.uri("/"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(response.body()).startsWith("503 Service Unavailable");
  }

  @Test
  void noBackendCanBeLeftToTheChain() throws Exception {
    Upstream upstream = twoBackends();
    upstream.setState("app-1", BackendState.DOWN);
    upstream.setState("app-2", BackendState.DOWN);
    start(
        LoadBalancingFilter.builder(LoadBalancer.of(upstream))
            .continueChainWhenNoBackend(true)
            .build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            Decision decision = LoadBalancingFilter.decision(request);
            response.setStatus(200);
            response.getWriter().print("fallback page, " + decision.reason());
          }
        });
    HttpResponse<String> response = Http.get(gateway.uri("/"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("fallback page, NO_BACKEND");
  }

  @Test
  void asyncRequestIsInFlightUntilItCompletes() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("app", Backend.of("app-1", "10.0.0.1", 8080)));
    BlockingQueue<AsyncContext> pending = new LinkedBlockingQueue<>();
    start(
        LoadBalancingFilter.builder(lb).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            pending.add(async);
          }
        });
    PoolSnapshot pool = lb.upstream().snapshot();
    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Http.get(gateway.uri("/slow"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    AsyncContext async = pending.poll(10, TimeUnit.SECONDS);
    assertThat(async).isNotNull();
    // The filter has returned, the request has not ended: it is still counted.
    assertThat(pool.inFlight(0)).isEqualTo(1);
    HttpServletResponse response = (HttpServletResponse) async.getResponse();
    response.setStatus(200);
    response.getWriter().print("done");
    async.complete();
    assertThat(answer.get(10, TimeUnit.SECONDS).body()).isEqualTo("done");
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(pool.availability(0)).isEqualTo(Availability.AVAILABLE);
  }

  @Test
  void asyncTimeoutIsReportedAsFailure() throws Exception {
    // Two backends: nginx never fails a single peer by passive health.
    LoadBalancer lb = LoadBalancer.of(twoBackends());
    start(
        LoadBalancingFilter.builder(lb).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response) {
            request.startAsync().setTimeout(50);
          }
        });
    HttpResponse<String> response = Http.get(gateway.uri("/"));
    assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void exceptionIsReportedAsFailure() throws Exception {
    // Two backends: nginx never fails a single peer by passive health.
    LoadBalancer lb = LoadBalancer.of(twoBackends());
    start(
        LoadBalancingFilter.builder(lb).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response) {
            throw new IllegalStateException("backend call failed");
          }
        });
    HttpResponse<String> response = Http.get(gateway.uri("/"));
    assertThat(response.statusCode()).isEqualTo(500);
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void failureStatusesDecideWhenNothingDownstreamReported() throws Exception {
    // Two backends: nginx never fails a single peer by passive health.
    LoadBalancer lb = LoadBalancer.of(twoBackends());
    start(
        LoadBalancingFilter.builder(lb).failureStatuses(599).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response) {
            response.setStatus(Integer.parseInt(request.getParameter("status")));
          }
        });
    assertThat(Http.get(gateway.uri("/?status=502")).statusCode()).isEqualTo(502);
    assertThat(availabilities(lb)).containsOnly(Availability.AVAILABLE);
    assertThat(Http.get(gateway.uri("/?status=599")).statusCode()).isEqualTo(599);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void filterBuiltForWebXmlReadsItsInitParams() throws Exception {
    gateway =
        Gateway.start(
            context -> {
              FilterHolder filter = new FilterHolder(LoadBalancingFilter.class);
              filter.setName("tea");
              filter.setAsyncSupported(true);
              filter.setInitParameter("backends", "tea-1 10.0.0.1:8080, tea-2 10.0.0.2:8080 drain");
              filter.setInitParameter("method", "least_conn");
              context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
              context.addServlet(
                  new ServletHolder(
                      new HttpServlet() {
                        private static final long serialVersionUID = 1L;

                        @Override
                        protected void service(
                            HttpServletRequest request, HttpServletResponse response)
                            throws IOException {
                          LoadBalancer lb = LoadBalancingFilter.decision(request).loadBalancer();
                          response
                              .getWriter()
                              .print(
                                  LoadBalancingFilter.decision(request).backend().id()
                                      + " "
                                      + lb.upstream().name()
                                      + " "
                                      + lb.selector().getClass().getSimpleName());
                        }
                      }),
                  "/*");
            });
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(gateway.uri("/")).body()).isEqualTo("tea-1 tea LeastConnSelector");
    }
  }

  @Test
  void nonHttpAndAlreadyRoutedRequestsPassThrough() throws Exception {
    // A forward dispatch through the filter must not pick (and count) a second time.
    LoadBalancer lb = LoadBalancer.of(twoBackends());
    gateway =
        Gateway.start(
            context -> {
              FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb).build());
              filter.setAsyncSupported(true);
              context.addFilter(
                  filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD));
              context.addServlet(
                  new ServletHolder(
                      new HttpServlet() {
                        private static final long serialVersionUID = 1L;

                        @Override
                        protected void service(
                            HttpServletRequest request, HttpServletResponse response)
                            throws IOException, jakarta.servlet.ServletException {
                          if (request.getRequestURI().equals("/start")) {
                            request.getRequestDispatcher("/target").forward(request, response);
                            return;
                          }
                          response
                              .getWriter()
                              .print(
                                  List.of(
                                      lb.upstream().snapshot().inFlight(0),
                                      lb.upstream().snapshot().inFlight(1)));
                        }
                      }),
                  "/*");
            });
    String body = Http.get(gateway.uri("/start")).body();
    assertThat(body).isIn("[1, 0]", "[0, 1]");
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aFilterOverATrafficSplitListsTheMembersUpstreams() throws Exception {
    LoadBalancer v1 =
        LoadBalancer.of(Upstream.of("espresso-v1", Backend.of("v1-a", "10.0.1.1", 80)));
    LoadBalancer v2 =
        LoadBalancer.of(Upstream.of("espresso-v2", Backend.of("v2-a", "10.0.2.1", 80)));
    dev.lbkit.core.TrafficSplit split =
        dev.lbkit.core.TrafficSplit.builder().member("v1", v1, 90).member("v2", v2, 10).build();
    start(
        LoadBalancingFilter.builder(split).build(),
        new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            jakarta.servlet.ServletContext context = getServletContext();
            List<String> names = new java.util.ArrayList<>();
            for (Upstream upstream : LoadBalancingFilter.upstreams(context).get("lb")) {
              names.add(upstream.name());
            }
            String single;
            try {
              single = String.valueOf(LoadBalancingFilter.upstream(context, "lb"));
            } catch (IllegalStateException e) {
              single = e.getMessage();
            }
            response.getWriter().print(names + " " + single);
          }
        });
    assertThat(Http.get(gateway.uri("/")).body())
        .isEqualTo(
            "[espresso-v1, espresso-v2] filter lb routes through a TrafficSplit of 2 upstreams"
                + " (expected: one; use LoadBalancingFilter.upstreams(context))");
  }

  private static List<Availability> availabilities(LoadBalancer lb) {
    PoolSnapshot pool = lb.upstream().snapshot();
    List<Availability> result = new java.util.ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      result.add(pool.availability(i));
    }
    return result;
  }
}
