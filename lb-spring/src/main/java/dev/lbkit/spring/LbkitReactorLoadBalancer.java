package dev.lbkit.spring;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.RequestContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud LoadBalancer's {@code choose}, answered by an lbkit upstream: what {@code lb://}
 * routes, {@code @LoadBalanced} WebClient and RestClient, and OpenFeign call for a service id that
 * lbkit has an upstream for.
 *
 * <p>A discovered upstream follows the instance list of the service's {@link
 * ServiceInstanceListSupplier} (the list is taken on each choose, as Spring's own load balancers
 * take it, and the upstream republished only when it changed). The request's headers, cookies, path
 * and query reach lbkit's method and session persistence; the client address does when a gateway
 * set the attribute {@value #CLIENT_ADDRESS}. When neither the method nor the session persistence
 * reads the request ({@link dev.lbkit.core.LoadBalancer#readsRequest()}), the pick is made on
 * {@link RequestContext#empty()}, and that is what the decision's {@code request()} holds. The
 * chosen instance is a {@link LbkitServiceInstance}; its outcome is reported when Spring completes
 * the request (see the lifecycle this module registers).
 */
public final class LbkitReactorLoadBalancer implements ReactorServiceInstanceLoadBalancer {
  /**
   * The request attribute that carries the client's {@link dev.lbkit.core.IpAddress}, for ip_hash
   * and {@code $remote_addr} keys; a gateway sets it from the connection and trusted proxies.
   */
  public static final String CLIENT_ADDRESS = "dev.lbkit.spring.clientAddress";

  private final LbkitUpstream upstream;
  private final @Nullable InstanceBackends instances;
  private final @Nullable ObjectProvider<ServiceInstanceListSupplier> suppliers;

  /**
   * A load balancer over {@code upstream}; a discovered one takes its instances from {@code
   * suppliers}.
   */
  public LbkitReactorLoadBalancer(
      LbkitUpstream upstream, @Nullable ObjectProvider<ServiceInstanceListSupplier> suppliers) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.suppliers = upstream.isDiscovered() ? suppliers : null;
    this.instances = upstream.isDiscovered() ? new InstanceBackends(upstream.upstream()) : null;
  }

  /** The lbkit upstream behind this load balancer. */
  public LbkitUpstream upstream() {
    return upstream;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Mono<Response<ServiceInstance>> choose(Request request) {
    // Round robin, least_conn and random without sessions read nothing from the request: no view
    // of Spring's request data to build then.
    RequestContext context =
        upstream.loadBalancer().readsRequest()
            ? RequestDataRequests.of(request)
            : RequestContext.empty();
    if (instances == null) {
      // A static upstream has no instance list to wait for: one Mono that picks when requested,
      // rather than current()'s Mono.just mapped, which costs two more operators per choose.
      return new PickMono(this, context);
    }
    return current(request).map(ignored -> respond(upstream.pick(context)));
  }

  /**
   * Completes when the upstream's backends are current: at once for a static upstream, after the
   * service's instance list was taken for a discovered one.
   */
  @SuppressWarnings("rawtypes")
  public Mono<LbkitUpstream> current(@Nullable Request request) {
    InstanceBackends sync = instances;
    ObjectProvider<ServiceInstanceListSupplier> provider = suppliers;
    if (sync == null || provider == null) {
      return Mono.just(upstream);
    }
    ServiceInstanceListSupplier supplier = provider.getIfAvailable();
    if (supplier == null) {
      return Mono.just(upstream);
    }
    return (request == null ? supplier.get() : supplier.get(request))
        .next()
        .map(
            list -> {
              sync.sync(list);
              return upstream;
            })
        .defaultIfEmpty(upstream);
  }

  /** The Spring response for {@code decision}: its instance, or none with the decision kept. */
  public Response<ServiceInstance> respond(Decision decision) {
    Backend b = decision.backend();
    if (b == null) {
      return new NoInstance(decision);
    }
    InstanceBackends sync = instances;
    ServiceInstance original = sync == null ? null : sync.instance(b.id());
    return new LbkitServiceInstance(decision, upstream.serviceId(), original);
  }

  /** No instance could take the request; the decision says why (strict sessions, none up). */
  public static final class NoInstance implements Response<ServiceInstance> {
    private final Decision decision;

    NoInstance(Decision decision) {
      this.decision = decision;
    }

    /** The decision without a backend. */
    public Decision decision() {
      return decision;
    }

    @Override
    public boolean hasServer() {
      return false;
    }

    @Override
    public @Nullable ServiceInstance getServer() {
      return null;
    }

    @Override
    public String toString() {
      return "NoInstance{" + decision.reason() + "}";
    }
  }

  @Override
  public String toString() {
    return "LbkitReactorLoadBalancer{" + upstream.name() + "}";
  }
}
