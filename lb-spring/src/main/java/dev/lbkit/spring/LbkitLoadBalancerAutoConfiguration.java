package dev.lbkit.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

/**
 * Puts lbkit behind Spring Cloud LoadBalancer when it is on the class path: every service id that
 * has an {@code lbkit.upstreams} entry is chosen by lbkit (see {@link
 * LbkitLoadBalancerClientConfiguration}). Off with {@code lbkit.loadbalancer.enabled: false}.
 */
@AutoConfiguration(after = LbkitAutoConfiguration.class)
@ConditionalOnClass(ReactorServiceInstanceLoadBalancer.class)
@ConditionalOnBooleanProperty(name = "lbkit.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lbkit.loadbalancer.enabled", matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = LbkitLoadBalancerClientConfiguration.class)
public class LbkitLoadBalancerAutoConfiguration {
  /** Created by Spring Boot. */
  public LbkitLoadBalancerAutoConfiguration() {}
}
