package dev.lbkit.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.jspecify.annotations.Nullable;

/** EndpointSlices as the EndpointSlice controller writes them, for the tests. */
final class Slices {
  static final String NAMESPACE = "shop";
  static final String SERVICE = "tea";

  private Slices() {}

  /** A slice of Service tea with one port {@code http} = 8080. */
  static EndpointSlice slice(String name, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels(KubernetesDiscovery.SERVICE_NAME_LABEL, SERVICE)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .withProtocol("TCP")
        .endPort()
        .withEndpoints(endpoints)
        .build();
  }

  /** A ready pod in zone {@code zone-a}. */
  static Endpoint ready(String pod, String ip) {
    return pod(pod, ip, true, true, false);
  }

  /** A pod shutting down that still serves the requests it gets. */
  static Endpoint terminatingServing(String pod, String ip) {
    return pod(pod, ip, false, true, true);
  }

  /** A pod shutting down that no longer serves. */
  static Endpoint terminatingNotServing(String pod, String ip) {
    return pod(pod, ip, false, false, true);
  }

  static Endpoint pod(
      String pod,
      String ip,
      @Nullable Boolean ready,
      @Nullable Boolean serving,
      @Nullable Boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(ip)
        .withNewConditions()
        .withReady(ready)
        .withServing(serving)
        .withTerminating(terminating)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(pod)
        .withNamespace(NAMESPACE)
        .endTargetRef()
        .withZone("zone-a")
        .build();
  }
}
