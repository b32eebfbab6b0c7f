package dev.lbkit.spring;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The instance an lbkit load balancer chose, as Spring Cloud sees it, carrying the lbkit {@link
 * Decision} it came from: the gateway filters read the decision's response headers (the session
 * cookie) and retry through it, and outcomes are reported to it when the request completes.
 */
public final class LbkitServiceInstance implements ServiceInstance {
  private final Decision decision;
  private final String serviceId;
  private final @Nullable ServiceInstance instance;
  private final long startNanos;

  LbkitServiceInstance(Decision decision, String serviceId, @Nullable ServiceInstance instance) {
    this.decision = Objects.requireNonNull(decision, "decision");
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
    this.instance = instance;
    this.startNanos = System.nanoTime();
    if (decision.backend() == null) {
      throw new IllegalArgumentException("decision: " + decision + " (expected: a backend)");
    }
  }

  /** The decision that chose this instance. */
  public Decision decision() {
    return decision;
  }

  /** When the decision was made, in {@link System#nanoTime()}'s terms, to time the request. */
  long startNanos() {
    return startNanos;
  }

  private Backend backend() {
    return Objects.requireNonNull(decision.backend());
  }

  @Override
  public String getInstanceId() {
    return backend().id();
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return backend().host();
  }

  @Override
  public int getPort() {
    return backend().port();
  }

  @Override
  public boolean isSecure() {
    return instance != null && instance.isSecure();
  }

  @Override
  public URI getUri() {
    return instance != null ? instance.getUri() : URI.create("http://" + backend().authority());
  }

  @Override
  public @Nullable String getScheme() {
    return instance != null ? instance.getScheme() : null;
  }

  @Override
  public Map<String, String> getMetadata() {
    Map<String, String> metadata = instance == null ? null : instance.getMetadata();
    return metadata != null ? metadata : Map.of();
  }

  @Override
  public String toString() {
    return "LbkitServiceInstance{" + serviceId + " " + backend() + ", " + decision.reason() + "}";
  }
}
