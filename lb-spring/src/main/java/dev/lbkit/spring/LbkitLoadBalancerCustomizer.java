package dev.lbkit.spring;

import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;

/**
 * Changes a load balancer before lbkit builds it from the properties: a bean of this type is called
 * for every upstream, so that it can add a listener, replace the selector, or bind meters. lbkit's
 * Micrometer support is one.
 */
@FunctionalInterface
public interface LbkitLoadBalancerCustomizer {
  /**
   * Customizes the load balancer of the upstream {@code name}.
   *
   * @param name the name under {@code lbkit.upstreams}
   * @param upstream its backends
   * @param builder the load balancer being built, with the configured method and affinity set
   */
  void customize(String name, Upstream upstream, LoadBalancer.Builder builder);
}
