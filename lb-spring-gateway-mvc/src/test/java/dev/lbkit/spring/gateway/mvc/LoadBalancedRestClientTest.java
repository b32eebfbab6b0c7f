package dev.lbkit.spring.gateway.mvc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.UpstreamStatus;
import dev.lbkit.spring.LbkitUpstream;
import dev.lbkit.spring.LbkitUpstreams;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Spring Cloud LoadBalancer's blocking path, without the gateway: a {@code @LoadBalanced}
 * RestClient picks with {@code ketama $http_x_user} on a static and on a discovered upstream, and
 * each call's outcome is reported (the in-flight counts return to zero).
 */
class LoadBalancedRestClientTest {
  static final List<TestBackend> backends = new ArrayList<>();
  static TestGateway app;
  static RestClient client;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    @LoadBalanced
    RestClient.Builder loadBalanced() {
      return RestClient.builder();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      TestBackend users = TestBackend.start("users-" + i);
      TestBackend accounts = TestBackend.start("accounts-" + i);
      backends.add(users);
      backends.add(accounts);
      p.put("lbkit.upstreams.users.backends[" + i + "].id", users.name());
      p.put("lbkit.upstreams.users.backends[" + i + "].address", users.address());
      String s = "spring.cloud.discovery.client.simple.instances.accounts[" + i + "].";
      p.put(s + "uri", accounts.uri());
      p.put(s + "instance-id", accounts.name());
    }
    p.put("lbkit.upstreams.users.method", "ketama $http_x_user");
    p.put("lbkit.upstreams.accounts.method", "ketama $http_x_user");
    app = TestGateway.start(App.class, p);
    client = app.context.getBean(RestClient.Builder.class).build();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    backends.forEach(TestBackend::close);
  }

  @Test
  void theSameUserAlwaysReachesTheSameStaticBackend() {
    checkAffinity("users");
  }

  @Test
  void theSameUserAlwaysReachesTheSameDiscoveredInstance() {
    checkAffinity("accounts");
  }

  private static void checkAffinity(String service) {
    Set<String> all = new HashSet<>();
    for (int u = 0; u < 30; u++) {
      String user = "user-" + u;
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(
            client
                .get()
                .uri("http://" + service + "/who")
                .header("X-User", user)
                .retrieve()
                .body(String.class));
      }
      assertThat(seen).as("backends of %s", user).hasSize(1);
      all.addAll(seen);
    }
    assertThat(all).as("users spread").hasSizeGreaterThan(1);
    LbkitUpstream upstream = app.context.getBean(LbkitUpstreams.class).named(service);
    assertThat(upstream.upstream().status().backends()).hasSize(3).allMatch(b -> b.inFlight() == 0);
    // The control: a pick that is not reported stays in flight, so zero above means every call
    // was reported.
    Decision unreported = upstream.pick(RequestContext.empty());
    assertThat(inFlight(upstream)).isEqualTo(1);
    unreported.report(Outcome.SUCCESS);
    assertThat(inFlight(upstream)).isZero();
  }

  private static int inFlight(LbkitUpstream upstream) {
    return upstream.upstream().status().backends().stream()
        .mapToInt(UpstreamStatus.BackendStatus::inFlight)
        .sum();
  }
}
