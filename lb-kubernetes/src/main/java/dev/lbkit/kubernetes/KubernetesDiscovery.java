package dev.lbkit.kubernetes;

import static dev.lbkit.kubernetes.Arguments.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Upstream;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link Upstream} in sync with the EndpointSlices of one Kubernetes Service, through a
 * fabric8 shared informer (one list, then one watch, reconnected and relisted by the client).
 *
 * <pre>{@code
 * Upstream tea = Upstream.of("tea");
 * try (KubernetesDiscovery discovery =
 *     KubernetesDiscovery.builder(tea).namespace("shop").service("tea").port("http").build()) {
 *   discovery.start();
 *   discovery.awaitSync(Duration.ofSeconds(10));
 *   ...
 * }
 * }</pre>
 *
 * <p>On every change of the Service's slices (label {@code kubernetes.io/service-name}) the union
 * of all of them is translated by {@link EndpointSliceBackends} and published with {@link
 * Upstream#replaceAll} when it differs from what was published last: backends whose pod stays keep
 * their sessions, in-flight counts and passive-health state. A burst of events (a relist, a
 * rollout) is published once. The source owns the upstream's set: backends added by hand are
 * replaced on the next change.
 *
 * <p>What never empties the upstream by mistake:
 *
 * <ul>
 *   <li>Nothing is published before the informer has listed the slices once ({@link #hasSynced()}).
 *   <li>A watch or list error keeps the last set: the client keeps retrying, the error is logged at
 *       WARN once per streak and its end at INFO.
 *   <li>No slice at all (all deleted, or a relist that found none) is only published after it
 *       lasted the {@linkplain Builder#emptySliceGrace(Duration) empty-slice grace} with the watch
 *       working: a Service whose slices are deleted and recreated keeps its backends and their
 *       sessions. Slices that exist but list no serving endpoint are the cluster's word and are
 *       published at once (the Service was scaled to zero or no pod is ready).
 * </ul>
 *
 * <p>A started source runs one daemon thread of its own besides the client's. {@link #close()}
 * stops the informer, and closes the client only if this source created it.
 */
public final class KubernetesDiscovery implements AutoCloseable {
  /** The label the EndpointSlice controller puts on each slice of a Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The default {@linkplain Builder#emptySliceGrace(Duration) empty-slice grace}. */
  public static final Duration DEFAULT_EMPTY_SLICE_GRACE = Duration.ofSeconds(10);

  private static final Logger logger = LoggerFactory.getLogger(KubernetesDiscovery.class);

  /** How often the informer's watch is checked, to log when it breaks and when it recovers. */
  private static final long WATCH_CHECK_MILLIS = 1000;

  private final Upstream upstream;
  private final String namespace;
  private final String service;
  private final EndpointSliceBackends mapping;
  private final Duration emptySliceGrace;
  private final @Nullable KubernetesClient givenClient;

  private final Object lock = new Object();
  private final AtomicBoolean reconcilePending = new AtomicBoolean();
  private final CompletableFuture<Void> synced = new CompletableFuture<>();

  // Guarded by lock.
  private @Nullable KubernetesClient ownClient;
  private @Nullable SharedIndexInformer<EndpointSlice> informer;
  private @Nullable ScheduledExecutorService executor;
  private boolean started;
  private boolean closed;
  private @Nullable List<Backend> lastPublished;
  private long emptySinceNanos;
  private boolean empty;
  private boolean watchFailing;
  private int notWatchingChecks;
  private int lastSeenSlices = -1;
  private int reconciliations;
  private int watchWarnings;
  private final Set<String> warnedSlices = new HashSet<>();

  private KubernetesDiscovery(Builder builder) {
    this.upstream = builder.upstream;
    this.namespace = Objects.requireNonNull(builder.namespace);
    this.service = Objects.requireNonNull(builder.service);
    this.mapping = builder.mapping;
    this.emptySliceGrace = builder.emptySliceGrace;
    this.givenClient = builder.client;
  }

  /** Starts configuring a source that keeps this upstream in sync. */
  public static Builder builder(Upstream upstream) {
    return new Builder(upstream);
  }

  /** The upstream kept in sync. */
  public Upstream upstream() {
    return upstream;
  }

  /** The Service's namespace. */
  public String namespace() {
    return namespace;
  }

  /** The Service's name. */
  public String service() {
    return service;
  }

  /** The translation from slices to backends (which port). */
  public EndpointSliceBackends mapping() {
    return mapping;
  }

  /** How long no slice at all must last before the upstream is emptied. */
  public Duration emptySliceGrace() {
    return emptySliceGrace;
  }

  /**
   * Starts the informer and returns at once; the first list is published when it arrives ({@link
   * #awaitSync(Duration)} waits for it).
   *
   * @throws IllegalStateException if already started or closed
   */
  public KubernetesDiscovery start() {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException(
            closed ? this + " is closed" : this + " is already started");
      }
      started = true;
      KubernetesClient client = givenClient;
      if (client == null) {
        client = new KubernetesClientBuilder().build();
        ownClient = client;
      }
      ScheduledExecutorService exec =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "lbkit-kubernetes-" + namespace + "/" + service);
                t.setDaemon(true);
                return t;
              });
      executor = exec;
      SharedIndexInformer<EndpointSlice> inf =
          client
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(namespace)
              .withLabel(SERVICE_NAME_LABEL, service)
              .runnableInformer(0);
      inf.exceptionHandler(
          (isStarted, error) -> {
            Throwable cause = error;
            while (cause instanceof CompletionException && cause.getCause() != null) {
              cause = cause.getCause();
            }
            synchronized (lock) {
              watchFailed(cause.toString());
            }
            // Keep trying whatever the error (the client backs off): the last set stays meanwhile.
            return true;
          });
      inf.addEventHandler(new SliceEvents());
      informer = inf;
      inf.start()
          .whenComplete(
              (ignored, error) -> {
                if (error == null) {
                  requestReconcile();
                  synced.complete(null);
                  scheduleWatchChecks();
                }
              });
      return this;
    }
  }

  /** Whether the slices have been listed once (and so the upstream reflects them). */
  public boolean hasSynced() {
    return synced.isDone();
  }

  /**
   * Waits until the slices have been listed once and published, or the timeout elapsed.
   *
   * @return whether they were
   */
  public boolean awaitSync(Duration timeout) throws InterruptedException {
    try {
      synced.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
    // The sync completes before its publication is run on this source's thread; wait for it too.
    CompletableFuture<Void> published = new CompletableFuture<>();
    ScheduledExecutorService exec;
    synchronized (lock) {
      exec = executor;
    }
    if (exec == null) {
      return true;
    }
    try {
      exec.execute(() -> published.complete(null));
      published.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException | TimeoutException | ExecutionException e) {
      return hasSynced();
    }
    return true;
  }

  /** Whether the informer's watch is open now (false before the first list and during errors). */
  public boolean isWatching() {
    SharedIndexInformer<EndpointSlice> inf;
    synchronized (lock) {
      inf = informer;
    }
    return inf != null && inf.isWatching();
  }

  /** Stops following the Service; the upstream keeps its last set. Idempotent. */
  @Override
  public void close() {
    SharedIndexInformer<EndpointSlice> inf;
    ScheduledExecutorService exec;
    KubernetesClient own;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      inf = informer;
      exec = executor;
      own = ownClient;
    }
    if (inf != null) {
      inf.close();
    }
    if (exec != null) {
      exec.shutdownNow();
    }
    if (own != null) {
      own.close();
    }
  }

  /** How many times the slices were looked at after the first sync: for tests. */
  int reconciliations() {
    synchronized (lock) {
      return reconciliations;
    }
  }

  /** How many watch error streaks were warned about: for tests. */
  int watchWarnings() {
    synchronized (lock) {
      return watchWarnings;
    }
  }

  /** The number of slices the last reconciliation saw, -1 before the first: for tests. */
  int lastSeenSlices() {
    synchronized (lock) {
      return lastSeenSlices;
    }
  }

  private void scheduleWatchChecks() {
    synchronized (lock) {
      ScheduledExecutorService exec = executor;
      if (closed || exec == null) {
        return;
      }
      try {
        Future<?> unused =
            exec.scheduleWithFixedDelay(
                this::checkWatch, WATCH_CHECK_MILLIS, WATCH_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // Closed meanwhile.
      }
    }
  }

  /** Whether a watch error streak is going on (warned, recovery not seen yet): for tests. */
  boolean watchFailing() {
    synchronized (lock) {
      return watchFailing;
    }
  }

  /** Coalesces a burst of events into one reconciliation on this source's thread. */
  private void requestReconcile() {
    ScheduledExecutorService exec;
    synchronized (lock) {
      exec = executor;
      if (closed || exec == null) {
        return;
      }
    }
    if (reconcilePending.compareAndSet(false, true)) {
      try {
        exec.execute(
            () -> {
              reconcilePending.set(false);
              reconcile();
            });
      } catch (RejectedExecutionException e) {
        reconcilePending.set(false);
      }
    }
  }

  private void reconcile() {
    synchronized (lock) {
      SharedIndexInformer<EndpointSlice> inf = informer;
      if (closed || inf == null || !inf.hasSynced()) {
        return;
      }
      List<EndpointSlice> slices = inf.getStore().list();
      lastSeenSlices = slices.size();
      reconciliations++;
      if (slices.isEmpty()) {
        reconcileEmpty();
        return;
      }
      empty = false;
      warnAboutUnusableSlices(slices);
      publish(mapping.backends(slices));
    }
  }

  /** Under lock: no slice at all, published only once it lasted the grace with a working watch. */
  private void reconcileEmpty() {
    long now = System.nanoTime();
    if (!empty) {
      empty = true;
      emptySinceNanos = now;
    }
    long waited = now - emptySinceNanos;
    long grace = emptySliceGrace.toNanos();
    if (waited >= grace && !watchFailing) {
      if (lastPublished != null && !lastPublished.isEmpty()) {
        logger.info(
            "Service {}/{} has had no EndpointSlice for {}: upstream {} emptied",
            namespace,
            service,
            emptySliceGrace,
            upstream.name());
      }
      publish(List.of());
      return;
    }
    ScheduledExecutorService exec = executor;
    if (exec != null && waited < grace) {
      if (lastPublished != null && !lastPublished.isEmpty() && waited == 0) {
        logger.info(
            "Service {}/{} has no EndpointSlice: upstream {} keeps its {} backends for {}",
            namespace,
            service,
            upstream.name(),
            lastPublished.size(),
            emptySliceGrace);
      }
      try {
        Future<?> unused =
            exec.schedule(this::requestReconcile, grace - waited, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // Closed meanwhile.
      }
    }
  }

  /** Under lock. */
  private void publish(List<Backend> next) {
    if (next.equals(lastPublished)) {
      return;
    }
    lastPublished = next;
    upstream.replaceAll(next);
    logger.debug(
        "Service {}/{}: {} backends published to upstream {}",
        namespace,
        service,
        next.size(),
        upstream.name());
  }

  /** Under lock: one warning per slice until it is fixed or gone. */
  private void warnAboutUnusableSlices(List<EndpointSlice> slices) {
    Set<String> stillWrong = new HashSet<>();
    for (EndpointSlice slice : slices) {
      String problem = mapping.problem(slice);
      if (problem == null) {
        continue;
      }
      String name = slice.getMetadata() == null ? "?" : slice.getMetadata().getName();
      stillWrong.add(name);
      if (warnedSlices.add(name)) {
        logger.warn(
            "EndpointSlice {}/{} of Service {} gives no backend to upstream {}: {}",
            namespace,
            name,
            service,
            upstream.name(),
            problem);
      }
    }
    warnedSlices.retainAll(stillWrong);
  }

  /** Under lock: the first error of a streak is a warning, the others are debug lines. */
  private void watchFailed(String what) {
    if (closed) {
      return;
    }
    if (watchFailing) {
      logger.debug("Watch of EndpointSlices of Service {}/{}: {}", namespace, service, what);
      return;
    }
    watchFailing = true;
    watchWarnings++;
    int kept = lastPublished == null ? upstream.snapshot().backends().size() : lastPublished.size();
    logger.warn(
        "Watch of EndpointSlices of Service {}/{} failed, retrying; upstream {} keeps its {}"
            + " backends: {}",
        namespace,
        service,
        upstream.name(),
        kept,
        what);
  }

  /**
   * Runs every {@link #WATCH_CHECK_MILLIS} after the first sync. The client reconnects a dropped
   * watch by itself and tells the exception handler only when it has to list again, so a watch that
   * stays closed for two checks in a row starts a streak too; the short reconnect that ends every
   * watch's server-side timeout does not.
   */
  private void checkWatch() {
    boolean recovered = false;
    synchronized (lock) {
      SharedIndexInformer<EndpointSlice> inf = informer;
      if (closed || inf == null) {
        return;
      }
      if (inf.isWatching()) {
        notWatchingChecks = 0;
        if (watchFailing) {
          watchFailing = false;
          recovered = true;
          logger.info("Watch of EndpointSlices of Service {}/{} works again", namespace, service);
        }
      } else if (++notWatchingChecks >= 2) {
        watchFailed("no watch open for " + notWatchingChecks * WATCH_CHECK_MILLIS + " ms");
      }
    }
    if (recovered) {
      requestReconcile();
    }
  }

  @Override
  public String toString() {
    return "KubernetesDiscovery{" + namespace + "/" + service + " -> " + upstream.name() + "}";
  }

  /** Every informer callback means the same: look at the slices again. */
  private final class SliceEvents implements ResourceEventHandler<EndpointSlice> {
    @Override
    public void onAdd(EndpointSlice slice) {
      requestReconcile();
    }

    @Override
    public void onUpdate(EndpointSlice oldSlice, EndpointSlice newSlice) {
      requestReconcile();
    }

    @Override
    public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
      requestReconcile();
    }
  }

  /** Configures a {@link KubernetesDiscovery}; checked when built. */
  public static final class Builder {
    private final Upstream upstream;
    private @Nullable String namespace;
    private @Nullable String service;
    private EndpointSliceBackends mapping = EndpointSliceBackends.onlyPort();
    private Duration emptySliceGrace = DEFAULT_EMPTY_SLICE_GRACE;
    private @Nullable KubernetesClient client;

    private Builder(Upstream upstream) {
      this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    /** The Service's namespace (required). */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      checkArgument(
          Arguments.isDnsLabel(namespace),
          "namespace: \"%s\" (expected: a DNS-1123 label: a-z, 0-9, '-', at most 63)",
          namespace);
      this.namespace = namespace;
      return this;
    }

    /** The Service's name (required). */
    public Builder service(String service) {
      Objects.requireNonNull(service, "service");
      checkArgument(
          Arguments.isDnsLabel(service),
          "service: \"%s\" (expected: a DNS-1123 label: a-z, 0-9, '-', at most 63)",
          service);
      this.service = service;
      return this;
    }

    /**
     * The name of the Service port to send requests to; without one, each slice's only port is
     * used.
     */
    public Builder port(String name) {
      this.mapping = EndpointSliceBackends.port(name);
      return this;
    }

    /** How slices become backends (by default each slice's only port). */
    public Builder mapping(EndpointSliceBackends mapping) {
      this.mapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /**
     * How long the Service must have no EndpointSlice at all, with the watch working, before the
     * upstream is emptied ({@link #DEFAULT_EMPTY_SLICE_GRACE} by default; zero empties it at once).
     */
    public Builder emptySliceGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      checkArgument(!grace.isNegative(), "emptySliceGrace: %s (expected: zero or positive)", grace);
      this.emptySliceGrace = grace;
      return this;
    }

    /**
     * The client to use; it stays the caller's (not closed by {@link KubernetesDiscovery#close()}).
     * By default the source builds one with {@code new KubernetesClientBuilder().build()} (the
     * kubeconfig, or the pod's service account in a cluster) and closes it.
     */
    public Builder client(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the source, not started.
     *
     * @throws IllegalArgumentException if the namespace or the service is missing
     */
    public KubernetesDiscovery build() {
      checkArgument(namespace != null, "namespace: null (expected: the Service's namespace)");
      checkArgument(service != null, "service: null (expected: the Service's name)");
      return new KubernetesDiscovery(this);
    }
  }
}
