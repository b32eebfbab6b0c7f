package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stand-ins for the pods of every Service the manifests route to, which the demo starts as {@link
 * DemoBackends} on free loopback ports: as many as the manifests' Deployment asks for ({@code
 * spec.replicas}), else {@value #DEFAULT_PODS}, named as a Deployment names its pods ({@code
 * coffee-5c8e1d-1}), so that each response says which "pod" served it.
 *
 * <p>A Service's ports all reach the same stand-ins: one server per pod, as one container that
 * answers whichever Service port a route uses.
 */
final class StandInPods implements EndpointSource {
  /** How many pods a Service gets when no Deployment in the manifests says. */
  static final int DEFAULT_PODS = 2;

  private final Map<String, List<Backend>> byService = new LinkedHashMap<>();

  @Override
  public List<Backend> endpoints(ServicePort port) {
    String key = port.namespace() + '/' + port.service();
    List<Backend> pods = byService.get(key);
    if (pods == null) {
      int count = port.replicas() > 0 ? port.replicas() : DEFAULT_PODS;
      int[] ports = freeLoopbackPorts(count);
      // Like a ReplicaSet's pod-template-hash: fixed for the Service, so names repeat across runs.
      // (Fibonacci hashing spreads similar names, s1 and s2, to unlike suffixes.)
      String hash = String.format(Locale.ROOT, "%06x", (key.hashCode() * 0x9E3779B9) >>> 8);
      List<Backend> created = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        created.add(Backend.of(port.service() + '-' + hash + '-' + (i + 1), "127.0.0.1", ports[i]));
      }
      pods = List.copyOf(created);
      byService.put(key, pods);
    }
    return pods;
  }

  @Override
  public Collection<String> knownServices() {
    return List.of();
  }

  @Override
  public boolean startsDemoBackends() {
    return true;
  }

  @Override
  public String describe() {
    return "stand-in pods on 127.0.0.1";
  }

  /**
   * Ports that were free a moment ago. Another process may take one before the demo binds it; the
   * demo then fails to start with "port in use", and a second run picks new ports.
   */
  private static int[] freeLoopbackPorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        sockets.add(s);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // A probe socket: nothing to do.
        }
      }
    }
  }
}
