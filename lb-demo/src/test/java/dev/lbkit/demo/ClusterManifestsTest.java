package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.PoolSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --manifests DIR --cluster}: NGINX Gateway Fabric's guide, unchanged, with its pods in a
 * cluster (fabric8's Kubernetes mock server in CRUD mode, the real API and watch protocol on
 * 127.0.0.1). The guide's Services are applied to it as {@code kubectl apply} would, the pods are
 * demo backends on 127.0.0.1, and the test plays the EndpointSlice controller while the gateway
 * serves: sessions follow their pod through draining, removal and scale-up.
 */
class ClusterManifestsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NAMESPACE = "default";
  private static final String HOST = "cafe.example.com";

  @TempDir Path dir;

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private KubernetesMockServer server;
  private KubernetesClient controller;
  private Path kubeconfig;
  private final Map<String, Backend> pods = new HashMap<>();
  private DemoBackends running;
  private @Nullable Demo demo;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void startCluster() throws Exception {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    String url = "http://127.0.0.1:" + server.getPort();
    // Config.empty(): nothing read from this machine's kubeconfig.
    controller =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(url).build())
            .build();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: mock\n"
            + "  cluster: {server: \""
            + url
            + "\"}\n"
            + "users:\n"
            + "- name: demo\n"
            + "  user: {token: not-checked}\n"
            + "contexts:\n"
            + "- name: mock\n"
            + "  context: {cluster: mock, user: demo, namespace: default}\n"
            + "current-context: mock\n");

    int[] ports = Http.freePorts(6);
    String[] names = {
      "coffee-6b8f4-x2k9p",
      "tea-5d7c9-a1b2c",
      "tea-5d7c9-d3e4f",
      "tea-5d7c9-g5h6i",
      "latte-7f6d2-j7k8l",
      "latte-7f6d2-m9n0o"
    };
    for (int i = 0; i < names.length; i++) {
      pods.put(names[i], Backend.of(names[i], "127.0.0.1", ports[i]));
    }
    running = DemoBackends.start(new ArrayList<>(pods.values()));
  }

  @AfterEach
  void stopAll() {
    if (demo != null) {
      demo.close();
    }
    running.close();
    controller.close();
    server.destroy();
  }

  /** {@code kubectl apply} of the guide's Services (its Deployments need a scheduler, not us). */
  private void applyServices(String... only) throws Exception {
    Path file =
        ManifestWalkthroughTest.guide("001-nginx-gateway-fabric")
            .resolve("1-coffee-tea-latte.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata r : controller.load(in).items()) {
        if (r instanceof Service s
            && (only.length == 0 || List.of(only).contains(s.getMetadata().getName()))) {
          controller.resource(s).inNamespace(NAMESPACE).create();
        }
      }
    }
  }

  /** What the EndpointSlice controller writes for one pod of {@code service}. */
  private void podSlice(String service, String pod, boolean ready, boolean terminating) {
    Backend b = pods.get(pod);
    EndpointSlice slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(pod + "-slice")
            .withNamespace(NAMESPACE)
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withPort(b.port())
            .withProtocol("TCP")
            .endPort()
            .addNewEndpoint()
            .withAddresses(b.host())
            .withNewConditions()
            .withReady(ready)
            .withServing(true)
            .withTerminating(terminating)
            .endConditions()
            .withNewTargetRef()
            .withKind("Pod")
            .withName(pod)
            .withNamespace(NAMESPACE)
            .endTargetRef()
            .endEndpoint()
            .build();
    controller.resource(slice).inNamespace(NAMESPACE).createOr(op -> op.update());
  }

  private void deleteSlice(String pod) {
    controller
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NAMESPACE)
        .withName(pod + "-slice")
        .delete();
  }

  private Main.Launch launch() {
    return Main.launch(
        new String[] {
          "--manifests",
          ManifestWalkthroughTest.guide("001-nginx-gateway-fabric").toString(),
          "--cluster",
          "--kubeconfig",
          kubeconfig.toString(),
          "--listen",
          "127.0.0.1:0"
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Http.Response get(String path, String... headers) {
    Http.Response r = Http.get(demo().gateway().port(), HOST, path, headers);
    assertThat(r.status()).as("status of %s", path).isEqualTo(200);
    return r;
  }

  private Demo demo() {
    assertThat(demo).as("the demo runs").isNotNull();
    return demo;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", WAIT, what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private @Nullable BackendState state(String upstream, String pod) {
    PoolSnapshot s = demo().gateway().upstream(upstream).snapshot();
    int i = s.indexOf(pod);
    return i < 0 ? null : s.backend(i).state();
  }

  @Test
  void theGuideRunsOnTheClustersPodsAndSessionsFollowThem() throws Exception {
    applyServices();
    podSlice("coffee", "coffee-6b8f4-x2k9p", true, false);
    podSlice("tea", "tea-5d7c9-a1b2c", true, false);
    podSlice("tea", "tea-5d7c9-d3e4f", true, false);
    podSlice("latte", "latte-7f6d2-j7k8l", true, false);
    podSlice("latte", "latte-7f6d2-m9n0o", true, false);

    Main.Launch launch = launch();
    demo = launch.demo();
    assertThat(launch.status()).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Main.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("the cluster at http://127.0.0.1:" + server.getPort());
    // Started with every upstream listed: no request meets an empty upstream.
    assertThat(demo().gateway().upstream("tea").snapshot().size()).isEqualTo(2);

    // coffee: ip_hash over the one pod; tea: the guide's cookie; latte: both pods answer.
    assertThat(get("/coffee").serverName()).isEqualTo("coffee-6b8f4-x2k9p");
    Http.Response first = get("/tea");
    Map<String, String> attributes = SetCookie.attributes(first.setCookie("cookie-tea"));
    assertThat(attributes).containsEntry("max-age", "86400").containsEntry("path", "/tea");
    String pod = first.serverName();
    String other = pod.equals("tea-5d7c9-a1b2c") ? "tea-5d7c9-d3e4f" : "tea-5d7c9-a1b2c";
    String cookie = "Cookie: " + first.cookiePair("cookie-tea");
    for (int i = 0; i < 5; i++) {
      assertThat(get("/tea", cookie).serverName()).isEqualTo(pod);
    }
    Set<String> latte = new HashSet<>();
    for (int i = 0; i < 40 && latte.size() < 2; i++) {
      latte.add(get("/latte").serverName());
    }
    assertThat(latte).containsExactlyInAnyOrder("latte-7f6d2-j7k8l", "latte-7f6d2-m9n0o");

    // The session's pod shuts down (serving, terminating): it drains, keeping its session.
    podSlice("tea", pod, false, true);
    await(pod + " draining", () -> state("tea", pod) == BackendState.DRAINING);
    for (int i = 0; i < 5; i++) {
      assertThat(get("/tea", cookie).serverName()).isEqualTo(pod);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(get("/tea").serverName()).as("a new session").isEqualTo(other);
    }

    // The pod is gone: the session moves, with a new cookie, and stays where it moved.
    deleteSlice(pod);
    await(pod + " removed", () -> state("tea", pod) == null);
    Http.Response moved = get("/tea", cookie);
    assertThat(moved.serverName()).isEqualTo(other);
    assertThat(moved.setCookie("cookie-tea")).as("a new cookie for the new pod").isNotNull();
    String movedCookie = "Cookie: " + moved.cookiePair("cookie-tea");
    for (int i = 0; i < 5; i++) {
      assertThat(get("/tea", movedCookie).serverName()).isEqualTo(other);
    }

    // Scale up: a new pod takes new sessions; the moved session stays.
    podSlice("tea", "tea-5d7c9-g5h6i", true, false);
    await("the new pod", () -> state("tea", "tea-5d7c9-g5h6i") == BackendState.UP);
    Set<String> fresh = new HashSet<>();
    for (int i = 0; i < 60 && !fresh.contains("tea-5d7c9-g5h6i"); i++) {
      fresh.add(get("/tea").serverName());
    }
    assertThat(fresh).contains("tea-5d7c9-g5h6i");
    assertThat(get("/tea", movedCookie).serverName()).isEqualTo(other);
  }

  @Test
  void aServiceMissingFromTheClusterFailsBeforeAnythingStarts() throws Exception {
    applyServices("coffee", "latte");

    Main.Launch launch = launch();
    demo = launch.demo();
    assertThat(launch.status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(demo).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("5-tea-route.yaml:")
        .contains("\"tea\" (expected: a Service of the cluster at http://127.0.0.1:")
        .contains("default/coffee or default/latte");
  }

  @Test
  void clusterOptionsAreCheckedTogether() {
    Main.Launch noManifests =
        Main.launch(
            new String[] {"--cluster"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(noManifests.status()).isEqualTo(Main.BAD_CONFIG);
    Main.Launch both =
        Main.launch(
            new String[] {"--manifests", dir.toString(), "--cluster", "--endpoints", "e.yaml"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(both.status()).isEqualTo(Main.BAD_CONFIG);
    Main.Launch kubeconfigAlone =
        Main.launch(
            new String[] {"--manifests", dir.toString(), "--kubeconfig", "k"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(kubeconfigAlone.status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("lb-demo: --endpoints, --cluster, --demo-backends, --listen and")
        .contains("lb-demo: --endpoints, --cluster and --demo-backends are exclusive; give one")
        .contains("lb-demo: --kubeconfig needs --cluster");
  }
}
