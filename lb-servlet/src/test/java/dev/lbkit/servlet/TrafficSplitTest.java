package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Selector;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary through the filter and the proxy over real HTTP: espresso v1 and v2 behind one route,
 * each with its own upstream and cookie sessions (tokens scoped to the upstream, so a v1 session is
 * no session for v2), split by weight.
 */
class TrafficSplitTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final SessionPersistence ESPRESSO =
      SessionPersistence.cookie("espresso").secrets(SECRET).build();

  private final List<HelloBackend> backends = new ArrayList<>();
  private Gateway gateway;

  @BeforeEach
  void startBackends() throws Exception {
    for (String name : new String[] {"v1-a", "v1-b", "v2-a", "v2-b"}) {
      backends.add(HelloBackend.start(name));
    }
  }

  @AfterEach
  void stopAll() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(HelloBackend::close);
  }

  private LoadBalancer member(String upstream, Backend... members) {
    return LoadBalancer.builder(Upstream.of(upstream, members))
        .selector(Selector.roundRobin())
        .affinity(ESPRESSO.toAffinity())
        .build();
  }

  private Backend backend(String name) {
    for (HelloBackend b : backends) {
      if (b.name().equals(name)) {
        return b.backend();
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** Seeded: the shares checked below, and the draws waited for, are the same every run. */
  private TrafficSplit split(int v1, int v2, TrafficSplit.CanaryBehavior behavior) {
    return TrafficSplit.builder()
        .member("espresso-v1", member("espresso-v1", backend("v1-a"), backend("v1-b")), v1)
        .member("espresso-v2", member("espresso-v2", backend("v2-a"), backend("v2-b")), v2)
        .canaryBehavior(behavior)
        .seed(20_240_601L)
        .build();
  }

  private void proxyThrough(TrafficSplit split) throws Exception {
    gateway =
        Gateway.start(
            context -> {
              FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(split).build());
              filter.setAsyncSupported(true);
              context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
  }

  /** The backend that answered, from its nginx-hello body. */
  private static String server(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return HelloBackend.serverName(response.body());
  }

  /** Starts new sessions until one lands on v2 (half of them do). */
  private HttpResponse<String> newSessionOnV2() throws Exception {
    HttpResponse<String> response;
    do {
      response = Http.get(gateway.uri("/canary"));
    } while (!server(response).startsWith("v2-"));
    return response;
  }

  private static String sessionCookie(HttpResponse<String> response) {
    return Http.cookiePair(response.headers().firstValue("Set-Cookie").orElseThrow());
  }

  @Test
  void newSessionsFollowTheWeights() throws Exception {
    TrafficSplit split = split(75, 25, TrafficSplit.CanaryBehavior.STICKY);
    proxyThrough(split);
    int requests = 800;
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      perBackend.merge(server(Http.get(gateway.uri("/canary"))), 1, Integer::sum);
    }
    int v2 = perBackend.getOrDefault("v2-a", 0) + perBackend.getOrDefault("v2-b", 0);
    // Expected 200 of 800 (sd 12.2): five standard deviations either way.
    assertThat(v2).isBetween(140, 260);
    // Within a member, its own method spreads the sessions.
    assertThat(perBackend).containsOnlyKeys("v1-a", "v1-b", "v2-a", "v2-b");
    assertNothingInFlight(split);
  }

  @Test
  void anEstablishedSessionStaysOnItsMemberWhenTheWeightGoesToZero() throws Exception {
    TrafficSplit split = split(50, 50, TrafficSplit.CanaryBehavior.STICKY);
    proxyThrough(split);
    HttpResponse<String> first = newSessionOnV2();
    String cookie = sessionCookie(first);
    String backend = server(first);

    split.setWeight("espresso-v2", 0);
    for (int i = 0; i < 20; i++) {
      assertThat(server(Http.get(gateway.uri("/canary"), "Cookie", cookie))).isEqualTo(backend);
    }
    for (int i = 0; i < 40; i++) {
      assertThat(server(Http.get(gateway.uri("/canary")))).startsWith("v1-");
    }
    assertNothingInFlight(split);
  }

  @Test
  void legacyModeDrawsTheMemberOnEveryRequest() throws Exception {
    TrafficSplit split = split(50, 50, TrafficSplit.CanaryBehavior.LEGACY);
    proxyThrough(split);
    String cookie = sessionCookie(newSessionOnV2());

    split.setWeight("espresso-v2", 0);
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = Http.get(gateway.uri("/canary"), "Cookie", cookie);
      assertThat(server(response)).startsWith("v1-");
      // The v1 member starts its own session: the v2 cookie is no session for it.
      assertThat(response.headers().firstValue("Set-Cookie")).isPresent();
    }
    assertNothingInFlight(split);
  }

  @Test
  void aConnectFailureIsRetriedWithinTheMember() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    // v2's first backend refuses connections; passive health off, so every other request tries it.
    LoadBalancer v2 =
        LoadBalancer.builder(
                Upstream.builder("espresso-v2")
                    .backends(
                        List.of(Backend.of("v2-gone", "127.0.0.1", closedPort), backend("v2-b")))
                    .passiveHealth(PassiveHealth.disabled())
                    .build())
            .affinity(ESPRESSO.toAffinity())
            .build();
    TrafficSplit split =
        TrafficSplit.builder()
            .member("espresso-v1", member("espresso-v1", backend("v1-a")), 0)
            .member("espresso-v2", v2, 1)
            .build();
    proxyThrough(split);
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = Http.get(gateway.uri("/canary"));
      // Never the other member, though it has a backend: the retry stays on v2's upstream.
      assertThat(server(response)).isEqualTo("v2-b");
      // The session names the backend that answered, not the one that refused.
      HttpResponse<String> again =
          Http.get(gateway.uri("/canary"), "Cookie", sessionCookie(response));
      assertThat(server(again)).isEqualTo("v2-b");
    }
    assertNothingInFlight(split);
  }

  @Test
  void theFilterPublishesTheMembersDecisionAndLoadBalancer() throws Exception {
    TrafficSplit split = split(0, 1, TrafficSplit.CanaryBehavior.STICKY);
    gateway =
        Gateway.start(
            context -> {
              context.addFilter(
                  new FilterHolder(LoadBalancingFilter.builder(split).build()),
                  "/*",
                  EnumSet.of(DispatcherType.REQUEST));
              context.addServlet(new ServletHolder(new Attributes(split)), "/*");
            });
    String body = Http.get(gateway.uri("/canary")).body();
    assertThat(body)
        .isEqualTo("members=[espresso-v2] reason=NEW_SESSION loadBalancerIsTheMembers=true\n");
    assertNothingInFlight(split);

    split.setWeight("espresso-v2", 0);
    HttpResponse<String> none = Http.get(gateway.uri("/canary"));
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.headers().firstValue("Retry-After")).hasValue("10");
  }

  /** Writes what the filter published for the servlet behind it. */
  private static final class Attributes extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient TrafficSplit split;

    Attributes(TrafficSplit split) {
      this.split = split;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Decision decision = LoadBalancingFilter.decision(request);
      response.setContentType("text/plain");
      response
          .getWriter()
          .print(
              "members="
                  + decision.members()
                  + " reason="
                  + decision.reason()
                  + " loadBalancerIsTheMembers="
                  + (decision.loadBalancer() == split.member(decision.members().get(0)))
                  + "\n");
    }
  }

  private static void assertNothingInFlight(TrafficSplit split) throws InterruptedException {
    for (String member : split.members()) {
      ProxyAssertions.assertNothingInFlight((LoadBalancer) split.member(member));
    }
  }
}
