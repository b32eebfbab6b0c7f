package dev.lbkit.discovery;

import static dev.lbkit.discovery.TestDnsServer.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {
  private static final String SECRET = "Zr8Lp3Wq6Ty1Hn5Bv9Kc2Xm4Sd7Fg0Ja";

  private TestDnsServer dns;
  private final Upstream upstream = Upstream.of("tea", List.of());

  @BeforeEach
  void startServer() throws Exception {
    dns = TestDnsServer.start();
  }

  @AfterEach
  void stopServer() throws Exception {
    dns.close();
  }

  private DnsDiscovery.Builder host(String name, int port) {
    return DnsDiscovery.forHost(upstream, name, port)
        .servers(dns.address())
        .lookupTimeout(Duration.ofMillis(500));
  }

  @Test
  void resolvesAAndAaaaRecordsIntoOneBackendPerAddress() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    dns.aaaa("tea.test", 60, "2001:db8:0:0:0:0:0:1");
    try (DnsDiscovery d = host("tea.test", 8080).weight(5).maxConnections(10).build()) {
      assertThat(d.refresh()).isTrue();
    }
    assertThat(ids())
        .containsExactly(
            "tea.test@10.0.0.1:8080", "tea.test@10.0.0.2:8080", "tea.test@[2001:db8::1]:8080");
    Backend v6 = upstream.snapshot().backend(2);
    assertThat(v6.host()).isEqualTo("2001:db8::1");
    assertThat(v6.port()).isEqualTo(8080);
    assertThat(v6.weight()).isEqualTo(5);
    assertThat(v6.maxConnections()).isEqualTo(10);
    assertThat(v6.state()).isEqualTo(BackendState.UP);
  }

  @Test
  void familiesAndIdSchemeAreConfigurable() {
    dns.a("tea.test", 60, "10.0.0.1");
    dns.aaaa("tea.test", 60, "2001:db8::1");
    try (DnsDiscovery d =
        host("tea.test.", 80).families(IpFamily.IPV6).idScheme(BackendIdScheme.ADDRESS).build()) {
      assertThat(d.name()).isEqualTo("tea.test");
      assertThat(d.families()).containsExactly(IpFamily.IPV6);
      assertThat(d.refresh()).isTrue();
    }
    assertThat(ids()).containsExactly("[2001:db8::1]:80");
  }

  @Test
  void srvGivesPortsAndWeightsAndOnlyTheLowestPriorityIsUsed() {
    dns.srv(
        "_http._tcp.tea.test",
        30,
        target(10, 60, 8081, "a.tea.test"),
        target(10, 0, 8082, "b.tea.test"),
        target(20, 100, 9000, "backup.tea.test"));
    dns.a("a.tea.test", 30, "10.0.0.1");
    dns.a("b.tea.test", 30, "10.0.0.2");
    dns.a("backup.tea.test", 30, "10.0.0.9");
    try (DnsDiscovery d =
        DnsDiscovery.forService(upstream, "http", "tea.test")
            .servers(dns.address())
            .families(IpFamily.IPV4)
            .build()) {
      assertThat(d.name()).isEqualTo("_http._tcp.tea.test");
      assertThat(d.isService()).isTrue();
      assertThat(d.refresh()).isTrue();
      assertThat(ids())
          .containsExactly(
              "_http._tcp.tea.test@10.0.0.1:8081", "_http._tcp.tea.test@10.0.0.2:8082");
      assertThat(upstream.snapshot().backend(0).weight()).isEqualTo(60);
      assertThat(upstream.snapshot().backend(1).weight()).as("SRV weight 0").isEqualTo(1);

      // The primaries go: the next priority is what is left.
      dns.srv("_http._tcp.tea.test", 30, target(20, 100, 9000, "backup.tea.test"));
      assertThat(d.refresh()).isTrue();
      assertThat(ids()).containsExactly("_http._tcp.tea.test@10.0.0.9:9000");
      assertThat(upstream.snapshot().backend(0).weight()).isEqualTo(100);
    }
  }

  @Test
  void srvTargetsOfDotOrWithoutAddressesAreSkipped() {
    dns.srv(
        "_http._tcp.tea.test",
        30,
        target(10, 1, 8081, "."),
        target(10, 1, 8082, "gone.tea.test"),
        target(10, 1, 8083, "a.tea.test"));
    dns.a("a.tea.test", 30, "10.0.0.1");
    try (DnsDiscovery d =
        DnsDiscovery.forService(upstream, "_http._tcp.tea.test").servers(dns.address()).build()) {
      assertThat(d.refresh()).isTrue();
    }
    assertThat(ids()).containsExactly("_http._tcp.tea.test@10.0.0.1:8083");
  }

  @Test
  void theNextServerIsAskedWhenOneDoesNotAnswer() throws Exception {
    dns.a("tea.test", 60, "10.0.0.1");
    try (TestDnsServer silent = TestDnsServer.start();
        DnsDiscovery d =
            DnsDiscovery.forHost(upstream, "tea.test", 8080)
                .servers(silent.address(), dns.address())
                .families(IpFamily.IPV4)
                .lookupTimeout(Duration.ofMillis(300))
                .build()) {
      silent.mode(TestDnsServer.Mode.SILENT);
      assertThat(d.servers()).containsExactly(silent.address(), dns.address());
      assertThat(d.refresh()).isTrue();
      assertThat(ids()).containsExactly("tea.test@10.0.0.1:8080");
    }
  }

  @Test
  void whatAnOperatorChangedOnADiscoveredBackendStays() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    try (DnsDiscovery d = host("tea.test", 8080).build()) {
      d.refresh();
      upstream.setState("tea.test@10.0.0.1:8080", BackendState.DOWN);
      long version = upstream.snapshot().version();
      assertThat(d.refresh()).isTrue();
      assertThat(upstream.snapshot().version()).isEqualTo(version);
      assertThat(state("tea.test@10.0.0.1:8080")).isEqualTo(BackendState.DOWN);
    }
    try (DnsDiscovery d = host("tea.test", 8080).weight(3).build()) {
      assertThat(d.refresh()).isTrue();
      assertThat(state("tea.test@10.0.0.1:8080"))
          .as("a new weight, the state kept")
          .isEqualTo(BackendState.DOWN);
      assertThat(upstream.snapshot().backend(0).weight()).isEqualTo(3);
    }
  }

  @Test
  void addressesThatStayKeepTheirIdAndStickySessionsKeepTheirBackend() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    LoadBalancer lb =
        LoadBalancer.builder(upstream)
            .affinity(SessionPersistence.cookie("srv_id").secrets(SECRET).build().toAffinity())
            .build();
    try (DnsDiscovery d = host("tea.test", 8080).build()) {
      assertThat(d.refresh()).isTrue();
      Decision first = lb.pick(withCookie(null));
      first.report(Outcome.SUCCESS);
      String bound = first.backend().id();
      String cookie = cookiePair(first);
      String other = bound.endsWith("10.0.0.1:8080") ? "10.0.0.2" : "10.0.0.1";
      String stays = bound.substring(bound.indexOf('@') + 1, bound.lastIndexOf(':'));

      long version = upstream.snapshot().version();
      assertThat(d.refresh()).isTrue();
      assertThat(upstream.snapshot().version())
          .as("same answer: nothing published")
          .isEqualTo(version);

      // One address goes, two come, the bound one stays.
      dns.a("tea.test", 60, "10.0.0.3", stays, "10.0.0.4");
      assertThat(d.refresh()).isTrue();
      assertThat(ids()).contains(bound, "tea.test@10.0.0.3:8080", "tea.test@10.0.0.4:8080");
      assertThat(ids()).doesNotContain("tea.test@" + other + ":8080");
      for (int i = 0; i < 20; i++) {
        Decision again = lb.pick(withCookie(cookie));
        again.report(Outcome.SUCCESS);
        assertThat(again.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
        assertThat(again.backend().id()).isEqualTo(bound);
      }
    }
  }

  @Test
  void aVanishedAddressIsRemovedAtOnceByDefault() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    try (DnsDiscovery d = host("tea.test", 8080).build()) {
      d.refresh();
      dns.a("tea.test", 60, "10.0.0.2");
      assertThat(d.refresh()).isTrue();
      assertThat(ids()).containsExactly("tea.test@10.0.0.2:8080");
    }
  }

  @Test
  void aVanishedAddressDrainsForTheGraceUnlessItComesBack() {
    MutableClock clock = new MutableClock();
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    try (DnsDiscovery d =
        host("tea.test", 8080).drainGrace(Duration.ofMinutes(1)).clock(clock).build()) {
      d.refresh();
      dns.a("tea.test", 60, "10.0.0.1");
      d.refresh();
      assertThat(state("tea.test@10.0.0.2:8080")).isEqualTo(BackendState.DRAINING);

      clock.advance(Duration.ofSeconds(30));
      dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
      d.refresh();
      assertThat(state("tea.test@10.0.0.2:8080"))
          .as("back within the grace")
          .isEqualTo(BackendState.UP);

      dns.a("tea.test", 60, "10.0.0.1");
      d.refresh();
      clock.advance(Duration.ofSeconds(59));
      d.refresh();
      assertThat(state("tea.test@10.0.0.2:8080")).isEqualTo(BackendState.DRAINING);
      clock.advance(Duration.ofSeconds(1));
      d.refresh();
      assertThat(ids()).containsExactly("tea.test@10.0.0.1:8080");
    }
  }

  @Test
  void aStartedDiscoveryRemovesADrainedAddressWhenItsGraceEnds() {
    dns.a("tea.test", 3600, "10.0.0.1", "10.0.0.2");
    try (DnsDiscovery d = host("tea.test", 8080).drainGrace(Duration.ofMillis(200)).build()) {
      d.refresh();
      d.start();
      dns.a("tea.test", 3600, "10.0.0.1");
      d.refresh();
      assertThat(ids()).contains("tea.test@10.0.0.2:8080");
      awaitTrue(() -> ids().equals(List.of("tea.test@10.0.0.1:8080")));
    }
  }

  @Test
  void aStartedDiscoveryFollowsTheAnswersAsTheyChange() {
    dns.a("tea.test", 0, "10.0.0.1");
    try (DnsDiscovery d = host("tea.test", 8080).ttlFloor(Duration.ofMillis(20)).build()) {
      d.start();
      awaitTrue(() -> ids().equals(List.of("tea.test@10.0.0.1:8080")));
      dns.a("tea.test", 0, "10.0.0.2", "10.0.0.3");
      awaitTrue(() -> ids().equals(List.of("tea.test@10.0.0.2:8080", "tea.test@10.0.0.3:8080")));
    }
  }

  @Test
  void aFailedLookupKeepsTheLastGoodSetAndWarnsOncePerStreak() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    try (CapturedLog log = new CapturedLog();
        DnsDiscovery d = host("tea.test", 8080).build()) {
      assertThat(d.refresh()).isTrue();
      List<String> before = ids();
      dns.mode(TestDnsServer.Mode.SERVFAIL);
      for (int i = 0; i < 3; i++) {
        assertThat(d.refresh()).isFalse();
      }
      assertThat(ids()).isEqualTo(before);
      assertThat(d.consecutiveFailures()).isEqualTo(3);
      List<String> warnings = log.lines("WARN", DnsDiscovery.class);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0))
          .contains("DNS lookup of tea.test for upstream tea failed (A tea.test.: SERVFAIL)")
          .contains("keeping its 2 discovered backends");

      dns.mode(TestDnsServer.Mode.ANSWER);
      assertThat(d.refresh()).isTrue();
      assertThat(d.consecutiveFailures()).isZero();
      assertThat(log.lines("INFO", DnsDiscovery.class))
          .singleElement()
          .asString()
          .contains("succeeded again after 3 failed attempts");

      dns.mode(TestDnsServer.Mode.SERVFAIL);
      d.refresh();
      assertThat(log.lines("WARN", DnsDiscovery.class)).as("a new streak").hasSize(2);
    }
  }

  @Test
  void backgroundRetriesOfAFailingNameWarnOnceAndRecoverWithOneInfo() {
    dns.a("tea.test", 0, "10.0.0.1");
    try (CapturedLog log = new CapturedLog();
        DnsDiscovery d =
            host("tea.test", 8080)
                .ttlFloor(Duration.ofMillis(10))
                .retryInterval(Duration.ofMillis(10))
                .build()) {
      assertThat(d.refresh()).isTrue();
      dns.mode(TestDnsServer.Mode.SERVFAIL);
      d.start();
      awaitTrue(() -> d.consecutiveFailures() >= 5);
      assertThat(ids()).containsExactly("tea.test@10.0.0.1:8080");
      dns.a("tea.test", 0, "10.0.0.2");
      dns.mode(TestDnsServer.Mode.ANSWER);
      awaitTrue(() -> ids().equals(List.of("tea.test@10.0.0.2:8080")));
      d.close();
      assertThat(log.lines("WARN", DnsDiscovery.class)).hasSize(1);
      assertThat(log.lines("INFO", DnsDiscovery.class))
          .singleElement()
          .asString()
          .contains("succeeded again after");
    }
  }

  @Test
  void aLookupThatTimesOutKeepsTheLastGoodSet() {
    dns.a("tea.test", 60, "10.0.0.1");
    try (CapturedLog log = new CapturedLog();
        DnsDiscovery d = host("tea.test", 8080).lookupTimeout(Duration.ofMillis(200)).build()) {
      d.refresh();
      dns.mode(TestDnsServer.Mode.SILENT);
      assertThat(d.refresh()).isFalse();
      assertThat(ids()).containsExactly("tea.test@10.0.0.1:8080");
      assertThat(log.lines("WARN", DnsDiscovery.class))
          .singleElement()
          .asString()
          .contains("A tea.test.");
    }
  }

  @Test
  void anEmptyAnswerKeepsTheLastSetByDefaultAndEmptiesOnlyWhenTrusted() {
    Upstream mixed = Upstream.of("mixed", List.of(Backend.of("static", "192.0.2.1", 80)));
    dns.a("tea.test", 60, "10.0.0.1");
    try (DnsDiscovery keep =
        DnsDiscovery.forHost(mixed, "tea.test", 8080).servers(dns.address()).build()) {
      keep.refresh();
      dns.remove("tea.test"); // NXDOMAIN
      assertThat(keep.refresh()).isFalse();
      assertThat(ids(mixed)).containsExactly("static", "tea.test@10.0.0.1:8080");
    }
    dns.a("tea.test", 60, "10.0.0.1");
    try (DnsDiscovery trust =
        DnsDiscovery.forHost(mixed, "tea.test", 8080)
            .servers(dns.address())
            .emptyAnswer(EmptyAnswer.REMOVE_ALL)
            .build()) {
      trust.refresh();
      dns.a("tea.test", 60); // NOERROR, no A record
      dns.aaaa("tea.test", 60, "2001:db8::1");
      assertThat(trust.refresh()).isTrue();
      assertThat(ids(mixed)).containsExactly("static", "tea.test@[2001:db8::1]:8080");
      dns.remove("tea.test");
      assertThat(trust.refresh()).isTrue();
      assertThat(ids(mixed)).as("backends it did not add stay").containsExactly("static");
    }
  }

  @Test
  void aTruncatedUdpAnswerIsRetriedOverTcp() {
    dns.a("tea.test", 60, "10.0.0.1", "10.0.0.2");
    dns.truncateUdp(true);
    try (DnsDiscovery d = host("tea.test", 8080).families(IpFamily.IPV4).build()) {
      assertThat(d.refresh()).isTrue();
    }
    assertThat(ids()).containsExactly("tea.test@10.0.0.1:8080", "tea.test@10.0.0.2:8080");
    assertThat(dns.udpQueries.get()).isPositive();
    assertThat(dns.tcpQueries.get()).isPositive();
  }

  @Test
  void theNextLookupIsDueAtTheTtlWithinFloorAndCeiling() throws Exception {
    RecordingScheduler scheduler = new RecordingScheduler();
    try (DnsDiscovery d =
        host("tea.test", 8080)
            .ttlFloor(Duration.ofSeconds(2))
            .ttlCeiling(Duration.ofSeconds(100))
            .retryInterval(Duration.ofSeconds(7))
            .scheduler(scheduler)
            .build()) {
      dns.a("tea.test", 0, "10.0.0.1");
      d.start();
      awaitTrue(() -> scheduler.delays().size() >= 2);
      assertThat(scheduler.delays().get(0)).as("the first lookup").isZero();
      assertThat(scheduler.delays().get(1)).as("TTL 0: the floor").isEqualTo(2_000);

      dns.a("tea.test", 3600, "10.0.0.1");
      d.refresh();
      assertThat(scheduler.last()).as("TTL 3600: the ceiling").isEqualTo(100_000);

      dns.a("tea.test", 42, "10.0.0.1");
      dns.aaaa("tea.test", 9, "2001:db8::1");
      d.refresh();
      assertThat(scheduler.last()).as("the smallest TTL of the answer").isEqualTo(9_000);

      dns.mode(TestDnsServer.Mode.SERVFAIL);
      d.refresh();
      assertThat(scheduler.last()).as("after a failure: the retry interval").isEqualTo(7_000);
    } finally {
      scheduler.shutdownNow();
    }
    assertThat(scheduler.isShutdown()).isTrue();

    RecordingScheduler fixed = new RecordingScheduler();
    try (DnsDiscovery d =
        host("tea.test", 8080).valid(Duration.ofSeconds(30)).scheduler(fixed).build()) {
      dns.mode(TestDnsServer.Mode.ANSWER);
      d.refresh();
      d.start();
      assertThat(fixed.delays().get(0))
          .as("started after a refresh: when that answer expires, not at once")
          .isBetween(29_000L, 30_000L);
      d.refresh();
      assertThat(fixed.last()).as("valid= replaces the TTL").isEqualTo(30_000);
      assertThat(d.retryInterval()).as("default: the floor").isEqualTo(Duration.ofSeconds(1));
    } finally {
      fixed.shutdownNow();
    }
  }

  @Test
  void closeStopsLookupsAndAClosedDiscoveryRefusesWork() {
    dns.a("tea.test", 0, "10.0.0.1");
    DnsDiscovery d = host("tea.test", 8080).ttlFloor(Duration.ofMillis(10)).build();
    d.start();
    awaitTrue(() -> dns.udpQueries.get() >= 4);
    d.close();
    d.close();
    assertThatThrownBy(d::refresh).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
    assertThat(ids())
        .as("the upstream keeps what it has")
        .containsExactly("tea.test@10.0.0.1:8080");
  }

  @Test
  void defaults() {
    DnsDiscovery d = DnsDiscovery.forHost(upstream, "tea.test", 80).servers(dns.address()).build();
    assertThat(d.upstream()).isSameAs(upstream);
    assertThat(d.port()).isEqualTo(80);
    assertThat(d.isService()).isFalse();
    assertThat(d.servers()).containsExactly(dns.address());
    assertThat(d.families()).containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
    assertThat(d.ttlFloor()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.ttlCeiling()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.valid()).isNull();
    assertThat(d.retryInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.lookupTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.drainGrace()).isEqualTo(Duration.ZERO);
    assertThat(d.weight()).isEqualTo(1);
    assertThat(d.maxConnections()).isZero();
    assertThat(d.idScheme()).isEqualTo(BackendIdScheme.NAME_AND_ADDRESS);
    assertThat(d.emptyAnswer()).isEqualTo(EmptyAnswer.KEEP_LAST_SET);
    assertThat(d.toString()).contains("tea.test:80", "upstream=tea");
    assertThat(DnsDiscovery.forService(upstream, "_grpc._udp", "tea.test").build().name())
        .isEqualTo("_grpc._udp.tea.test");
    assertThat(DnsDiscovery.forHost(upstream, "tea.test", 80).build().servers())
        .as("the system's servers")
        .isNotEmpty();
  }

  @Test
  void badConfigurationNamesTheFieldTheValueAndWhatIsAllowed() {
    assertError(
        () -> DnsDiscovery.forHost(upstream, "tea.test", 0), "port: 0 (expected: 1..65535)");
    assertError(() -> DnsDiscovery.forHost(upstream, "", 80), "host: \"\" (expected: a DNS name)");
    assertError(() -> host("tea..test", 80).build(), "host: \"tea..test\" (expected: a DNS name");
    assertError(
        () -> DnsDiscovery.forService(upstream, "", "tea.test"),
        "service: \"\" (expected: a service name");
    assertError(() -> host("t", 80).ttlFloor(Duration.ZERO), "ttlFloor: PT0S (expected: > 0)");
    assertError(
        () ->
            host("t", 80)
                .ttlFloor(Duration.ofSeconds(10))
                .ttlCeiling(Duration.ofSeconds(5))
                .build(),
        "ttlCeiling: PT5S (expected: >= ttlFloor, PT10S)");
    assertError(() -> host("t", 80).valid(Duration.ofSeconds(-1)), "valid: PT-1S (expected: > 0)");
    assertError(
        () -> host("t", 80).drainGrace(Duration.ofSeconds(-1)),
        "drainGrace: PT-1S (expected: >= 0, 0 to remove at once)");
    assertError(() -> host("t", 80).weight(0), "weight: 0 (expected: 1..10000)");
    assertError(() -> host("t", 80).maxConnections(-1), "maxConnections: -1 (expected: >= 0");
    assertError(() -> host("t", 80).servers(List.of()), "servers: [] (expected: at least one");
    assertError(
        () -> host("t", 80).servers(java.net.InetSocketAddress.createUnresolved("dns.test", 53)),
        "servers: dns.test");
    assertError(() -> host("t", 80).families(), "families: [] (expected: IPV4, IPV6 or both)");
  }

  private static void assertError(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  private List<String> ids() {
    return ids(upstream);
  }

  private static List<String> ids(Upstream up) {
    List<String> ids = new ArrayList<>();
    for (Backend b : up.snapshot().backends()) {
      ids.add(b.id());
    }
    return ids;
  }

  private BackendState state(String id) {
    int i = upstream.snapshot().indexOf(id);
    assertThat(i).as("index of %s in %s", id, ids()).isNotNegative();
    return upstream.snapshot().backend(i).state();
  }

  /** Polls for at most ten seconds: the condition, not the time it takes, is asserted. */
  static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition met within 10 s").isNegative();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static RequestContext withCookie(String cookieHeader) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (cookieHeader != null) {
      headers.put("Cookie", cookieHeader);
    }
    return RequestContext.builder().headers(headers::get).path("/").build();
  }

  /** {@code name=value} of the decision's Set-Cookie, for the next request's Cookie header. */
  static String cookiePair(Decision d) {
    for (ResponseHeader h : d.responseHeaders()) {
      if (h.name().equalsIgnoreCase("Set-Cookie")) {
        int semi = h.value().indexOf(';');
        return semi < 0 ? h.value() : h.value().substring(0, semi);
      }
    }
    throw new AssertionError("no Set-Cookie in " + d);
  }

  /** A real scheduler that remembers the delay of everything scheduled on it, in ms. */
  static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
    private final List<Long> delays = Collections.synchronizedList(new ArrayList<>());

    RecordingScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      delays.add(unit.toMillis(delay));
      return super.schedule(command, delay, unit);
    }

    List<Long> delays() {
      synchronized (delays) {
        return List.copyOf(delays);
      }
    }

    long last() {
      List<Long> all = delays();
      return all.get(all.size() - 1);
    }
  }

  /** A clock that moves only when told. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
