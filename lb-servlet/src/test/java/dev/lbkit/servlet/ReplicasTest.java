package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gateways built from the same configuration (backend ids, secret) decide alike: a client
 * alternating between two replicas stays on one backend, and a gateway started afresh honours the
 * cookies of the one it replaces.
 */
class ReplicasTest {
  private HelloBackend one;
  private HelloBackend two;

  @BeforeEach
  void start() throws Exception {
    one = HelloBackend.start("tea-1");
    two = HelloBackend.start("tea-2");
  }

  @AfterEach
  void stop() throws Exception {
    one.close();
    two.close();
  }

  /** A gateway as a fresh process would build it from the shared configuration. */
  private Gateway replica() throws Exception {
    LoadBalancer lb =
        LoadBalancer.builder(Upstream.of("tea", one.backend(), two.backend()))
            // Round robin, not random: a replica that ignored the cookie would pick the other
            // backend within two requests, where a random pick could repeat the bound one.
            .selector(Selector.roundRobin())
            .affinity(Cafe.teaSession().build().toAffinity())
            .build();
    return Gateway.start(
        context -> {
          FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb).build());
          filter.setAsyncSupported(true);
          context.addFilter(filter, "/tea", EnumSet.of(DispatcherType.REQUEST));
          ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
          proxy.setAsyncSupported(true);
          context.addServlet(proxy, "/");
        });
  }

  @Test
  void alternatingReplicasAndARestartKeepTheSession() throws Exception {
    try (Gateway a = replica()) {
      String cookie;
      String bound;
      try (Gateway b = replica()) {
        HttpResponse<String> first = Http.get(a.uri("/tea"));
        cookie = Http.cookiePair(first.headers().firstValue("Set-Cookie").orElseThrow());
        bound = HelloBackend.serverName(first.body());
        for (int i = 0; i < 6; i++) {
          Gateway replica = i % 2 == 0 ? b : a;
          HttpResponse<String> response = Http.get(replica.uri("/tea"), "Cookie", cookie);
          assertThat(HelloBackend.serverName(response.body())).isEqualTo(bound);
          assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
        }
      }
      // b is gone; a new gateway replaces it.
      try (Gateway c = replica()) {
        for (int i = 0; i < 3; i++) {
          assertThat(HelloBackend.serverName(Http.get(c.uri("/tea"), "Cookie", cookie).body()))
              .isEqualTo(bound);
        }
      }
    }
  }

  @Test
  void aReplicaWithAnotherSecretStartsNewSessions() throws Exception {
    try (Gateway a = replica()) {
      String cookie =
          Http.cookiePair(Http.get(a.uri("/tea")).headers().firstValue("Set-Cookie").orElseThrow());
      LoadBalancer other =
          LoadBalancer.builder(Upstream.of("tea", one.backend(), two.backend()))
              .affinity(
                  SessionPersistence.cookie("cookie-tea")
                      .secrets("another-secret-0123456789abcdef")
                      .build()
                      .toAffinity())
              .build();
      try (Gateway b =
          Gateway.start(
              context -> {
                FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(other).build());
                filter.setAsyncSupported(true);
                context.addFilter(filter, "/tea", EnumSet.of(DispatcherType.REQUEST));
                ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
                proxy.setAsyncSupported(true);
                context.addServlet(proxy, "/");
              })) {
        HttpResponse<String> response = Http.get(b.uri("/tea"), "Cookie", cookie);
        assertThat(response.statusCode()).isEqualTo(200);
        // Not its token: treated as no session, so a new one starts.
        assertThat(response.headers().allValues("Set-Cookie")).hasSize(1);
      }
    }
  }
}
