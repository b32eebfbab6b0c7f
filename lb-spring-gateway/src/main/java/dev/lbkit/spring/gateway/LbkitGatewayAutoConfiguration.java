package dev.lbkit.spring.gateway;

import dev.lbkit.spring.LbkitAutoConfiguration;
import dev.lbkit.spring.LbkitConfigurationException;
import dev.lbkit.spring.LbkitLoadBalancerAutoConfiguration;
import dev.lbkit.spring.LbkitUpstreams;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;

/**
 * Installs {@link LbkitGatewayFilter} in a reactive Spring Cloud Gateway that has Spring Cloud
 * LoadBalancer and lbkit upstreams. Off with {@code lbkit.gateway.enabled: false} (or {@code
 * lbkit.enabled: false}); a user's own {@link LbkitGatewayFilter} bean replaces it.
 */
@AutoConfiguration(
    after = {LbkitAutoConfiguration.class, LbkitLoadBalancerAutoConfiguration.class},
    afterName = {
      "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
      "org.springframework.cloud.gateway.config.GatewayReactiveLoadBalancerClientAutoConfiguration"
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({
  GlobalFilter.class,
  ReactiveLoadBalancerClientFilter.class,
  LoadBalancerClientFactory.class
})
@ConditionalOnBooleanProperty(name = "lbkit.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lbkit.gateway.enabled", matchIfMissing = true)
@ConditionalOnBean({LbkitUpstreams.class, LoadBalancerClientFactory.class})
@EnableConfigurationProperties(LbkitGatewayProperties.class)
public class LbkitGatewayAutoConfiguration {
  /** Created by Spring Boot. */
  public LbkitGatewayAutoConfiguration() {}

  /** The filter that routes {@code lb://} requests with lbkit. */
  @Bean
  @ConditionalOnMissingBean
  public LbkitGatewayFilter lbkitGatewayFilter(
      LbkitUpstreams upstreams,
      LoadBalancerClientFactory clientFactory,
      LbkitGatewayProperties properties) {
    Duration retryAfter = properties.getRetryAfter();
    if (retryAfter == null || retryAfter.isNegative()) {
      throw new LbkitConfigurationException(
          LbkitGatewayProperties.PREFIX + ".retry-after",
          retryAfter + " (expected: a duration >= 0, such as 10s; 0 sends no Retry-After)",
          null);
    }
    return new LbkitGatewayFilter(upstreams, clientFactory, retryAfter);
  }

  /** Reports each lbkit-routed exchange's outcome once its response was written. */
  @Bean
  public GlobalFilter lbkitGatewayOutcomeFilter() {
    return new OutcomeFilter();
  }
}
