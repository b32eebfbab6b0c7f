package dev.lbkit.spring;

import dev.lbkit.cookie.SessionStore;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Builds the {@code lbkit.*} upstreams into one {@link LbkitUpstreams} bean, applying every {@link
 * LbkitLoadBalancerCustomizer} bean. Off with {@code lbkit.enabled: false}; a user's own {@link
 * LbkitUpstreams} bean replaces it.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "lbkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LbkitProperties.class)
public class LbkitAutoConfiguration {
  /** The upstreams of the properties. */
  @Bean
  @ConditionalOnMissingBean
  public LbkitUpstreams lbkitUpstreams(
      LbkitProperties properties,
      ObjectProvider<LbkitLoadBalancerCustomizer> customizers,
      ObjectProvider<SessionStore> sessionStore) {
    List<LbkitLoadBalancerCustomizer> all = customizers.orderedStream().toList();
    // A SessionStore bean (lb-redis's, or the application's) holds the server-side session tables;
    // without one they live in memory.
    return UpstreamFactory.build(properties, all, sessionStore.getIfAvailable());
  }
}
