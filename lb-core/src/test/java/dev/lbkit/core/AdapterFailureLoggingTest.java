package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.CapturedLog.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A header source or a session affinity that throws is treated as absent, so that the request is
 * still answered; but it is a bug that turns stickiness off, so its first failure is logged at WARN
 * with the stack trace, and later ones at DEBUG only. A client's malformed value is no bug and
 * never reaches WARN.
 *
 * <p>Header sources warn once per class: every test here throws from a lambda of its own (a class
 * of its own), so that no test sees another's first failure.
 */
class AdapterFailureLoggingTest {
  private static final String HEADER_SOURCE = "dev.lbkit.core.HeaderSource";
  private static final String LOAD_BALANCER = "dev.lbkit.core.LoadBalancer";

  private final Upstream upstream =
      Upstream.of("tea", Backend.of("a", "10.0.0.1", 80), Backend.of("b", "10.0.0.2", 80));

  @Test
  void aHeaderSourceThatThrowsReadsAsAbsentAndWarnsOnceForItsClass() {
    HeaderSource recycled =
        name -> {
          throw new IllegalStateException("request recycled before its headers were read");
        };
    try (CapturedLog log = CapturedLog.start()) {
      RequestContext first = RequestContext.builder().headers(recycled).build();
      assertThat(first.header("X-User")).isNull();
      assertThat(first.cookie("srv_id")).isNull(); // a second failure: the Cookie header
      RequestContext second = RequestContext.builder().headers(recycled).build();
      assertThat(second.header("X-User")).isNull();

      List<Entry> warnings = log.records("WARN", HEADER_SOURCE);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).message())
          .contains(recycled.getClass().getName())
          .contains("X-User")
          .contains("counts as absent");
      assertThat(warnings.get(0).stackTrace())
          .startsWith(
              "java.lang.IllegalStateException: request recycled before its headers were read")
          .contains("\tat ");
      assertThat(log.records("DEBUG", HEADER_SOURCE)).hasSize(2);
    }
  }

  @Test
  void aHeaderSourceRecreatedForEveryRequestWarnsOnlyOnce() {
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 5; i++) {
        int requestNumber = i;
        // As an adapter does: a new source over each request, all of one class.
        HeaderSource perRequest =
            name -> {
              throw new UnsupportedOperationException("request " + requestNumber);
            };
        assertThat(RequestContext.builder().headers(perRequest).build().header("Cookie")).isNull();
      }
      List<Entry> warnings = log.records("WARN", HEADER_SOURCE);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).stackTrace())
          .startsWith("java.lang.UnsupportedOperationException: request 0");
      assertThat(log.records("DEBUG", HEADER_SOURCE)).hasSize(4);
    }
  }

  @Test
  void theClientAddressResolverKeepsThePeerAndWarnsOnceWhenTheHeaderSourceThrows() {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8")
            .header("X-Forwarded-For")
            .build();
    IpAddress proxy = IpAddress.parse("10.0.0.1");
    HeaderSource broken =
        name -> {
          throw new IllegalStateException("connection closed");
        };
    try (CapturedLog log = CapturedLog.start()) {
      assertThat(resolver.resolve(proxy, broken)).isEqualTo(proxy);
      assertThat(resolver.resolve(proxy, broken)).isEqualTo(proxy);

      List<Entry> warnings = log.records("WARN", HEADER_SOURCE);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).message())
          .contains(broken.getClass().getName())
          .contains("X-Forwarded-For");
      assertThat(warnings.get(0).stackTrace())
          .startsWith("java.lang.IllegalStateException: connection closed");
      assertThat(log.records("DEBUG", HEADER_SOURCE)).hasSize(1);
    }
  }

  @Test
  void aClientsMalformedValuesNeverReachWarn() {
    ClientAddressResolver forwarded =
        ClientAddressResolver.builder().trustedProxies("10.0.0.0/8").header("Forwarded").build();
    IpAddress proxy = IpAddress.parse("10.0.0.1");
    LoadBalancer lb = LoadBalancer.builder(upstream).affinity(TestAffinity.lenient()).build();
    try (CapturedLog log = CapturedLog.start()) {
      assertThat(forwarded.resolve(proxy, name -> "for=\"192.0.2.1")).isEqualTo(proxy);
      assertThat(forwarded.resolve(proxy, name -> "for")).isEqualTo(proxy);
      Decision d = lb.pick(TestAffinity.requestFor("no-such-backend\u0000"));
      assertThat(d.hasBackend()).isTrue();
      assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
      lb.report(d, Outcome.SUCCESS);

      assertThat(log.records()).noneMatch(e -> e.level().equals("WARN"));
    }
  }

  @Test
  void anAffinityThatThrowsResolvingCountsAsNoSessionAndWarnsOnce() {
    SessionAffinity broken =
        new Affinity("broken-resolve") {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            throw new IllegalStateException("resolve bug");
          }
        };
    LoadBalancer lb = LoadBalancer.builder(upstream).affinity(broken).build();
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 3; i++) {
        Decision d = lb.pick(RequestContext.empty());
        assertThat(d.hasBackend()).isTrue();
        assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
        lb.report(d, Outcome.SUCCESS);
      }
      assertThat(lb.resolveSession(RequestContext.empty()).isPresent()).isFalse();

      List<Entry> warnings = log.records("WARN", LOAD_BALANCER);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).message())
          .contains("broken-resolve")
          .contains("threw resolving a request");
      assertThat(warnings.get(0).stackTrace())
          .startsWith("java.lang.IllegalStateException: resolve bug");
      assertThat(log.records("DEBUG", LOAD_BALANCER)).hasSize(3);
    }
  }

  @Test
  void aBindingOutsideTheSnapshotWarnsOnce() {
    SessionAffinity outOfRange =
        new Affinity("out-of-range") {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            return Binding.bound(pool.size() + 5, null);
          }
        };
    LoadBalancer lb = LoadBalancer.builder(upstream).affinity(outOfRange).build();
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 2; i++) {
        Decision d = lb.pick(RequestContext.empty());
        assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
        lb.report(d, Outcome.SUCCESS);
      }
      List<Entry> warnings = log.records("WARN", LOAD_BALANCER);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).message()).contains("out-of-range").contains("bound index 7");
      assertThat(log.records("DEBUG", LOAD_BALANCER)).hasSize(1);
    }
  }

  @Test
  void anAffinityThatThrowsChoosingAFallbackLeavesItToTheSelectorAndWarnsOnce() {
    SessionAffinity broken =
        new Affinity("broken-fallback") {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            return Binding.bound(pool.indexOf("a"), null);
          }

          @Override
          public int fallback(
              PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
            throw new IllegalArgumentException("fallback bug");
          }
        };
    LoadBalancer lb = LoadBalancer.builder(upstream).affinity(broken).build();
    upstream.setState("a", BackendState.DOWN);
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 2; i++) {
        Decision d = lb.pick(RequestContext.empty());
        assertThat(d.backend().id()).isEqualTo("b");
        assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
        lb.report(d, Outcome.SUCCESS);
      }
      List<Entry> warnings = log.records("WARN", LOAD_BALANCER);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).message()).contains("broken-fallback").contains("fallback");
      assertThat(warnings.get(0).stackTrace())
          .startsWith("java.lang.IllegalArgumentException: fallback bug");
      assertThat(log.records("DEBUG", LOAD_BALANCER)).hasSize(1);
    }
  }

  @Test
  void eachCallOfAnAffinityWarnsOnItsOwnAndEachLoadBalancerForItself() {
    SessionAffinity broken =
        new Affinity("broken-everywhere") {
          @Override
          public Binding resolve(PoolSnapshot pool, RequestContext request) {
            throw new IllegalStateException("resolve bug");
          }

          @Override
          public List<ResponseHeader> responseHeaders(
              PoolSnapshot pool,
              RequestContext request,
              Binding binding,
              int chosen,
              Decision.Reason reason) {
            throw new IllegalStateException("header bug");
          }
        };
    try (CapturedLog log = CapturedLog.start()) {
      LoadBalancer lb = LoadBalancer.builder(upstream).affinity(broken).build();
      for (int i = 0; i < 2; i++) {
        Decision d = lb.pick(RequestContext.empty());
        assertThat(d.hasBackend()).isTrue();
        assertThat(d.responseHeaders()).isEmpty();
        lb.report(d, Outcome.SUCCESS);
      }
      assertThat(log.records("WARN", LOAD_BALANCER))
          .extracting(e -> e.stackTrace().lines().findFirst().orElse(""))
          .containsExactly(
              "java.lang.IllegalStateException: resolve bug",
              "java.lang.IllegalStateException: header bug");

      // A load balancer built afresh (a configuration reload) warns again, once.
      LoadBalancer reloaded = LoadBalancer.builder(upstream).affinity(broken).build();
      reloaded.report(reloaded.pick(RequestContext.empty()), Outcome.SUCCESS);
      assertThat(log.records("WARN", LOAD_BALANCER)).hasSize(4);
    }
  }

  /** An affinity that finds no session and writes no header unless told otherwise. */
  private abstract static class Affinity implements SessionAffinity {
    private final String name;

    Affinity(String name) {
      this.name = name;
    }

    @Override
    public Binding resolve(PoolSnapshot pool, RequestContext request) {
      return Binding.none();
    }

    @Override
    public List<ResponseHeader> responseHeaders(
        PoolSnapshot pool,
        RequestContext request,
        Binding binding,
        int chosen,
        Decision.Reason reason) {
      return List.of();
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
