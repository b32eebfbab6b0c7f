package dev.lbkit.spring;

import dev.lbkit.cookie.SessionStore;
import dev.lbkit.core.ClientAddressResolver;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every upstream of the {@code lbkit.*} properties, by name and by Spring Cloud service id, and the
 * client-address resolver they share: the bean the Spring Cloud LoadBalancer integration and the
 * gateway filters look upstreams up in. Built once when the application starts; closing it closes
 * the load balancers.
 */
public final class LbkitUpstreams implements AutoCloseable {
  private final List<LbkitUpstream> order;
  private final Map<String, LbkitUpstream> byName;
  private final Map<String, LbkitUpstream> byServiceId;
  private final ClientAddressResolver clientAddresses;
  private final @Nullable SessionStore ownStore;

  LbkitUpstreams(
      List<LbkitUpstream> upstreams,
      ClientAddressResolver clientAddresses,
      @Nullable SessionStore ownStore) {
    this.ownStore = ownStore;
    Map<String, LbkitUpstream> names = new LinkedHashMap<>();
    Map<String, LbkitUpstream> services = new LinkedHashMap<>();
    for (LbkitUpstream u : upstreams) {
      names.put(u.name(), u);
      // Two upstreams may share a service id (two session settings for one service); a lookup by
      // service id finds the first, as the properties list them.
      services.putIfAbsent(u.serviceId(), u);
    }
    this.byName = Map.copyOf(names);
    this.byServiceId = Map.copyOf(services);
    this.clientAddresses = Objects.requireNonNull(clientAddresses, "clientAddresses");
    this.order = List.copyOf(upstreams);
  }

  /**
   * Builds the upstreams of {@code properties} without Spring Boot: what the auto-configuration
   * does, for applications and tests that bind or fill {@link LbkitProperties} themselves.
   * Server-side session tables ({@code sticky-learn}, {@code stick-table}) live in an in-memory
   * store.
   *
   * @throws LbkitConfigurationException naming the first property that cannot be used
   */
  public static LbkitUpstreams of(LbkitProperties properties) {
    return UpstreamFactory.build(properties, List.of());
  }

  /**
   * As {@link #of(LbkitProperties)}, with server-side session tables in {@code store} (shared by
   * replicas when it is, as lb-redis's is); the caller closes the store.
   */
  public static LbkitUpstreams of(LbkitProperties properties, SessionStore store) {
    return UpstreamFactory.build(properties, List.of(), Objects.requireNonNull(store, "store"));
  }

  /** The upstreams, in the order of the properties. */
  public Collection<LbkitUpstream> all() {
    return order;
  }

  /** The upstream named {@code name}, or {@code null}. */
  public @Nullable LbkitUpstream named(String name) {
    return byName.get(name);
  }

  /**
   * The upstream for the Spring Cloud service id {@code serviceId} (the host of an {@code lb://}
   * URI), or {@code null} when lbkit has none and Spring Cloud's own load balancer should pick.
   */
  public @Nullable LbkitUpstream forService(String serviceId) {
    return byServiceId.get(serviceId);
  }

  /** How the client address of a request is found ({@code lbkit.client-address.*}). */
  public ClientAddressResolver clientAddresses() {
    return clientAddresses;
  }

  @Override
  public void close() {
    for (LbkitUpstream u : order) {
      u.loadBalancer().close();
    }
    if (ownStore != null) {
      ownStore.close();
    }
  }

  @Override
  public String toString() {
    return "LbkitUpstreams" + byName.keySet();
  }
}
