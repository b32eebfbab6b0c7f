package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import dev.lbkit.demo.GatewayConfig.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code --endpoints FILE}: the addresses of each Service's pods, for running manifests against
 * servers that are already running somewhere reachable (a port-forward, local processes).
 *
 * <pre>
 * services:
 *   coffee:                          # the Service coffee in any namespace
 *   - 127.0.0.1:18001                # a pod, named coffee-1
 *   - 127.0.0.1:18002
 *   httpbin/httpbin:                 # namespace/name: only in that namespace
 *   - {name: httpbin-7f9c-abcde, address: 127.0.0.1:18021}
 * </pre>
 *
 * <p>An address serves every port of its Service, as a pod's container would. A name without a
 * namespace matches the Service in any namespace; {@code namespace/name} wins over it.
 */
final class EndpointsFile implements EndpointSource {
  private static final List<String> TOP_LEVEL = List.of("services");
  private static final List<String> ENDPOINT_FIELDS = List.of("name", "address");
  // A Service name (RFC 1035 label), optionally after its namespace (RFC 1123 label) and a slash.
  private static final Pattern SERVICE =
      Pattern.compile("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$");

  private final String file;
  private final Map<String, List<Backend>> services;

  private EndpointsFile(String file, Map<String, List<Backend>> services) {
    this.file = file;
    this.services = services;
  }

  /** Reads the file at {@code path}; errors name it as given. */
  static EndpointsFile read(Path path) {
    String name = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(name, 0, "", "no such file (expected: a YAML endpoints file)");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(name, reader);
    } catch (IOException e) {
      throw new ConfigException(name, 0, "", "cannot be read: " + e.getMessage(), e);
    }
  }

  static EndpointsFile read(String name, Reader reader) {
    ConfigNode root = ConfigNode.root(name, GatewayConfigReader.compose(name, reader));
    if (root.isMissing()) {
      throw root.error("the file is empty (expected: a mapping with services)");
    }
    root.checkMapping(TOP_LEVEL.toArray(new String[0]));
    ConfigNode servicesNode = root.require("services");
    if (!servicesNode.isMapping()) {
      throw servicesNode.error(
          "%s (expected: a mapping from Service names to lists of host:port)",
          servicesNode.quoted());
    }
    Map<String, List<Backend>> services = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : servicesNode.fields().entrySet()) {
      String service = e.getKey();
      ConfigNode list = e.getValue();
      if (!SERVICE.matcher(service).matches()) {
        throw list.error(
            "the Service \"%s\" (expected: a Service name such as coffee, or namespace/name)",
            service);
      }
      String shortName = service.substring(service.indexOf('/') + 1);
      List<Backend> pods = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      List<ConfigNode> elements = list.elements();
      for (int i = 0; i < elements.size(); i++) {
        Backend pod = endpoint(elements.get(i), shortName + '-' + (i + 1));
        if (!ids.add(pod.id())) {
          throw elements.get(i).error("the name \"%s\" is used twice in %s", pod.id(), service);
        }
        pods.add(pod);
      }
      if (pods.isEmpty()) {
        throw list.error("an empty list (expected: at least one host:port)");
      }
      services.put(service, List.copyOf(pods));
    }
    return new EndpointsFile(name, services);
  }

  private static Backend endpoint(ConfigNode node, String defaultName) {
    ConfigNode addressNode = node;
    String name = defaultName;
    if (node.isMapping()) {
      node.checkMapping(ENDPOINT_FIELDS.toArray(new String[0]));
      addressNode = node.require("address");
      name = node.get("name").text(defaultName);
    }
    HostPort address = GatewayConfigReader.hostPort(addressNode, 1);
    try {
      return Backend.of(name, address.host(), address.port());
    } catch (IllegalArgumentException e) {
      throw node.error(e);
    }
  }

  @Override
  public @Nullable List<Backend> endpoints(ServicePort port) {
    List<Backend> pods = services.get(port.namespace() + '/' + port.service());
    return pods != null ? pods : services.get(port.service());
  }

  @Override
  public Collection<String> knownServices() {
    return services.keySet();
  }

  @Override
  public boolean startsDemoBackends() {
    return false;
  }

  @Override
  public String describe() {
    return file;
  }
}
