package dev.lbkit.spring;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * The instance an lbkit load balancer chose, as Spring Cloud sees it, carrying the lbkit {@link
 * Decision} it came from: the gateway filters read the decision's response headers (the session
 * cookie) and retry through it, and outcomes are reported to it when the request completes.
 *
 * <p>It is also the {@link Response} of the {@code choose} that found it ({@link #getServer()} is
 * the instance itself): one object per choose rather than two.
 */
public final class LbkitServiceInstance implements ServiceInstance, Response<ServiceInstance> {
  private final Decision decision;
  private final String serviceId;
  private final @Nullable ServiceInstance instance;
  // Set by the lifecycle when Spring starts the request; NOT_STARTED until then. Plain: Spring's
  // clients start and complete a request on threads its reactive chain already orders.
  private long startNanos = NOT_STARTED;

  LbkitServiceInstance(Decision decision, String serviceId, @Nullable ServiceInstance instance) {
    this.decision = Objects.requireNonNull(decision, "decision");
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
    this.instance = instance;
    if (decision.backend() == null) {
      throw new IllegalArgumentException("decision: " + decision + " (expected: a backend)");
    }
  }

  /** The decision that chose this instance. */
  public Decision decision() {
    return decision;
  }

  /** {@link #startNanos()} before {@link #started()}: the request's duration is unknown. */
  static final long NOT_STARTED = Long.MIN_VALUE;

  /**
   * Marks the moment Spring sends the request, in {@link System#nanoTime()}'s terms: the outcome's
   * duration covers the request, not the time between {@code choose} and the request.
   */
  void started() {
    startNanos = System.nanoTime();
  }

  /** When the request was sent, or {@link #NOT_STARTED}. */
  long startNanos() {
    return startNanos;
  }

  private Backend backend() {
    return Objects.requireNonNull(decision.backend());
  }

  /** Always: a choose without a backend answers with another response. */
  @Override
  public boolean hasServer() {
    return true;
  }

  /** This instance. */
  @Override
  public ServiceInstance getServer() {
    return this;
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
