package dev.lbkit.spring.gateway;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway filter's settings, {@code lbkit.gateway.*}: whether it is installed, and the {@code
 * Retry-After} of its 503.
 */
@ConfigurationProperties(LbkitGatewayProperties.PREFIX)
public class LbkitGatewayProperties {
  /** The prefix of these properties. */
  public static final String PREFIX = "lbkit.gateway";

  private boolean enabled = true;
  private Duration retryAfter = Duration.ofSeconds(10);

  /** Bound by Spring Boot. */
  public LbkitGatewayProperties() {}

  /** Whether the filter takes over {@code lb://} routes that lbkit has upstreams for. */
  public boolean isEnabled() {
    return enabled;
  }

  /** See {@link #isEnabled()}. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The {@code Retry-After} of a 503 when no backend can take a request, rounded up to whole
   * seconds; zero sends none. 10 seconds, nginx's default {@code fail_timeout}, as lb-servlet.
   */
  public Duration getRetryAfter() {
    return retryAfter;
  }

  /** See {@link #getRetryAfter()}. */
  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }
}
