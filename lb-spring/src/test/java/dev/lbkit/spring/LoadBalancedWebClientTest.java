package dev.lbkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.UpstreamStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code @LoadBalanced} WebClient through Spring Cloud LoadBalancer, chosen by lbkit: a static
 * upstream with ketama on a header, and a discovered one following Spring's simple discovery.
 */
class LoadBalancedWebClientTest {
  private static NamedBackends menu;
  private static ConfigurableApplicationContext app;

  @BeforeAll
  static void start() throws Exception {
    menu = NamedBackends.start("a", "b", "c", "d");
    List<String> props = new ArrayList<>();
    props.add("lbkit.upstreams.menu.method=ketama $http_x_user");
    for (int i = 0; i < 3; i++) {
      props.add("lbkit.upstreams.menu.backends[" + i + "].id=" + menu.name(i));
      props.add("lbkit.upstreams.menu.backends[" + i + "].address=" + menu.address(i));
    }
    // The discovered upstream: its instances come from Spring's simple discovery client.
    props.add("lbkit.upstreams.specials.method=least_conn");
    for (int i = 0; i < 2; i++) {
      String at = "spring.cloud.discovery.client.simple.instances.specials[" + i + "].";
      props.add(at + "uri=http://" + menu.address(2 + i));
      props.add(at + "instance-id=" + menu.name(2 + i));
    }
    props.add(
        "spring.cloud.discovery.client.simple.instances.other[0].uri=http://" + menu.address(3));
    props.add("spring.cloud.loadbalancer.cache.enabled=false");
    props.add("lbkit.session-secrets-env=LBKIT_TEST_SESSION_SECRET");
    app =
        new SpringApplicationBuilder(Client.class)
            .web(WebApplicationType.NONE)
            .properties(props.toArray(new String[0]))
            .run();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (menu != null) {
      menu.close();
    }
  }

  private static String get(String url, String user) {
    WebClient client = app.getBean(WebClient.Builder.class).build();
    return client
        .get()
        .uri(url)
        .header("X-User", user)
        .retrieve()
        .bodyToMono(String.class)
        .block(Duration.ofSeconds(10));
  }

  @Test
  void ketamaOnAHeaderSendsEachUserToOneBackend() {
    Map<String, String> first = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int u = 0; u < 30; u++) {
        String user = "user-" + u;
        String backend = get("http://menu/coffee", user);
        String previous = first.putIfAbsent(user, backend);
        if (previous != null) {
          assertThat(backend).as(user).isEqualTo(previous);
        }
      }
    }
    assertThat(new HashSet<>(first.values())).containsExactlyInAnyOrder("a", "b", "c");
    // Every outcome was reported: nothing is left in flight.
    UpstreamStatus status = app.getBean(LbkitUpstreams.class).named("menu").upstream().status();
    assertThat(status.backends()).allSatisfy(b -> assertThat(b.inFlight()).isZero());
  }

  @Test
  void aDiscoveredUpstreamFollowsTheServiceInstances() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      seen.add(get("http://specials/", "anyone"));
    }
    assertThat(seen).containsExactlyInAnyOrder("c", "d");
    LbkitUpstream specials = app.getBean(LbkitUpstreams.class).named("specials");
    assertThat(specials.upstream().snapshot().backends())
        .extracting(dev.lbkit.core.Backend::id)
        .containsExactlyInAnyOrder("c", "d");
    assertThat(specials.upstream().status().backends())
        .allSatisfy(b -> assertThat(b.inFlight()).isZero());
  }

  @Test
  void aServiceLbkitDoesNotKnowIsLeftToSpring() {
    // "other" has no lbkit upstream: Spring's round robin picks among its instances.
    assertThat(app.getBean(LbkitUpstreams.class).forService("other")).isNull();
    assertThat(get("http://other/", "anyone")).isEqualTo("d");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Client {
    @Bean
    @LoadBalanced
    WebClient.Builder webClientBuilder() {
      return WebClient.builder();
    }
  }
}
