package dev.lbkit.discovery;

import static dev.lbkit.discovery.Checks.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Upstream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * Keeps the backends of one {@link Upstream} in sync with a DNS name, as nginx's {@code server ...
 * resolve} and Envoy's {@code STRICT_DNS} clusters do: the name is re-resolved when its records
 * expire, and each change of the answer becomes a change of the upstream's set.
 *
 * <pre>{@code
 * Upstream tea = Upstream.of("tea");
 * DnsDiscovery dns = DnsDiscovery.forHost(tea, "tea.internal.example", 8080)
 *     .ttlCeiling(Duration.ofSeconds(30))
 *     .drainGrace(Duration.ofSeconds(60))
 *     .build();
 * dns.refresh();   // the first set, before traffic
 * dns.start();     // then re-resolve in the background
 * ...
 * dns.close();
 * }</pre>
 *
 * <p>Two modes: {@link #forHost A/AAAA} (every address of the name, on a fixed port) and {@link
 * #forService SRV} (targets, ports and weights from the SRV records of the lowest priority). On
 * each answer:
 *
 * <ul>
 *   <li>an address that stays keeps its backend id ({@link BackendIdScheme}), and with it its
 *       sessions, ring positions and runtime counters; nothing is published if nothing changed;
 *   <li>a new address is added as a backend, {@code UP};
 *   <li>a vanished address is removed at once, or set {@code DRAINING} for the {@link
 *       Builder#drainGrace drain grace} and removed after it unless it comes back first;
 *   <li>a failed lookup (timeout, {@code SERVFAIL}, {@code REFUSED}, ...) keeps the last good set,
 *       logs one warning per streak of failures and one info line when a lookup succeeds again, and
 *       is retried at the {@link Builder#retryInterval retry interval};
 *   <li>an empty answer ({@code NXDOMAIN}, no records) is a failure too, unless {@link
 *       EmptyAnswer#REMOVE_ALL} says to trust it.
 * </ul>
 *
 * <p>The next lookup is due after the smallest TTL of the answer, bounded by {@link
 * Builder#ttlFloor} and {@link Builder#ttlCeiling}, or after a fixed {@link Builder#valid}
 * interval. Lookups run on one scheduler thread (or under one lock when {@link #refresh} is
 * called); picks read the upstream's published snapshot and never wait for DNS. Backends of the
 * upstream that this discovery did not add are left alone, so one upstream can mix static and
 * discovered backends, or be fed by several names.
 *
 * <p>The configuration is immutable once built; the discovery's only state is the last resolved set
 * and its schedule.
 */
public final class DnsDiscovery implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DnsDiscovery.class);

  /** The default {@link Builder#ttlFloor}. */
  public static final Duration DEFAULT_TTL_FLOOR = Duration.ofSeconds(1);

  /** The default {@link Builder#ttlCeiling}. */
  public static final Duration DEFAULT_TTL_CEILING = Duration.ofMinutes(5);

  /** The default {@link Builder#lookupTimeout}. */
  public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(5);

  private final Upstream upstream;
  private final String name;
  private final boolean service;
  private final int port;
  private final List<InetSocketAddress> servers;
  private final Set<IpFamily> families;
  private final Duration ttlFloor;
  private final Duration ttlCeiling;
  private final @Nullable Duration valid;
  private final Duration retryInterval;
  private final Duration lookupTimeout;
  private final Duration drainGrace;
  private final int weight;
  private final int maxConnections;
  private final BackendIdScheme idScheme;
  private final EmptyAnswer emptyAnswer;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private final DnsLookup lookup;
  private final UpstreamSync sync;

  private final Object lock = new Object();

  // Guarded by lock.
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable ScheduledFuture<?> nextLookup;
  private @Nullable ScheduledFuture<?> nextExpiry;
  private boolean closed;
  private int consecutiveFailures;
  private long nextLookupDueMillis = Long.MIN_VALUE;

  private DnsDiscovery(Builder b, List<Resolver> resolvers, Name queried) {
    this.upstream = b.upstream;
    this.name = b.name;
    this.service = b.service;
    this.port = b.port;
    this.servers = b.resolvedServers();
    this.families = Set.copyOf(b.families);
    this.ttlFloor = b.ttlFloor;
    this.ttlCeiling = b.ttlCeiling;
    this.valid = b.valid;
    this.retryInterval = b.retryInterval != null ? b.retryInterval : b.ttlFloor;
    this.lookupTimeout = b.lookupTimeout;
    this.drainGrace = b.drainGrace;
    this.weight = b.weight;
    this.maxConnections = b.maxConnections;
    this.idScheme = b.idScheme;
    this.emptyAnswer = b.emptyAnswer;
    this.clock = b.clock;
    this.givenScheduler = b.scheduler;
    this.lookup = new DnsLookup(resolvers, queried, service, port, weight, families);
    this.sync = new UpstreamSync(upstream, drainGrace.toMillis());
  }

  /**
   * Discovers the A and AAAA records of {@code host}: one backend per address, on {@code port}. The
   * name is absolute: no search domain of the system's resolver configuration is appended.
   */
  public static Builder forHost(Upstream upstream, String host, int port) {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(host, "host");
    checkArgument(port >= 1 && port <= 65535, "port: %s (expected: 1..65535)", port);
    return new Builder(upstream, host, false, port);
  }

  /**
   * Discovers the SRV records of {@code serviceName}, the full owner name such as {@code
   * _http._tcp.tea.example}: one backend per address of each target of the lowest priority, with
   * the record's port and weight.
   */
  public static Builder forService(Upstream upstream, String serviceName) {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(serviceName, "serviceName");
    return new Builder(upstream, serviceName, true, 0);
  }

  /**
   * Discovers a service of a domain as nginx's {@code service=} parameter names it: a service
   * without a dot, {@code http}, means {@code _http._tcp.}<i>domain</i> (RFC 2782); one with a dot,
   * {@code _grpc._udp}, is put before the domain as it is.
   */
  public static Builder forService(Upstream upstream, String service, String domain) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(domain, "domain");
    checkArgument(!service.isEmpty(), "service: \"\" (expected: a service name such as http)");
    String owner = service.indexOf('.') >= 0 ? service : "_" + service + "._tcp";
    return forService(upstream, owner + "." + domain);
  }

  /** The upstream this discovery keeps in sync. */
  public Upstream upstream() {
    return upstream;
  }

  /** The name that is resolved: a host name, or an SRV owner name. */
  public String name() {
    return name;
  }

  /** Whether this discovery reads SRV records ({@link #forService}) rather than A/AAAA. */
  public boolean isService() {
    return service;
  }

  /** The port of every backend in A/AAAA mode; 0 in SRV mode, where each record gives its own. */
  public int port() {
    return port;
  }

  /** The DNS servers asked, in order. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** The address families resolved, for a host and for each SRV target. */
  public Set<IpFamily> families() {
    return families;
  }

  /** The shortest interval between two lookups that succeeded, whatever the TTL says. */
  public Duration ttlFloor() {
    return ttlFloor;
  }

  /** The longest interval between two lookups that succeeded, whatever the TTL says. */
  public Duration ttlCeiling() {
    return ttlCeiling;
  }

  /** The fixed interval that replaces the TTL, as nginx's {@code valid=}, or {@code null}. */
  public @Nullable Duration valid() {
    return valid;
  }

  /** How long after a failed lookup (or an empty answer) the next one is made. */
  public Duration retryInterval() {
    return retryInterval;
  }

  /** How long a query waits for the answer of one server. */
  public Duration lookupTimeout() {
    return lookupTimeout;
  }

  /** How long a vanished address stays {@code DRAINING} before it is removed; zero: at once. */
  public Duration drainGrace() {
    return drainGrace;
  }

  /** The weight of every backend in A/AAAA mode (SRV records give their own). */
  public int weight() {
    return weight;
  }

  /** The limit of requests in flight of every discovered backend ({@code 0}: none). */
  public int maxConnections() {
    return maxConnections;
  }

  /** How discovered backends are named. */
  public BackendIdScheme idScheme() {
    return idScheme;
  }

  /** What an answer with no address means. */
  public EmptyAnswer emptyAnswer() {
    return emptyAnswer;
  }

  /**
   * Starts re-resolving in the background: at once, or, after a {@link #refresh}, when that
   * refresh's answer expires. Calling it again does nothing.
   *
   * @throws IllegalStateException if this discovery was closed
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("DnsDiscovery of " + name + " is closed");
      }
      if (scheduler != null) {
        return;
      }
      ScheduledExecutorService s = givenScheduler;
      if (s == null) {
        s = Executors.newSingleThreadScheduledExecutor(this::newThread);
      }
      scheduler = s;
      long delay =
          nextLookupDueMillis == Long.MIN_VALUE
              ? 0
              : Math.max(0, nextLookupDueMillis - clock.millis());
      nextLookup = s.schedule(this::scheduledLookup, delay, TimeUnit.MILLISECONDS);
      scheduleExpiry();
    }
  }

  /**
   * Resolves the name now, on the calling thread, and applies the answer before returning; when
   * started, the next background lookup is rescheduled from this one. Useful for the first set
   * before traffic arrives.
   *
   * @return whether the lookup gave a set that was applied; {@code false} when it failed (or gave
   *     an empty answer that {@link EmptyAnswer#KEEP_LAST_SET} ignores) and the last good set stays
   * @throws IllegalStateException if this discovery was closed
   */
  public boolean refresh() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("DnsDiscovery of " + name + " is closed");
      }
      ScheduledFuture<?> pending = nextLookup;
      if (pending != null) {
        pending.cancel(false);
      }
      return lookupAndSchedule();
    }
  }

  /** How many lookups in a row have failed since the last one that succeeded. */
  public int consecutiveFailures() {
    synchronized (lock) {
      return consecutiveFailures;
    }
  }

  /**
   * Stops re-resolving, and shuts down the scheduler if this discovery created it (a {@link
   * Builder#scheduler given} one is left running). A lookup in progress is waited for (at most the
   * lookup timeout for each server and query). The upstream keeps the backends it has.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (nextLookup != null) {
        nextLookup.cancel(false);
      }
      if (nextExpiry != null) {
        nextExpiry.cancel(false);
      }
      if (scheduler != null && givenScheduler == null) {
        scheduler.shutdownNow();
      }
    }
  }

  @Override
  public String toString() {
    return "DnsDiscovery{"
        + (service ? "SRV " + name : name + ":" + port)
        + ", upstream="
        + upstream.name()
        + ", servers="
        + servers
        + "}";
  }

  private void scheduledLookup() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        lookupAndSchedule();
      } catch (RuntimeException e) {
        // A scheduled task that throws is never run again: keep the schedule alive.
        logger.warn("DNS discovery of {} for upstream {} failed", name, upstream.name(), e);
        ScheduledExecutorService s = scheduler;
        if (s != null) {
          nextLookup =
              s.schedule(this::scheduledLookup, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  /** One lookup, its answer applied, the next lookup scheduled; under lock. */
  private boolean lookupAndSchedule() {
    long now = clock.millis();
    Duration delay;
    boolean applied;
    DnsAnswer answer = null;
    @Nullable String failure;
    try {
      answer = lookup.lookup();
      failure =
          answer.endpoints().isEmpty() && emptyAnswer == EmptyAnswer.KEEP_LAST_SET
              ? answer.summary()
              : null;
    } catch (DnsLookupException e) {
      failure = e.getMessage();
    } catch (RuntimeException e) {
      // dnsjava rejecting a malformed answer must not stop the schedule.
      failure = e.toString();
    }
    if (answer == null || failure != null) {
      failed(failure == null ? "no answer" : failure);
      delay = retryInterval;
      applied = false;
    } else {
      if (consecutiveFailures > 0) {
        logger.info(
            "DNS lookup of {} for upstream {} succeeded again after {} failed attempts: {}",
            name,
            upstream.name(),
            consecutiveFailures,
            answer.summary());
        consecutiveFailures = 0;
      }
      UpstreamSync.Change change = sync.apply(backendsOf(answer), now);
      if (!change.isEmpty()) {
        logger.debug("DNS lookup of {} for upstream {}: {}", name, upstream.name(), change);
      }
      delay = answer.endpoints().isEmpty() ? retryInterval : nextInterval(answer.minTtlSeconds());
      applied = true;
    }
    nextLookupDueMillis = now + delay.toMillis();
    ScheduledExecutorService s = scheduler;
    if (s != null && !closed) {
      nextLookup = s.schedule(this::scheduledLookup, delay.toMillis(), TimeUnit.MILLISECONDS);
      scheduleExpiry();
    }
    return applied;
  }

  private void failed(String reason) {
    if (consecutiveFailures++ == 0) {
      logger.warn(
          "DNS lookup of {} for upstream {} failed ({}); keeping its {} discovered backends,"
              + " retrying every {} ms",
          name,
          upstream.name(),
          reason,
          sync.size(),
          retryInterval.toMillis());
    } else {
      logger.debug("DNS lookup of {} failed again ({})", name, reason);
    }
  }

  /** max(floor, min(ceiling, TTL)), or the fixed {@code valid} interval. */
  Duration nextInterval(long minTtlSeconds) {
    if (valid != null) {
      return valid;
    }
    Duration ttl = Duration.ofSeconds(Math.max(0, minTtlSeconds));
    if (ttl.compareTo(ttlCeiling) > 0) {
      ttl = ttlCeiling;
    }
    return ttl.compareTo(ttlFloor) < 0 ? ttlFloor : ttl;
  }

  /** Schedules the removal of the next draining backend whose grace ends; under lock. */
  private void scheduleExpiry() {
    ScheduledExecutorService s = scheduler;
    long due = sync.nextExpiry();
    if (s == null || closed || due < 0) {
      return;
    }
    if (nextExpiry != null) {
      nextExpiry.cancel(false);
    }
    nextExpiry =
        s.schedule(this::removeExpired, Math.max(1, due - clock.millis()), TimeUnit.MILLISECONDS);
  }

  private void removeExpired() {
    synchronized (lock) {
      if (!closed) {
        sync.removeExpired(clock.millis());
        scheduleExpiry();
      }
    }
  }

  private List<Backend> backendsOf(DnsAnswer answer) {
    List<Backend> backends = new ArrayList<>(answer.endpoints().size());
    for (ResolvedEndpoint e : answer.endpoints()) {
      String id = idScheme == BackendIdScheme.ADDRESS ? e.authority() : name + "@" + e.authority();
      backends.add(
          Backend.of(id, e.address().toString(), e.port())
              .withWeight(e.weight())
              .withMaxConnections(maxConnections));
    }
    return backends;
  }

  private Thread newThread(Runnable r) {
    Thread t = new Thread(r, "lbkit-dns-" + upstream.name());
    t.setDaemon(true);
    return t;
  }

  /** Builds a {@link DnsDiscovery}; every option has a default. */
  public static final class Builder {
    private final Upstream upstream;
    private final String name;
    private final boolean service;
    private final int port;
    private @Nullable List<InetSocketAddress> servers;
    private Set<IpFamily> families = EnumSet.allOf(IpFamily.class);
    private Duration ttlFloor = DEFAULT_TTL_FLOOR;
    private Duration ttlCeiling = DEFAULT_TTL_CEILING;
    private @Nullable Duration valid;
    private @Nullable Duration retryInterval;
    private Duration lookupTimeout = DEFAULT_LOOKUP_TIMEOUT;
    private Duration drainGrace = Duration.ZERO;
    private int weight = 1;
    private int maxConnections = Backend.UNLIMITED;
    private BackendIdScheme idScheme = BackendIdScheme.NAME_AND_ADDRESS;
    private EmptyAnswer emptyAnswer = EmptyAnswer.KEEP_LAST_SET;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;

    private Builder(Upstream upstream, String name, boolean service, int port) {
      String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      checkArgument(
          !trimmed.isEmpty(),
          "%s: \"%s\" (expected: a DNS name)",
          service ? "serviceName" : "host",
          name);
      this.upstream = upstream;
      this.name = trimmed;
      this.service = service;
      this.port = port;
    }

    /**
     * The DNS servers to ask, in order (default: the system's, from {@code /etc/resolv.conf} or the
     * platform's configuration as dnsjava's {@code ResolverConfig} reads it).
     */
    public Builder servers(Collection<InetSocketAddress> servers) {
      List<InetSocketAddress> copy = List.copyOf(servers);
      checkArgument(!copy.isEmpty(), "servers: [] (expected: at least one DNS server)");
      for (InetSocketAddress s : copy) {
        checkArgument(
            !s.isUnresolved(), "servers: %s (expected: an IP address and a port, not a name)", s);
      }
      this.servers = copy;
      return this;
    }

    /** The DNS servers to ask, in order. */
    public Builder servers(InetSocketAddress... servers) {
      return servers(Arrays.asList(servers));
    }

    /** The address families to resolve (default: both, IPv4 first). */
    public Builder families(IpFamily... families) {
      checkArgument(families.length > 0, "families: [] (expected: IPV4, IPV6 or both)");
      this.families = EnumSet.copyOf(Arrays.asList(families));
      return this;
    }

    /** The shortest interval between two successful lookups (default 1s), above 0. */
    public Builder ttlFloor(Duration ttlFloor) {
      checkPositive("ttlFloor", ttlFloor);
      this.ttlFloor = ttlFloor;
      return this;
    }

    /** The longest interval between two successful lookups (default 300s), at least the floor. */
    public Builder ttlCeiling(Duration ttlCeiling) {
      checkPositive("ttlCeiling", ttlCeiling);
      this.ttlCeiling = ttlCeiling;
      return this;
    }

    /**
     * A fixed interval between successful lookups that replaces the TTL, floor and ceiling, as
     * nginx's {@code resolver ... valid=}; {@code null} (the default) to follow the TTL.
     */
    public Builder valid(@Nullable Duration valid) {
      if (valid != null) {
        checkPositive("valid", valid);
      }
      this.valid = valid;
      return this;
    }

    /**
     * How long after a failed lookup or an ignored empty answer the next lookup is made (default:
     * the TTL floor).
     */
    public Builder retryInterval(Duration retryInterval) {
      checkPositive("retryInterval", retryInterval);
      this.retryInterval = retryInterval;
      return this;
    }

    /**
     * How long a query waits for the answer of one server (default 5s), above 0. With several
     * servers each is asked in turn until one answers, so a lookup waits at most this long for
     * each.
     */
    public Builder lookupTimeout(Duration lookupTimeout) {
      checkPositive("lookupTimeout", lookupTimeout);
      this.lookupTimeout = lookupTimeout;
      return this;
    }

    /**
     * How long a vanished address stays {@code DRAINING} (sessions bound to it keep reaching it,
     * new picks do not) before it is removed (default 0: removed at once).
     */
    public Builder drainGrace(Duration drainGrace) {
      Objects.requireNonNull(drainGrace, "drainGrace");
      checkArgument(
          !drainGrace.isNegative(),
          "drainGrace: %s (expected: >= 0, 0 to remove at once)",
          drainGrace);
      this.drainGrace = drainGrace;
      return this;
    }

    /**
     * The weight of every discovered backend in A/AAAA mode (default 1); SRV records carry their
     * own.
     */
    public Builder weight(int weight) {
      checkArgument(
          weight >= 1 && weight <= Backend.MAX_WEIGHT,
          "weight: %s (expected: 1..%s)",
          weight,
          Backend.MAX_WEIGHT);
      this.weight = weight;
      return this;
    }

    /** The limit of requests in flight of every discovered backend (default 0: no limit). */
    public Builder maxConnections(int maxConnections) {
      checkArgument(
          maxConnections >= 0, "maxConnections: %s (expected: >= 0, 0 for none)", maxConnections);
      this.maxConnections = maxConnections;
      return this;
    }

    /** How discovered backends are named (default {@link BackendIdScheme#NAME_AND_ADDRESS}). */
    public Builder idScheme(BackendIdScheme idScheme) {
      this.idScheme = Objects.requireNonNull(idScheme, "idScheme");
      return this;
    }

    /** What an answer with no address means (default {@link EmptyAnswer#KEEP_LAST_SET}). */
    public Builder emptyAnswer(EmptyAnswer emptyAnswer) {
      this.emptyAnswer = Objects.requireNonNull(emptyAnswer, "emptyAnswer");
      return this;
    }

    /** The clock that times drain grace periods (default: the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The scheduler that runs background lookups (default: one daemon thread of this discovery's
     * own, shut down by {@link DnsDiscovery#close}). A given scheduler is not shut down by close.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the discovery; nothing is resolved until {@link DnsDiscovery#refresh} or {@link
     * DnsDiscovery#start}.
     *
     * @throws IllegalArgumentException if the name is not a DNS name or the ceiling is below the
     *     floor
     */
    public DnsDiscovery build() {
      checkArgument(
          ttlCeiling.compareTo(ttlFloor) >= 0,
          "ttlCeiling: %s (expected: >= ttlFloor, %s)",
          ttlCeiling,
          ttlFloor);
      Name queried;
      try {
        queried = Name.fromString(name, Name.root);
      } catch (TextParseException e) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s: \"%s\" (expected: a DNS name; %s)",
                service ? "serviceName" : "host",
                name,
                e.getMessage()),
            e);
      }
      List<InetSocketAddress> asked = resolvedServers();
      List<Resolver> resolvers = new ArrayList<>(asked.size());
      for (InetSocketAddress s : asked) {
        Resolver one = new SimpleResolver(s);
        one.setTimeout(lookupTimeout);
        resolvers.add(one);
      }
      return new DnsDiscovery(this, resolvers, queried);
    }

    private List<InetSocketAddress> resolvedServers() {
      if (servers == null) {
        servers = List.copyOf(ResolverConfig.getCurrentConfig().servers());
      }
      return servers;
    }

    private static void checkPositive(String field, Duration value) {
      Objects.requireNonNull(value, field);
      checkArgument(!value.isNegative() && !value.isZero(), "%s: %s (expected: > 0)", field, value);
    }
  }
}
