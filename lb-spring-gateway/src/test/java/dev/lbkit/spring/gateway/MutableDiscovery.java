package dev.lbkit.spring.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

/** A discovery client whose instance lists a test changes while the gateway runs. */
final class MutableDiscovery implements ReactiveDiscoveryClient {
  private final Map<String, List<ServiceInstance>> instances = new ConcurrentHashMap<>();

  /** Registers a {@link MutableDiscovery} bean. */
  @Configuration(proxyBeanMethods = false)
  static class Config {
    @Bean
    MutableDiscovery mutableDiscovery() {
      return new MutableDiscovery();
    }
  }

  void set(String service, ServiceInstance... list) {
    instances.put(service, List.of(list));
  }

  static ServiceInstance instance(String service, TestBackend b, Map<String, String> metadata) {
    return new DefaultServiceInstance(b.name, service, "127.0.0.1", b.port(), false, metadata);
  }

  static ServiceInstance instance(String service, TestBackend b) {
    return instance(service, b, Map.of());
  }

  @Override
  public String description() {
    return "instances the test sets";
  }

  @Override
  public Flux<ServiceInstance> getInstances(String serviceId) {
    return Flux.fromIterable(instances.getOrDefault(serviceId, List.of()));
  }

  @Override
  public Flux<String> getServices() {
    return Flux.fromIterable(instances.keySet());
  }
}
