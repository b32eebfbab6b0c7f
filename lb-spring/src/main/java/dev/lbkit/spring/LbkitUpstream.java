package dev.lbkit.spring;

import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import java.util.Objects;

/**
 * One configured upstream ({@code lbkit.upstreams.NAME}): its {@link Upstream} of backends and the
 * {@link LoadBalancer} that picks among them with the configured method and session persistence.
 *
 * <p>A static upstream lists its backends in the properties; a discovered one has none there and
 * follows the instances Spring Cloud gives for its {@link #serviceId()} (the Spring Cloud
 * LoadBalancer integration and the gateway filters keep it in step). Thread-safe.
 */
public final class LbkitUpstream {
  private final String name;
  private final String serviceId;
  private final boolean discovered;
  private final LoadBalancer loadBalancer;

  LbkitUpstream(String name, String serviceId, boolean discovered, LoadBalancer loadBalancer) {
    this.name = Objects.requireNonNull(name, "name");
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
    this.discovered = discovered;
    this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
  }

  /** The name under {@code lbkit.upstreams}. */
  public String name() {
    return name;
  }

  /** The Spring Cloud service id: {@code service-id}, or the name when that is unset. */
  public String serviceId() {
    return serviceId;
  }

  /** Whether the backends come from Spring Cloud discovery rather than the properties. */
  public boolean isDiscovered() {
    return discovered;
  }

  /** The backends. */
  public Upstream upstream() {
    return loadBalancer.upstream();
  }

  /** The load balancer: the method and session persistence over {@link #upstream()}. */
  public LoadBalancer loadBalancer() {
    return loadBalancer;
  }

  /** Picks a backend for {@code request}; see {@link LoadBalancer#pick}. */
  public Decision pick(RequestContext request) {
    return loadBalancer.pick(request);
  }

  @Override
  public String toString() {
    return "LbkitUpstream{" + name + (discovered ? ", service " + serviceId : "") + "}";
  }
}
