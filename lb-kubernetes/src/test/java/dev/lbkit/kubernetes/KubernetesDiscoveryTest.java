package dev.lbkit.kubernetes;

import static dev.lbkit.kubernetes.Slices.NAMESPACE;
import static dev.lbkit.kubernetes.Slices.SERVICE;
import static dev.lbkit.kubernetes.Slices.ready;
import static dev.lbkit.kubernetes.Slices.slice;
import static dev.lbkit.kubernetes.Slices.terminatingNotServing;
import static dev.lbkit.kubernetes.Slices.terminatingServing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import dev.lbkit.core.UpstreamListener;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source against fabric8's Kubernetes mock server in CRUD mode: the real list and watch
 * protocol over HTTP on 127.0.0.1, slices written through the same client API a controller uses.
 */
class KubernetesDiscoveryTest {
  private static final String SECRET = "k7Hq2V9xR4mT8wZ1pL6nB3cF5yJ0sD2g";

  /** Bounds every wait; the tests wait for a state, never for a time. */
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses);
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final Upstream upstream = Upstream.of("tea");
  private final LoadBalancer lb =
      LoadBalancer.builder(upstream)
          .affinity(SessionPersistence.cookie("srv_id").secrets(SECRET).build().toAffinity())
          .build();
  private @Nullable KubernetesDiscovery discovery;

  @BeforeEach
  void startServer() throws Exception {
    server = startServer(0);
    // Config.empty(): nothing read from this machine's kubeconfig; the address spelled out, so
    // that the client never tries another loopback address than the one the server is bound to.
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl("http://127.0.0.1:" + server.getPort())
                    .withNamespace(NAMESPACE)
                    .build())
            .build();
  }

  private KubernetesMockServer startServer(int port) throws Exception {
    KubernetesMockServer s =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    s.init(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    return s;
  }

  @AfterEach
  void stop() {
    if (discovery != null) {
      discovery.close();
    }
    client.close();
    server.destroy();
  }

  private KubernetesDiscovery start(Duration emptySliceGrace) throws InterruptedException {
    KubernetesDiscovery d =
        KubernetesDiscovery.builder(upstream)
            .namespace(NAMESPACE)
            .service(SERVICE)
            .port("http")
            .client(client)
            .emptySliceGrace(emptySliceGrace)
            .build();
    discovery = d;
    d.start();
    assertThat(d.awaitSync(WAIT)).as("synced").isTrue();
    assertThat(d.hasSynced()).isTrue();
    return d;
  }

  private void write(EndpointSlice slice) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NAMESPACE)
        .resource(slice)
        .createOr(NonDeletingOperation::update);
  }

  private void delete(String sliceName) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(sliceName).delete();
  }

  @Test
  void followsScalingUpAndDownAndSessionsOfRemainingPodsStay() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2");
    assertThat(upstream.snapshot().backends())
        .containsExactly(
            Backend.of("tea-1", "10.0.0.1", 8080).withZone("zone-a"),
            Backend.of("tea-2", "10.0.0.2", 8080).withZone("zone-a"));
    String cookie = sessionOn("tea-1");

    write(
        slice(
            "tea-a",
            ready("tea-1", "10.0.0.1"),
            ready("tea-2", "10.0.0.2"),
            ready("tea-3", "10.0.0.3")));
    awaitIds("tea-1", "tea-2", "tea-3");
    assertSticky(cookie, "tea-1");

    write(slice("tea-a", ready("tea-1", "10.0.0.1")));
    awaitIds("tea-1");
    assertSticky(cookie, "tea-1");
  }

  @Test
  void endpointsMovingBetweenSlicesKeepTheirIdsAndSessions() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    write(slice("tea-b", ready("tea-3", "10.0.0.3")));
    start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2", "tea-3");
    String cookie = sessionOn("tea-2");

    // The controller adds the endpoint to its new slice before it leaves the old one.
    write(slice("tea-b", ready("tea-3", "10.0.0.3"), ready("tea-2", "10.0.0.2")));
    write(slice("tea-a", ready("tea-1", "10.0.0.1")));
    await(
        "tea-2 only in tea-b",
        () ->
            discovery.lastSeenSlices() == 2
                && client
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(NAMESPACE)
                        .withName("tea-a")
                        .get()
                        .getEndpoints()
                        .size()
                    == 1);
    awaitIds("tea-1", "tea-2", "tea-3");
    assertSticky(cookie, "tea-2");
  }

  @Test
  void terminatingServingPodDrainsItsSessionsThenNotServingMovesThem() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2");
    String cookie = sessionOn("tea-1");

    write(slice("tea-a", terminatingServing("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    await("tea-1 draining", () -> state("tea-1") == BackendState.DRAINING);
    Decision sticky = assertSticky(cookie, "tea-1");
    assertThat(sticky.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    for (int i = 0; i < 20; i++) {
      Decision fresh = lb.pick(request(null));
      lb.report(fresh, Outcome.SUCCESS);
      assertThat(fresh.backend().id()).as("a new session").isEqualTo("tea-2");
    }

    write(slice("tea-a", terminatingNotServing("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    awaitIds("tea-2");
    Decision moved = lb.pick(request(cookie));
    lb.report(moved, Outcome.SUCCESS);
    assertThat(moved.backend().id()).isEqualTo("tea-2");
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
  }

  @Test
  void aPodThatChangesItsAddressKeepsItsSessions() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2");
    String cookie = sessionOn("tea-1");

    write(slice("tea-a", ready("tea-1", "10.0.0.9"), ready("tea-2", "10.0.0.2")));
    await("tea-1 at its new address", () -> "10.0.0.9".equals(host("tea-1")));
    assertSticky(cookie, "tea-1");
  }

  @Test
  void slicesDeletedAndRecreatedKeepTheBackendsAndTheirSessions() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2");
    String cookie = sessionOn("tea-2");

    delete("tea-a");
    await("the deletion seen", () -> discovery.lastSeenSlices() == 0);
    assertThat(ids()).as("kept within the grace").containsExactly("tea-1", "tea-2");
    assertSticky(cookie, "tea-2");

    write(slice("tea-x", ready("tea-2", "10.0.0.2"), ready("tea-3", "10.0.0.3")));
    awaitIds("tea-2", "tea-3");
    assertSticky(cookie, "tea-2");
  }

  @Test
  void noSliceEmptiesTheUpstreamOnceTheGraceHasPassed() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1")));
    start(Duration.ZERO);
    awaitIds("tea-1");
    delete("tea-a");
    awaitIds();
  }

  @Test
  void aSliceWithNoServingEndpointEmptiesTheUpstreamAtOnce() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1")));
    start(Duration.ofHours(1));
    awaitIds("tea-1");
    write(slice("tea-a"));
    awaitIds();
  }

  @Test
  void aDroppedWatchKeepsTheLastSetAndTheSourceCatchesUpAfterwards() throws Exception {
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    KubernetesDiscovery d = start(Duration.ZERO);
    awaitIds("tea-1", "tea-2");
    await("watching", d::isWatching);
    String cookie = sessionOn("tea-1");
    int port = server.getPort();

    server.destroy();
    await("the watch dropped", () -> !d.isWatching());
    await("the failure noticed", d::watchFailing);
    assertThat(ids()).containsExactly("tea-1", "tea-2");
    assertSticky(cookie, "tea-1");

    // The same API server comes back (same store) and the informer reconnects to it.
    server = startServer(port);
    write(
        slice(
            "tea-a",
            ready("tea-1", "10.0.0.1"),
            ready("tea-2", "10.0.0.2"),
            ready("tea-3", "10.0.0.3")));
    awaitIds("tea-1", "tea-2", "tea-3");
    await("the recovery noticed", () -> !d.watchFailing());
    assertSticky(cookie, "tea-1");
  }

  @Test
  void aFailingListKeepsWhatTheUpstreamHadAndIsRetriedWithOneWarning() throws Exception {
    upstream.add(Backend.of("static-1", "192.0.2.1", 80));
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    // What a missing RBAC rule looks like, until it is fixed.
    server
        .expect()
        .get()
        .withPath(
            "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
                + "?labelSelector=kubernetes.io%2Fservice-name%3Dtea&resourceVersion=0")
        .andReturn(
            403,
            new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("no").build())
        .always();
    int before = server.getRequestCount();
    KubernetesDiscovery d =
        KubernetesDiscovery.builder(upstream)
            .namespace(NAMESPACE)
            .service(SERVICE)
            .port("http")
            .client(client)
            .build();
    discovery = d;
    d.start();
    await("the failure noticed", d::watchFailing);
    await("three lists refused", () -> server.getRequestCount() >= before + 3);
    assertThat(d.hasSynced()).isFalse();
    assertThat(ids()).as("nothing published before the first list").containsExactly("static-1");
    assertThat(d.watchWarnings()).as("one warning per streak").isEqualTo(1);

    server.clearExpectations();
    assertThat(d.awaitSync(WAIT)).isTrue();
    assertThat(ids()).containsExactly("tea-1", "tea-2");
    await("the recovery noticed", () -> !d.watchFailing());
    assertThat(d.watchWarnings()).isEqualTo(1);
  }

  @Test
  void anUpdateThatChangesNoBackendPublishesNothing() throws Exception {
    int[] published = new int[1];
    upstream.addListener(
        new UpstreamListener() {
          @Override
          public void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
            published[0]++;
          }
        });
    write(slice("tea-a", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2")));
    KubernetesDiscovery d = start(Duration.ofHours(1));
    awaitIds("tea-1", "tea-2");
    int publishedBefore = published[0];
    int before = d.reconciliations();

    // A new resourceVersion, a not-ready pod added: the same backends.
    write(
        slice(
            "tea-a",
            ready("tea-1", "10.0.0.1"),
            ready("tea-2", "10.0.0.2"),
            Slices.pod("tea-3", "10.0.0.3", false, false, false)));
    await("the update seen", () -> d.reconciliations() > before);
    assertThat(published[0]).isEqualTo(publishedBefore);
  }

  @Test
  void lifecycleAndConfigurationErrors() throws Exception {
    KubernetesDiscovery d = start(Duration.ofHours(1));
    assertThat(ids()).as("a Service with no slice yet").isEmpty();
    assertThatThrownBy(d::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("KubernetesDiscovery{shop/tea -> tea} is already started");
    d.close();
    d.close();
    assertThat(client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).list().getItems())
        .as("the user's client stays open")
        .isEmpty();
    assertThatThrownBy(d::start).hasMessage("KubernetesDiscovery{shop/tea -> tea} is closed");

    KubernetesDiscovery.Builder builder = KubernetesDiscovery.builder(upstream);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace: null (expected: the Service's namespace)");
    assertThatThrownBy(() -> builder.namespace("Shop"))
        .hasMessage("namespace: \"Shop\" (expected: a DNS-1123 label: a-z, 0-9, '-', at most 63)");
    assertThatThrownBy(() -> builder.namespace("shop").build())
        .hasMessage("service: null (expected: the Service's name)");
    assertThatThrownBy(() -> builder.service("-tea"))
        .hasMessage("service: \"-tea\" (expected: a DNS-1123 label: a-z, 0-9, '-', at most 63)");
    assertThatThrownBy(() -> builder.emptySliceGrace(Duration.ofSeconds(-1)))
        .hasMessage("emptySliceGrace: PT-1S (expected: zero or positive)");
    KubernetesDiscovery built = builder.service("tea").port("http").build();
    assertThat(built.mapping()).isEqualTo(EndpointSliceBackends.port("http"));
    assertThat(built.emptySliceGrace()).isEqualTo(KubernetesDiscovery.DEFAULT_EMPTY_SLICE_GRACE);
    assertThat(built.namespace()).isEqualTo("shop");
    assertThat(built.service()).isEqualTo("tea");
    assertThat(built.upstream()).isSameAs(upstream);
    assertThat(built.hasSynced()).isFalse();
    assertThat(built.isWatching()).isFalse();
  }

  // --- helpers

  /** Opens a session and returns its cookie, retrying until it lands on {@code backendId}. */
  private String sessionOn(String backendId) {
    for (int i = 0; i < 200; i++) {
      Decision d = lb.pick(request(null));
      lb.report(d, Outcome.SUCCESS);
      if (d.hasBackend() && d.backend().id().equals(backendId)) {
        return cookiePair(d);
      }
    }
    throw new AssertionError("no new session landed on " + backendId);
  }

  private Decision assertSticky(String cookie, String backendId) {
    Decision d = lb.pick(request(cookie));
    lb.report(d, Outcome.SUCCESS);
    assertThat(d.hasBackend()).as("%s", d).isTrue();
    assertThat(d.backend().id()).as("the session's backend (%s)", d.reason()).isEqualTo(backendId);
    return d;
  }

  private static RequestContext request(@Nullable String cookie) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (cookie != null) {
      headers.put("Cookie", cookie);
    }
    return RequestContext.builder().headers(headers::get).path("/").build();
  }

  private static String cookiePair(Decision d) {
    for (ResponseHeader h : d.responseHeaders()) {
      if (h.name().equalsIgnoreCase("Set-Cookie")) {
        int semi = h.value().indexOf(';');
        return semi < 0 ? h.value() : h.value().substring(0, semi);
      }
    }
    throw new AssertionError("no Set-Cookie on " + d);
  }

  private List<String> ids() {
    return upstream.snapshot().backends().stream().map(Backend::id).toList();
  }

  private @Nullable BackendState state(String id) {
    Backend b = find(id);
    return b == null ? null : b.state();
  }

  private @Nullable String host(String id) {
    Backend b = find(id);
    return b == null ? null : b.host();
  }

  private @Nullable Backend find(String id) {
    for (Backend b : upstream.snapshot().backends()) {
      if (b.id().equals(id)) {
        return b;
      }
    }
    return null;
  }

  private void awaitIds(String... expected) throws InterruptedException {
    List<String> want = List.of(expected);
    await("backends " + want, () -> ids().equals(want));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + WAIT + ": " + what);
      }
      Thread.sleep(10);
    }
  }
}
