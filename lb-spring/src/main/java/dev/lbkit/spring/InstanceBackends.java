package dev.lbkit.spring;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Keeps a discovered upstream's backends equal to the instance list Spring Cloud gives, and maps a
 * chosen backend back to its instance.
 *
 * <p>A backend's id is the instance id (host:port when the registry gives none), so that a session
 * stays with its instance while the list changes around it. Metadata set on an instance: {@value
 * #WEIGHT} (Spring Cloud's own weight key, 1..10000), {@value #ROUTE} (the route a JSESSIONID-style
 * session names) and {@value #STATE} ({@code UP}, {@code DOWN} or {@code DRAINING}). The upstream
 * is republished only when the list differs from the last one, so the precomputations (rings,
 * tables) are rebuilt only when the set changes.
 */
final class InstanceBackends {
  /** The metadata key of an instance's weight, as Spring Cloud's weighted supplier reads it. */
  static final String WEIGHT = "weight";

  /** The metadata key of an instance's route. */
  static final String ROUTE = "lbkit.route";

  /** The metadata key of an instance's state. */
  static final String STATE = "lbkit.state";

  private static final Logger logger = LoggerFactory.getLogger(InstanceBackends.class);

  private final Upstream upstream;
  private volatile Known known = new Known(List.of(), Map.of());

  private record Known(List<ServiceInstance> instances, Map<String, ServiceInstance> byId) {}

  InstanceBackends(Upstream upstream) {
    this.upstream = upstream;
  }

  /** Makes the upstream's backends those of {@code instances}, if they changed. */
  void sync(List<ServiceInstance> instances) {
    Known current = known;
    if (instances == current.instances || instances.equals(current.instances)) {
      return;
    }
    synchronized (this) {
      current = known;
      if (instances.equals(current.instances)) {
        return;
      }
      List<Backend> backends = new ArrayList<>(instances.size());
      Map<String, ServiceInstance> byId = new HashMap<>();
      for (ServiceInstance instance : instances) {
        Backend b = backend(instance);
        if (b != null && byId.putIfAbsent(b.id(), instance) == null) {
          backends.add(b);
        }
      }
      upstream.replaceAll(backends);
      known = new Known(List.copyOf(instances), Map.copyOf(byId));
    }
  }

  /** The instance behind the backend {@code id}, or {@code null}. */
  @Nullable ServiceInstance instance(String id) {
    return known.byId.get(id);
  }

  private @Nullable Backend backend(ServiceInstance instance) {
    String host = instance.getHost();
    int port = instance.getPort();
    if (host == null || host.isEmpty() || port <= 0 || port > 65535) {
      logger.warn(
          "{}: instance {} has no usable host and port; it is left out",
          upstream.name(),
          instance.getInstanceId());
      return null;
    }
    String id = instance.getInstanceId();
    if (id == null || id.isEmpty()) {
      id = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
    Map<String, String> metadata = instance.getMetadata();
    try {
      Backend b = Backend.of(id, host, port);
      String weight = metadata == null ? null : metadata.get(WEIGHT);
      if (weight != null) {
        b = b.withWeight(Integer.parseInt(weight.trim()));
      }
      String route = metadata == null ? null : metadata.get(ROUTE);
      if (route != null && !route.isEmpty()) {
        b = b.withRoute(route);
      }
      String state = metadata == null ? null : metadata.get(STATE);
      if (state != null) {
        b = b.withState(BackendState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
      }
      return b;
    } catch (IllegalArgumentException e) {
      logger.warn(
          "{}: instance {} has metadata lbkit cannot use ({}); it is left out",
          upstream.name(),
          id,
          e.getMessage());
      return null;
    }
  }
}
