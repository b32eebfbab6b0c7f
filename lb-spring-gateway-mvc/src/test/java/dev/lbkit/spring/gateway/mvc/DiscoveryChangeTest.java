package dev.lbkit.spring.gateway.mvc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

/**
 * Sessions on {@code lb://} routes while the service's instances change under the gateway: the
 * instance list of Spring Cloud's simple discovery is edited during the test (its cache is off, so
 * the next request sees it).
 */
class DiscoveryChangeTest {
  static final Map<String, List<TestBackend>> byService = new HashMap<>();
  static TestGateway gateway;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    String r = "spring.cloud.gateway.server.webmvc.routes";
    int route = 0;
    for (String service : List.of("mocha", "matcha", "chai")) {
      List<TestBackend> list = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        TestBackend b = TestBackend.start(service + "-" + i);
        list.add(b);
        String at = "spring.cloud.discovery.client.simple.instances." + service + "[" + (i - 1);
        p.put(at + "].uri", b.uri());
        p.put(at + "].instance-id", b.name());
      }
      byService.put(service, list);
      p.put("lbkit.upstreams." + service + ".session-persistence.session-name", service);
      p.put(r + "[" + route + "].id", service);
      p.put(r + "[" + route + "].uri", "lb://" + service);
      p.put(r + "[" + route + "].predicates[0]", "Path=/" + service + "/**");
      route++;
    }
    p.put("lbkit.upstreams.chai.session-persistence.on-unavailable", "strict");
    gateway = TestGateway.start(App.class, p);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    byService.values().forEach(l -> l.forEach(TestBackend::close));
  }

  /** Replaces the discovered instances of {@code service} with {@code backends}, with metadata. */
  static void discover(String service, Map<TestBackend, Map<String, String>> backends) {
    List<InstanceProperties> list = new ArrayList<>();
    backends.forEach(
        (b, metadata) -> {
          InstanceProperties instance = new InstanceProperties();
          instance.setInstanceId(b.name());
          instance.setServiceId(service);
          instance.setUri(URI.create(b.uri()));
          instance.setMetadata(new HashMap<>(metadata));
          list.add(instance);
        });
    gateway.context.getBean(SimpleDiscoveryProperties.class).getInstances().put(service, list);
  }

  static TestBackend named(String service, String name) {
    return byService.get(service).stream().filter(b -> b.name().equals(name)).findFirst().get();
  }

  static TestBackend other(String service, String name) {
    return byService.get(service).stream().filter(b -> !b.name().equals(name)).findFirst().get();
  }

  @Test
  void aRemovedInstanceMovesItsSessionsWithANewCookie() {
    HttpResponse<String> first = gateway.get("/mocha/cup");
    String cookie = TestGateway.cookie(first, "mocha");
    assertThat(cookie).isNotNull();
    assertThat(gateway.get("/mocha/cup", "Cookie", cookie).body()).isEqualTo(first.body());

    TestBackend staying = other("mocha", first.body());
    discover("mocha", Map.of(staying, Map.of()));
    HttpResponse<String> moved = gateway.get("/mocha/cup", "Cookie", cookie);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).isEqualTo(staying.name());
    String rebound = TestGateway.cookie(moved, "mocha");
    assertThat(rebound).isNotNull().isNotEqualTo(cookie);
    assertThat(gateway.get("/mocha/cup", "Cookie", rebound).body()).isEqualTo(staying.name());
  }

  @Test
  void aDrainingInstanceKeepsItsSessionsAndTakesNoNewOnes() {
    HttpResponse<String> first = gateway.get("/matcha/cup");
    String cookie = TestGateway.cookie(first, "matcha");
    TestBackend draining = named("matcha", first.body());
    TestBackend up = other("matcha", first.body());
    Map<TestBackend, Map<String, String>> instances = new LinkedHashMap<>();
    instances.put(draining, Map.of("lbkit.state", "DRAINING"));
    instances.put(up, Map.of());
    discover("matcha", instances);

    for (int i = 0; i < 4; i++) {
      assertThat(gateway.get("/matcha/cup", "Cookie", cookie).body()).isEqualTo(draining.name());
    }
    Set<String> fresh = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      fresh.add(gateway.get("/matcha/cup").body());
    }
    assertThat(fresh).containsExactly(up.name());
  }

  @Test
  void aStrictSessionWhoseInstanceIsDownIsAnswered503WithRetryAfter() {
    HttpResponse<String> first = gateway.get("/chai/cup");
    String cookie = TestGateway.cookie(first, "chai");
    TestBackend down = named("chai", first.body());
    Map<TestBackend, Map<String, String>> instances = new LinkedHashMap<>();
    instances.put(down, Map.of("lbkit.state", "DOWN"));
    instances.put(other("chai", first.body()), Map.of());
    discover("chai", instances);
    int hitsBefore = down.hits.get();

    HttpResponse<String> refused = gateway.get("/chai/cup", "Cookie", cookie);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
    assertThat(down.hits.get()).isEqualTo(hitsBefore);
    // A request without the session is still served, by the instance that is up.
    assertThat(gateway.get("/chai/cup").statusCode()).isEqualTo(200);
  }
}
