package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running demo: the demo backends the file asks for, and the gateway in front of them. */
final class Demo implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Demo.class);

  private final GatewayConfig config;
  private final @Nullable DemoBackends backends;
  private final Gateway gateway;
  private final @Nullable ClusterEndpoints cluster;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Demo(
      GatewayConfig config,
      @Nullable DemoBackends backends,
      Gateway gateway,
      @Nullable ClusterEndpoints cluster) {
    this.config = config;
    this.backends = backends;
    this.gateway = gateway;
    this.cluster = cluster;
  }

  /**
   * Starts the demo backends (when the file has {@code demoBackends: true}), then the gateway. If
   * the gateway cannot start, the backends are stopped again.
   */
  static Demo start(GatewayConfig config) throws Exception {
    DemoBackends backends = config.demoBackends() ? DemoBackends.start(allBackends(config)) : null;
    try {
      return new Demo(config, backends, Gateway.start(config), null);
    } catch (Exception | Error e) {
      if (backends != null) {
        backends.close();
      }
      throw e;
    }
  }

  /**
   * Starts the gateway of manifests whose pods are in a cluster, then follows the cluster's
   * EndpointSlices into its upstreams; {@link #close()} stops following and closes the client.
   */
  static Demo start(GatewayConfig config, ClusterEndpoints cluster) throws Exception {
    Gateway gateway = null;
    try {
      gateway = Gateway.start(config);
      cluster.follow(gateway, config);
      return new Demo(config, null, gateway, cluster);
    } catch (Exception | Error e) {
      cluster.close();
      if (gateway != null) {
        gateway.close();
      }
      throw e;
    }
  }

  GatewayConfig config() {
    return config;
  }

  Gateway gateway() {
    return gateway;
  }

  @Nullable DemoBackends backends() {
    return backends;
  }

  /** Waits until {@link #close()} has run. */
  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops following the cluster, then the gateway (no new requests), then the backends. Safe to
   * call twice.
   */
  @Override
  public void close() {
    if (cluster != null) {
      cluster.close();
    }
    try {
      gateway.close();
    } catch (RuntimeException e) {
      logger.warn("stopping the gateway failed", e);
    }
    if (backends != null) {
      try {
        backends.close();
      } catch (RuntimeException e) {
        logger.warn("stopping the demo backends failed", e);
      }
    }
    stopped.countDown();
  }

  /** Every backend of every upstream: the servers {@code demoBackends: true} starts. */
  static List<Backend> allBackends(GatewayConfig config) {
    List<Backend> all = new ArrayList<>();
    for (UpstreamSpec u : config.upstreams()) {
      all.addAll(u.backends());
    }
    return all;
  }
}
