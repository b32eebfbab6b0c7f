package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import dev.lbkit.kubernetes.KubernetesDiscovery;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --cluster}: the pods behind each Service are those of the cluster's EndpointSlices, and
 * they stay current while the gateway runs (lb-kubernetes's {@link KubernetesDiscovery}, one per
 * upstream).
 *
 * <p>While the manifests are read, each Service a route names is looked up in the cluster, so a
 * missing Service or port fails before anything starts, and the Service port is turned into the
 * name its EndpointSlices use (the slices name ports after the Service's, and an unnamed single
 * port has the empty name). The upstreams start empty; {@link #follow} fills them from the slices
 * once the gateway runs and keeps them current: pods that come are added, a pod shutting down
 * ({@code serving} and {@code terminating}) drains, one that is gone is removed, and a session
 * follows its pod (backend ids are pod names).
 */
final class ClusterEndpoints implements EndpointSource, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ClusterEndpoints.class);

  /** How long the gateway waits at startup for each upstream's first list of slices. */
  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final String describe;
  private final Map<EndpointSource.ServicePort, String> portNames = new HashMap<>();
  private final List<KubernetesDiscovery> discoveries = new ArrayList<>();
  private List<String> lastKnown = List.of();

  private ClusterEndpoints(KubernetesClient client) {
    this.client = client;
    this.describe = "the cluster at " + client.getMasterUrl();
  }

  /**
   * A client for the cluster: the one {@code kubeconfig} describes (its current context), else the
   * usual places (the {@code KUBECONFIG} variable, {@code ~/.kube/config}, or the service account
   * of the pod the demo runs in).
   */
  static ClusterEndpoints connect(@Nullable String kubeconfig) {
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (kubeconfig != null) {
      Path path = Path.of(kubeconfig);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(kubeconfig, 0, "", "no such file (expected: a kubeconfig file)");
      }
      try {
        builder.withConfig(Config.fromKubeconfig(Files.readString(path, StandardCharsets.UTF_8)));
      } catch (IOException | KubernetesClientException e) {
        throw new ConfigException(
            kubeconfig, 0, "", "not a usable kubeconfig (" + e.getMessage() + ")", e);
      }
    }
    return new ClusterEndpoints(builder.build());
  }

  @Override
  public @Nullable List<Backend> endpoints(EndpointSource.ServicePort port) {
    Service service;
    try {
      service = client.services().inNamespace(port.namespace()).withName(port.service()).get();
    } catch (KubernetesClientException e) {
      throw new ConfigException(
          "--cluster",
          0,
          "",
          "cannot read the Service " + port + " from " + describe + ": " + rootCause(e),
          e);
    }
    if (service == null) {
      lastKnown = servicesIn(port.namespace());
      return null;
    }
    List<String> ports = new ArrayList<>();
    for (io.fabric8.kubernetes.api.model.ServicePort p : service.getSpec().getPorts()) {
      Integer number = p.getPort();
      if (number != null && number == port.port()) {
        portNames.put(port, p.getName() == null ? "" : p.getName());
        // Filled from the slices by follow(): nothing to balance before the gateway runs.
        return List.of();
      }
      ports.add(String.valueOf(number));
    }
    throw new ConfigException(
        "--cluster",
        0,
        "",
        "the Service "
            + port.namespace()
            + '/'
            + port.service()
            + " in "
            + describe
            + " has no port "
            + port.port()
            + " (expected: "
            + (ports.isEmpty() ? "a Service with ports" : ConfigNode.orList(ports))
            + ")");
  }

  /**
   * What went wrong: fabric8's message names the call, and its causes say why, often without a
   * message of their own (a refused connection is a bare {@code ConnectException}).
   */
  private static String rootCause(Throwable e) {
    StringBuilder said = new StringBuilder(String.valueOf(e.getMessage()));
    String sep = " (caused by ";
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      said.append(sep).append(t);
      sep = ", ";
    }
    return sep.equals(", ") ? said.append(')').toString() : said.toString();
  }

  private List<String> servicesIn(String namespace) {
    try {
      List<String> names = new ArrayList<>();
      for (Service s : client.services().inNamespace(namespace).list().getItems()) {
        names.add(namespace + '/' + s.getMetadata().getName());
      }
      return names.isEmpty() ? List.of("none in namespace " + namespace) : names;
    } catch (KubernetesClientException e) {
      return List.of("none readable in namespace " + namespace);
    }
  }

  @Override
  public Collection<String> knownServices() {
    return lastKnown;
  }

  @Override
  public boolean startsDemoBackends() {
    return false;
  }

  @Override
  public String describe() {
    return describe;
  }

  /**
   * Starts following the EndpointSlices of every upstream read from a Service, into the running
   * gateway's upstreams, and waits (up to {@link #SYNC_TIMEOUT} each) for their first list. An
   * upstream whose slices are not listed in time stays empty until they are (503 meanwhile), with a
   * WARN.
   */
  void follow(Gateway gateway, GatewayConfig config) throws InterruptedException {
    for (UpstreamSpec spec : config.upstreams()) {
      EndpointSource.ServicePort port = spec.service();
      String portName = port == null ? null : portNames.get(port);
      if (port == null || portName == null) {
        continue;
      }
      KubernetesDiscovery.Builder builder =
          KubernetesDiscovery.builder(gateway.upstream(spec.name()))
              .namespace(port.namespace())
              .service(port.service())
              .client(client);
      if (!portName.isEmpty()) {
        builder.port(portName);
      }
      KubernetesDiscovery discovery = builder.build();
      discoveries.add(discovery);
      discovery.start();
    }
    for (KubernetesDiscovery d : discoveries) {
      if (!d.awaitSync(SYNC_TIMEOUT)) {
        logger.warn(
            "upstream {}: the EndpointSlices of {}/{} were not listed within {}; it has no"
                + " backends until they are",
            d.upstream().name(),
            d.namespace(),
            d.service(),
            SYNC_TIMEOUT);
      }
    }
  }

  /** Stops following the cluster and closes the client. */
  @Override
  public void close() {
    for (KubernetesDiscovery d : discoveries) {
      try {
        d.close();
      } catch (RuntimeException e) {
        logger.warn("stopping the EndpointSlice watch of upstream {} failed", d.upstream(), e);
      }
    }
    client.close();
  }
}
