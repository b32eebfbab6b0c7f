package dev.lbkit.spring;

import dev.lbkit.micrometer.UpstreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Registers lbkit's Micrometer meters ({@link UpstreamMetrics}, see {@code docs/observability.md})
 * for every upstream when lb-micrometer and Micrometer are on the class path and the application
 * has a {@link MeterRegistry}. Off with {@code lbkit.metrics.enabled: false}.
 */
@AutoConfiguration(before = LbkitAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, UpstreamMetrics.class})
@ConditionalOnBooleanProperty(name = "lbkit.metrics.enabled", matchIfMissing = true)
public class LbkitMetricsAutoConfiguration {
  /** Binds each upstream's meters to the application's registry, when it has one. */
  @Bean
  public LbkitLoadBalancerCustomizer lbkitMetricsCustomizer(
      ObjectProvider<MeterRegistry> registry) {
    // Looked up when the upstreams are built, not when beans are defined: the registry's own
    // auto-configuration may come in any order relative to this one.
    return (name, upstream, builder) -> {
      MeterRegistry r = registry.getIfUnique();
      if (r != null) {
        UpstreamMetrics metrics = UpstreamMetrics.of(upstream);
        builder.listener(metrics);
        metrics.bindTo(r);
      }
    };
  }
}
