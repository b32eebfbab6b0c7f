package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the manifest reader reads, ignores and refuses, and the endpoints file. */
class ManifestReaderTest {
  @TempDir Path dir;

  private static final String COFFEE_ROUTE =
      "apiVersion: gateway.networking.k8s.io/v1\n"
          + "kind: HTTPRoute\n"
          + "metadata:\n"
          + "  name: coffee\n"
          + "spec:\n"
          + "  hostnames: [cafe.example.com]\n"
          + "  rules:\n"
          + "  - matches:\n"
          + "    - path:\n"
          + "        type: PathPrefix\n"
          + "        value: /coffee\n"
          + "    backendRefs:\n"
          + "    - name: coffee\n"
          + "      port: 80\n";

  private static final String COFFEE_SERVICE =
      "apiVersion: v1\n"
          + "kind: Service\n"
          + "metadata:\n"
          + "  name: coffee\n"
          + "spec:\n"
          + "  selector: {app: coffee}\n"
          + "  ports:\n"
          + "  - port: 80\n"
          + "    targetPort: 8080\n";

  private static ManifestReader.Result read(String name, String text, EndpointSource endpoints) {
    return ManifestReader.read(
        name,
        Manifest.parse(name, text),
        endpoints,
        new GatewayConfig.HostPort("127.0.0.1", 0),
        ManifestReader.ephemeralSigning());
  }

  private static ManifestReader.Result read(String name, String text) {
    return read(name, text, new StandInPods());
  }

  @Test
  void otherKindsAreIgnoredWithOneLinePerKind() {
    String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n";
    String text =
        String.join(
            "---\n",
            configMap.formatted("a"),
            COFFEE_ROUTE,
            configMap.formatted("b"),
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
            configMap.formatted("c"),
            COFFEE_SERVICE);

    ManifestReader.Result result = read("mixed.yaml", text);

    assertThat(result.ignored())
        .containsExactly(
            "ignoring 3 ConfigMap (v1): the demo reads Gateway, HTTPRoute, UpstreamSettingsPolicy,"
                + " VirtualServer, Ingress, Service and Deployment",
            "ignoring 1 Secret (v1): the demo reads Gateway, HTTPRoute, UpstreamSettingsPolicy,"
                + " VirtualServer, Ingress, Service and Deployment");
    assertThat(result.config().routes()).hasSize(1);
  }

  @Test
  void aDeploymentSizesTheStandInPodsOfTheServiceThatSelectsIt() {
    String deployment =
        "apiVersion: apps/v1\n"
            + "kind: Deployment\n"
            + "metadata:\n"
            + "  name: coffee\n"
            + "spec:\n"
            + "  replicas: 3\n"
            + "  template:\n"
            + "    metadata:\n"
            + "      labels: {app: coffee, tier: web}\n";

    ManifestReader.Result result =
        read("cafe.yaml", String.join("---\n", deployment, COFFEE_SERVICE, COFFEE_ROUTE));

    List<Backend> pods = result.config().upstream("coffee").backends();
    assertThat(pods).hasSize(3);
    Set<String> ports = new HashSet<>();
    for (Backend pod : pods) {
      assertThat(pod.id()).matches("coffee-[0-9a-f]{6}-[123]");
      assertThat(pod.host()).isEqualTo("127.0.0.1");
      ports.add(String.valueOf(pod.port()));
    }
    assertThat(ports).hasSize(3);
    assertThat(result.config().demoBackends()).isTrue();
  }

  @Test
  void withAnEndpointsFileDeploymentsAreIgnored() {
    EndpointsFile file =
        EndpointsFile.read(
            "endpoints.yaml", new StringReader("services:\n  coffee: [127.0.0.1:18001]\n"));
    String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coffee\n";

    ManifestReader.Result result =
        read("cafe.yaml", String.join("---\n", deployment, COFFEE_SERVICE, COFFEE_ROUTE), file);

    assertThat(result.ignored())
        .containsExactly("ignoring 1 Deployment (apps/v1): the pods are those of endpoints.yaml");
    assertThat(result.config().upstream("coffee").backends())
        .containsExactly(Backend.of("coffee-1", "127.0.0.1", 18001));
    assertThat(result.config().demoBackends()).isFalse();
  }

  @Test
  void aBadManifestNamesTheFileLineFieldAndWhatIsAllowed() {
    String regex = COFFEE_ROUTE.replace("type: PathPrefix", "type: RegularExpression");
    assertThatThrownBy(() -> read("coffee.yaml", regex))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "coffee.yaml:10: spec.rules[0].matches[0].path.type: \"RegularExpression\""
                + " (expected: Exact or PathPrefix)");
  }

  @Test
  void aPortTheServiceDoesNotHaveIsAnError() {
    String text =
        String.join("---\n", COFFEE_SERVICE, COFFEE_ROUTE.replace("port: 80", "port: 81"));
    assertThatThrownBy(() -> read("cafe.yaml", text))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cafe.yaml:24: spec.rules[0].backendRefs[0].port: \"81\""
                + " (expected: a port of Service default/coffee: 80)");
  }

  @Test
  void anInvalidSessionPersistenceIsRefusedByLbConfigAtItsField() {
    String text =
        COFFEE_ROUTE
            + "    sessionPersistence:\n"
            + "      sessionName: coffee\n"
            + "      type: Cookie\n"
            + "      cookieConfig:\n"
            + "        lifetimeType: Permanent\n";
    assertThatThrownBy(() -> read("coffee.yaml", text))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              ConfigException c = (ConfigException) e;
              assertThat(c.file()).isEqualTo("coffee.yaml");
              assertThat(c.line()).isBetween(15, 19);
              assertThat(c.field()).startsWith("spec.rules[0].sessionPersistence");
              assertThat(c.problem()).contains("absoluteTimeout");
            });
  }

  @Test
  void aHeaderMatchIsRefusedRatherThanDropped() {
    String text =
        COFFEE_ROUTE.replace(
            "    - path:\n", "    - headers:\n      - {name: version, value: v2}\n      path:\n");
    assertThatThrownBy(() -> read("coffee.yaml", text))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "coffee.yaml:10: spec.rules[0].matches[0].headers: a headers match");
  }

  @Test
  void manifestsWithoutRoutesAreAnError() {
    assertThatThrownBy(() -> read("svc.yaml", COFFEE_SERVICE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("svc.yaml: no routes");
  }

  @Test
  void notYamlNamesTheLine() {
    assertThatThrownBy(() -> read("x.yaml", COFFEE_ROUTE + "  - : [\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("x.yaml:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void aDirectoryIsReadInNameOrderAndOnlyItsYamlFiles() throws Exception {
    Files.writeString(dir.resolve("2-route.yml"), COFFEE_ROUTE);
    Files.writeString(dir.resolve("1-service.yaml"), COFFEE_SERVICE);
    Files.writeString(dir.resolve("notes.txt"), "not a manifest: [");

    List<Manifest> manifests = Manifest.load(List.of(dir));

    assertThat(manifests).extracting(Manifest::kind).containsExactly("Service", "HTTPRoute");
    assertThatThrownBy(() -> Manifest.load(List.of(dir.resolve("nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "no such file or directory (expected: a manifest file or a directory)");
  }

  @Test
  void theEndpointsFileNamesPodsAndMatchesNamespaces() {
    EndpointsFile file =
        EndpointsFile.read(
            "endpoints.yaml",
            new StringReader(
                "services:\n"
                    + "  coffee:\n"
                    + "  - 127.0.0.1:18001\n"
                    + "  - {name: coffee-abc, address: 127.0.0.1:18002}\n"
                    + "  prod/coffee:\n"
                    + "  - 10.0.0.5:8080\n"));

    assertThat(file.endpoints(new EndpointSource.ServicePort("default", "coffee", 80, 0)))
        .containsExactly(
            Backend.of("coffee-1", "127.0.0.1", 18001),
            Backend.of("coffee-abc", "127.0.0.1", 18002));
    assertThat(file.endpoints(new EndpointSource.ServicePort("prod", "coffee", 80, 0)))
        .containsExactly(Backend.of("coffee-1", "10.0.0.5", 8080));
    assertThat(file.endpoints(new EndpointSource.ServicePort("default", "tea", 80, 0))).isNull();
    assertThat(file.startsDemoBackends()).isFalse();

    assertThatThrownBy(
            () ->
                read(
                    "cafe.yaml",
                    COFFEE_ROUTE.replace("name: coffee\n      port", "name: tea\n      port"),
                    file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cafe.yaml:13: spec.rules[0].backendRefs[0].name: \"tea\""
                + " (expected: a Service of endpoints.yaml: coffee or prod/coffee)");
  }

  @Test
  void aBadEndpointsFileNamesTheLine() {
    assertThatThrownBy(
            () ->
                EndpointsFile.read(
                    "endpoints.yaml", new StringReader("services:\n  coffee:\n  - localhost\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("endpoints.yaml:3: services.coffee[0]: \"localhost\" (expected:");
  }

  @Test
  void theEndpointsFileRoutesToServersThatAreAlreadyRunning() throws Exception {
    List<String> names = List.of("coffee-a", "coffee-b", "tea-a", "tea-b", "latte-a", "latte-b");
    int[] ports = Http.freePorts(names.size());
    List<Backend> servers = new ArrayList<>();
    StringBuilder file = new StringBuilder("services:\n");
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      servers.add(Backend.of(name, "127.0.0.1", ports[i]));
      if (i % 2 == 0) {
        file.append("  ").append(name, 0, name.indexOf('-')).append(":\n");
      }
      file.append("  - {name: ").append(name).append(", address: 127.0.0.1:").append(ports[i]);
      file.append("}\n");
    }
    Path endpoints = Files.writeString(dir.resolve("endpoints.yaml"), file.toString());

    try (DemoBackends pods = DemoBackends.start(servers)) {
      GatewayConfig config =
          Main.readManifests(
              List.of(ManifestWalkthroughTest.guide("001-nginx-gateway-fabric")),
              endpoints.toString(),
              "127.0.0.1:0",
              null);
      assertThat(config.demoBackends()).isFalse();
      assertThat(config.source()).endsWith("(endpoints: " + endpoints + ")");
      try (Demo demo = Demo.start(config)) {
        assertThat(demo.backends()).isNull();
        Set<String> coffee = new HashSet<>();
        for (int i = 0; i < 5; i++) {
          coffee.add(Http.get(demo.gateway().port(), "cafe.example.com", "/coffee").serverName());
        }
        assertThat(coffee).hasSize(1);
        assertThat(coffee.iterator().next()).isIn("coffee-a", "coffee-b");
      }
    }
  }
}
