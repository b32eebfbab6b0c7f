package dev.lbkit.kubernetes;

import static dev.lbkit.kubernetes.Arguments.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The translation from a Service's {@code discovery.k8s.io/v1} EndpointSlices to lbkit {@link
 * Backend}s: an immutable function with no I/O, used by {@link KubernetesDiscovery} on every change
 * and usable on its own (on slices read from manifests, or listed once).
 *
 * <p>Each endpoint of a slice gives at most one backend:
 *
 * <ul>
 *   <li><b>id</b>: the name of the endpoint's {@code targetRef} when it is a Pod, so that a session
 *       follows the pod and not its address (a pod keeps its name when its IP changes, a
 *       StatefulSet pod even across restarts); otherwise the address itself.
 *   <li><b>host</b>: the endpoint's first address. Kubernetes declares the addresses of one
 *       endpoint fungible and lets consumers use only the first, as kube-proxy does.
 *   <li><b>port</b>: the slice's port of the configured {@linkplain #port(String) name}, or its
 *       only port when {@linkplain #onlyPort() no name} is configured. A slice without that port
 *       gives no backend.
 *   <li><b>state</b>: {@link BackendState#UP UP} when the endpoint is ready and not terminating,
 *       {@link BackendState#DRAINING DRAINING} when it is terminating but still serving (its
 *       sessions finish there, new requests go elsewhere); an endpoint that is neither gives no
 *       backend. As the API says, a missing {@code ready} means ready, a missing {@code
 *       terminating} means not terminating and a missing {@code serving} means what {@code ready}
 *       says.
 *   <li><b>zone</b>: the endpoint's {@code zone}, kept on the backend for locality-aware selection.
 * </ul>
 *
 * <p>The result is the union over all slices, one backend per id, ordered by id: an endpoint that
 * moves from one slice to another, or is briefly in both, stays one backend. When the same id is
 * found twice, an {@code UP} one wins over a {@code DRAINING} one, then IPv4 over IPv6 over FQDN
 * slices, then the slice whose name sorts first. Endpoints that cannot be a backend (no address, a
 * port out of range) are left out; nothing here throws on what a cluster sends.
 */
public final class EndpointSliceBackends {
  private static final EndpointSliceBackends ONLY_PORT = new EndpointSliceBackends(null);

  private final @Nullable String portName;

  private EndpointSliceBackends(@Nullable String portName) {
    this.portName = portName;
  }

  /**
   * Uses each slice's only port, as for a Service with a single (usually unnamed) port; a slice
   * with several ports gives no backend.
   */
  public static EndpointSliceBackends onlyPort() {
    return ONLY_PORT;
  }

  /**
   * Uses the slice port with this name, the name of the Service's port ({@code spec.ports[].name}).
   *
   * @throws IllegalArgumentException if the name is empty
   */
  public static EndpointSliceBackends port(String name) {
    Objects.requireNonNull(name, "name");
    checkArgument(
        !name.isEmpty(), "port: \"\" (expected: the name of a Service port, or onlyPort())");
    return new EndpointSliceBackends(name);
  }

  /** The name of the port used, or {@code null} when each slice's only port is used. */
  public @Nullable String portName() {
    return portName;
  }

  /**
   * The backends of these slices (all of one Service), ordered by id, one per id.
   *
   * @see EndpointSliceBackends the rules
   */
  public List<Backend> backends(Collection<EndpointSlice> slices) {
    List<EndpointSlice> ordered = new ArrayList<>(slices.size());
    for (EndpointSlice slice : slices) {
      if (slice != null) {
        ordered.add(slice);
      }
    }
    ordered.sort(Comparator.comparing(EndpointSliceBackends::sliceName));
    Map<String, Candidate> byId = new TreeMap<>();
    for (EndpointSlice slice : ordered) {
      Integer port = selectPort(slice);
      List<Endpoint> endpoints = slice.getEndpoints();
      if (port == null || endpoints == null) {
        continue;
      }
      int family = familyRank(slice.getAddressType());
      for (Endpoint endpoint : endpoints) {
        Backend backend = endpoint == null ? null : backend(endpoint, port);
        if (backend != null) {
          Candidate candidate = new Candidate(backend, family);
          byId.merge(backend.id(), candidate, Candidate::better);
        }
      }
    }
    List<Backend> result = new ArrayList<>(byId.size());
    for (Candidate c : byId.values()) {
      result.add(c.backend);
    }
    return List.copyOf(result);
  }

  /**
   * Why this slice gives no backend at all although it has endpoints (no port of the configured
   * name, or several ports and no name), or {@code null} when it is fine: for a warning.
   */
  @Nullable String problem(EndpointSlice slice) {
    List<Endpoint> endpoints = slice.getEndpoints();
    if (endpoints == null || endpoints.isEmpty() || selectPort(slice) != null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    List<EndpointPort> ports = slice.getPorts();
    if (ports != null) {
      for (EndpointPort p : ports) {
        if (p != null) {
          names.add(p.getName() == null || p.getName().isEmpty() ? "(unnamed)" : p.getName());
        }
      }
    }
    return portName == null
        ? "ports " + names + " (expected: exactly one, or a port name configured)"
        : "ports " + names + " (expected: one named " + portName + ")";
  }

  /** The backend of one endpoint on this port, or {@code null} when it should not take traffic. */
  static @Nullable Backend backend(Endpoint endpoint, int port) {
    BackendState state = state(endpoint.getConditions());
    List<String> addresses = endpoint.getAddresses();
    if (state == null || addresses == null || addresses.isEmpty()) {
      return null;
    }
    String address = addresses.get(0);
    if (address == null || address.isEmpty()) {
      return null;
    }
    String id = address;
    ObjectReference target = endpoint.getTargetRef();
    if (target != null
        && "Pod".equals(target.getKind())
        && target.getName() != null
        && !target.getName().isEmpty()) {
      id = target.getName();
    }
    String zone = endpoint.getZone();
    try {
      return Backend.of(id, address, port)
          .withState(state)
          .withZone(zone == null || zone.isEmpty() ? null : zone);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The state an endpoint with these conditions takes, or {@code null} when it takes no traffic at
   * all (not ready, or terminating and no longer serving).
   */
  static @Nullable BackendState state(@Nullable EndpointConditions conditions) {
    Boolean readyCondition = conditions == null ? null : conditions.getReady();
    Boolean servingCondition = conditions == null ? null : conditions.getServing();
    Boolean terminatingCondition = conditions == null ? null : conditions.getTerminating();
    boolean ready = readyCondition == null || readyCondition;
    boolean serving = servingCondition == null ? ready : servingCondition;
    boolean terminating = terminatingCondition != null && terminatingCondition;
    if (terminating) {
      return serving ? BackendState.DRAINING : null;
    }
    return ready ? BackendState.UP : null;
  }

  private @Nullable Integer selectPort(EndpointSlice slice) {
    List<EndpointPort> ports = slice.getPorts();
    if (ports == null) {
      return null;
    }
    EndpointPort chosen = null;
    if (portName == null) {
      if (ports.size() == 1) {
        chosen = ports.get(0);
      }
    } else {
      for (EndpointPort p : ports) {
        if (p != null && portName.equals(p.getName())) {
          chosen = p;
          break;
        }
      }
    }
    Integer number = chosen == null ? null : chosen.getPort();
    return number != null && number >= 1 && number <= 65535 ? number : null;
  }

  private static String sliceName(EndpointSlice slice) {
    return slice.getMetadata() == null || slice.getMetadata().getName() == null
        ? ""
        : slice.getMetadata().getName();
  }

  private static int familyRank(@Nullable String addressType) {
    if ("IPv4".equals(addressType)) {
      return 0;
    }
    return "IPv6".equals(addressType) ? 1 : 2;
  }

  /** One backend found for an id, with what decides between two found for the same id. */
  private static final class Candidate {
    final Backend backend;
    final int family;

    Candidate(Backend backend, int family) {
      this.backend = backend;
      this.family = family;
    }

    /** The first seen wins ties: slices are visited in name order. */
    static Candidate better(Candidate first, Candidate second) {
      boolean firstUp = first.backend.state() == BackendState.UP;
      boolean secondUp = second.backend.state() == BackendState.UP;
      if (firstUp != secondUp) {
        return firstUp ? first : second;
      }
      return second.family < first.family ? second : first;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o
        || (o instanceof EndpointSliceBackends that && Objects.equals(portName, that.portName));
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(portName);
  }

  @Override
  public String toString() {
    return portName == null
        ? "EndpointSliceBackends{only port}"
        : "EndpointSliceBackends{port=" + portName + "}";
  }
}
