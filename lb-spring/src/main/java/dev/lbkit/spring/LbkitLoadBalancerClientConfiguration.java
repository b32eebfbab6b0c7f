package dev.lbkit.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The per-service configuration lbkit adds to every Spring Cloud LoadBalancer client: the service's
 * load balancer is lbkit's when {@code lbkit.upstreams} has an upstream for the service id, and
 * Spring's round robin (its default) otherwise. A client's own configuration that defines a load
 * balancer wins over both.
 */
@Configuration(proxyBeanMethods = false)
public class LbkitLoadBalancerClientConfiguration {
  /** Used by Spring Cloud's per-client contexts. */
  public LbkitLoadBalancerClientConfiguration() {}

  /** lbkit's load balancer for the service, or Spring's round robin when lbkit has none. */
  @Bean
  @ConditionalOnMissingBean
  public ReactorLoadBalancer<ServiceInstance> lbkitReactorLoadBalancer(
      Environment environment, LoadBalancerClientFactory factory, LbkitUpstreams upstreams) {
    String serviceId = LoadBalancerClientFactory.getName(environment);
    ObjectProvider<ServiceInstanceListSupplier> suppliers =
        factory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class);
    LbkitUpstream upstream = serviceId == null ? null : upstreams.forService(serviceId);
    if (upstream == null) {
      return new RoundRobinLoadBalancer(suppliers, serviceId);
    }
    return new LbkitReactorLoadBalancer(upstream, suppliers);
  }

  /** Reports the outcomes of requests to lbkit-chosen instances. */
  @Bean
  public LoadBalancerLifecycle<Object, Object, ServiceInstance> lbkitOutcomeLifecycle() {
    return new OutcomeLifecycle();
  }
}
