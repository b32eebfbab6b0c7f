package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Availability;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadBalancingProxyServletTest {
  private HelloBackend one;
  private HelloBackend two;
  private Gateway gateway;

  @BeforeEach
  void startBackends() throws Exception {
    one = HelloBackend.start("latte-1");
    two = HelloBackend.start("latte-2");
  }

  @AfterEach
  void stopAll() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    one.close();
    two.close();
  }

  private LoadBalancer behindFilter(Selector selector, HelloBackend... backends) throws Exception {
    Upstream upstream = Upstream.of("latte", backendsOf(backends));
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(selector).build();
    gateway =
        Gateway.start(
            context -> {
              FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb).build());
              filter.setAsyncSupported(true);
              context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    return lb;
  }

  private static java.util.List<dev.lbkit.core.Backend> backendsOf(HelloBackend... backends) {
    java.util.List<dev.lbkit.core.Backend> list = new java.util.ArrayList<>();
    for (HelloBackend b : backends) {
      list.add(b.backend());
    }
    return list;
  }

  @Test
  void latteReachesBothBackendsWithinTwentyRequests() throws Exception {
    // Seeded: the same twenty draws every run, so reaching both backends is not left to chance.
    LoadBalancer lb = behindFilter(Selector.randomTwoLeastConn(Cafe.LATTE_SEED), one, two);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = Http.get(gateway.uri("/latte"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("URI: /latte\n").contains("Request ID: ");
      seen.add(HelloBackend.serverName(response.body()));
    }
    assertThat(seen).containsExactlyInAnyOrder("latte-1", "latte-2");
    assertNothingInFlight(lb);
  }

  @Test
  void forwardsPathQueryAndBody() throws Exception {
    behindFilter(Selector.roundRobin(), one);
    HttpResponse<String> get = Http.get(gateway.uri("/a/b%20c?x=1&y=%2F"));
    assertThat(get.body()).contains("URI: /a/b%20c?x=1&y=%2F\n");
    HttpResponse<String> post = Http.post(gateway.uri("/order"), "one latte");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).contains("Body: one latte\n");
  }

  @Test
  void connectFailureIsRetriedOnAnotherBackendAndFailsItForPassiveHealth() throws Exception {
    LoadBalancer lb = behindFilter(Selector.roundRobin(), one, two);
    one.stop();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = Http.post(gateway.uri("/latte"), "body " + i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(HelloBackend.serverName(response.body())).isEqualTo("latte-2");
      // The body was not consumed by the failed attempt: the retry carries it whole.
      assertThat(response.body()).contains("Body: body " + i + "\n");
    }
    PoolSnapshot pool = lb.upstream().snapshot();
    assertThat(pool.availability(pool.indexOf("latte-1"))).isEqualTo(Availability.FAILED);
    assertNothingInFlight(lb);
  }

  @Test
  void expectContinueBodyIsRetriedWholeToo() throws Exception {
    // Passive health off: each request starting on the stopped backend goes through a retry.
    Upstream upstream =
        Upstream.builder("latte")
            .backends(one.backend(), two.backend())
            .passiveHealth(dev.lbkit.core.PassiveHealth.disabled())
            .build();
    LoadBalancer lb = LoadBalancer.of(upstream);
    gateway =
        Gateway.start(
            context -> {
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet(lb));
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    one.stop();
    java.net.http.HttpClient client =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    for (int i = 0; i < 4; i++) {
      java.net.http.HttpRequest request =
          java.net.http.HttpRequest.newBuilder(gateway.uri("/order"))
              .expectContinue(true)
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("flat white " + i))
              .build();
      HttpResponse<String> response =
          client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("Server name: latte-2\n")
          .contains("Body: flat white " + i + "\n");
    }
    assertNothingInFlight(lb);
  }

  @Test
  void everyBackendUnreachableAnswers502() throws Exception {
    LoadBalancer lb = behindFilter(Selector.roundRobin(), one, two);
    one.stop();
    two.stop();
    HttpResponse<String> response = Http.get(gateway.uri("/latte"));
    assertThat(response.statusCode()).isEqualTo(502);
    assertNothingInFlight(lb);
  }

  @Test
  void noAvailableBackendAnswers503WithRetryAfter() throws Exception {
    LoadBalancer lb = behindFilter(Selector.roundRobin(), one, two);
    lb.upstream().setState("latte-1", BackendState.DOWN);
    lb.upstream().setState("latte-2", BackendState.DRAINING);
    HttpResponse<String> response = Http.get(gateway.uri("/latte"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
    assertThat(one.requests() + two.requests()).isZero();
  }

  @Test
  void standaloneProxyPicksItself() throws Exception {
    Upstream upstream = Upstream.of("latte", one.backend(), two.backend());
    LoadBalancer lb = LoadBalancer.of(upstream);
    gateway =
        Gateway.start(
            context -> {
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet(lb));
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response = Http.get(gateway.uri("/latte"));
      assertThat(response.statusCode()).isEqualTo(200);
      seen.add(HelloBackend.serverName(response.body()));
    }
    assertThat(seen).containsExactlyInAnyOrder("latte-1", "latte-2");
    assertNothingInFlight(lb);
  }

  @Test
  void unreachablePortIsAConnectFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Upstream upstream =
        Upstream.of(
            "latte", dev.lbkit.core.Backend.of("gone", "127.0.0.1", closedPort), two.backend());
    LoadBalancer lb = LoadBalancer.of(upstream);
    gateway =
        Gateway.start(
            context -> {
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet(lb));
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    HttpResponse<String> response = Http.get(gateway.uri("/latte"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(HelloBackend.serverName(response.body())).isEqualTo("latte-2");
  }

  private static void assertNothingInFlight(LoadBalancer lb) throws InterruptedException {
    ProxyAssertions.assertNothingInFlight(lb);
  }
}
