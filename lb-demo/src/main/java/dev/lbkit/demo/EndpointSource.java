package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where the pods behind a Kubernetes {@code Service} are, for {@code --manifests}: the manifests
 * name Services, and the gateway needs addresses.
 *
 * <p>Three sources exist: a local file mapping Service names to addresses ({@link EndpointsFile},
 * {@code --endpoints FILE}), the demo's own stand-in pods ({@link StandInPods}, the default), which
 * the demo starts as {@link DemoBackends}, and a cluster's EndpointSlices ({@link
 * ClusterEndpoints}, {@code --cluster}), which fill the upstreams once the gateway runs and keep
 * them current.
 */
interface EndpointSource {
  /**
   * A Service port as the manifests use it.
   *
   * @param namespace the Service's namespace
   * @param service the Service's name
   * @param port the Service port a route sends to
   * @param replicas how many pods the manifests ask for (a Deployment's {@code spec.replicas} whose
   *     pods the Service selects), or 0 when they do not say
   */
  record ServicePort(String namespace, String service, int port, int replicas) {
    /** {@code namespace/service:port}, as errors name it. */
    @Override
    public String toString() {
      return namespace + '/' + service + ':' + port;
    }
  }

  /**
   * The endpoints of a Service port, as backends whose ids name the pods, or {@code null} when the
   * source does not know the Service.
   */
  @Nullable List<Backend> endpoints(ServicePort port);

  /** The Services this source knows, for an error that says what is allowed; empty for any. */
  Collection<String> knownServices();

  /** Whether the demo must start local servers on the endpoints' addresses. */
  boolean startsDemoBackends();

  /** What the source is, for the banner and {@code --check}: {@code endpoints.yaml}. */
  String describe();
}
