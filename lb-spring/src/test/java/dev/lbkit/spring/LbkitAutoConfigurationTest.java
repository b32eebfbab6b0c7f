package dev.lbkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.micrometer.UpstreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class LbkitAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  LbkitAutoConfiguration.class, LbkitMetricsAutoConfiguration.class))
          .withPropertyValues("lbkit.session-secrets-env=LBKIT_TEST_SESSION_SECRET");

  private static final String[] TEA = {
    "lbkit.upstreams.tea.method=least_conn",
    "lbkit.upstreams.tea.backends[0].id=tea-1",
    "lbkit.upstreams.tea.backends[0].address=127.0.0.1:9001",
    "lbkit.upstreams.tea.backends[1].id=tea-2",
    "lbkit.upstreams.tea.backends[1].address=127.0.0.1:9002",
    "lbkit.upstreams.tea.backends[1].weight=3",
    "lbkit.upstreams.tea.backends[1].state=DRAINING",
    "lbkit.upstreams.tea.session-persistence.session-name=cookie-tea",
    "lbkit.upstreams.tea.session-persistence.absolute-timeout=24h",
    "lbkit.upstreams.tea.session-persistence.cookie-config.lifetime-type=Permanent",
    "lbkit.upstreams.tea.session-persistence.path=/tea",
  };

  @Test
  void buildsUpstreamsFromTheProperties() {
    runner
        .withPropertyValues(TEA)
        .withPropertyValues(
            "lbkit.upstreams.coffee.method=ip_hash",
            "lbkit.upstreams.coffee.backends[0].address=127.0.0.1:9003",
            "lbkit.upstreams.coffee.backends[1].address=127.0.0.1:9004",
            "lbkit.upstreams.latte.service-id=latte-svc")
        .run(
            context -> {
              LbkitUpstreams upstreams = context.getBean(LbkitUpstreams.class);
              assertThat(upstreams.all())
                  .extracting(LbkitUpstream::name)
                  .containsExactly("tea", "coffee", "latte");

              LbkitUpstream tea = upstreams.named("tea");
              assertThat(tea).isNotNull();
              assertThat(tea.isDiscovered()).isFalse();
              List<Backend> backends = tea.upstream().snapshot().backends();
              assertThat(backends).extracting(Backend::id).containsExactly("tea-1", "tea-2");
              assertThat(backends.get(1).weight()).isEqualTo(3);
              assertThat(backends.get(1).state()).isEqualTo(BackendState.DRAINING);

              // The draining backend takes no new session; the cookie is the seed's.
              Decision d = tea.pick(RequestContext.empty());
              assertThat(d.backend().id()).isEqualTo("tea-1");
              assertThat(d.responseHeaders())
                  .extracting(ResponseHeader::value)
                  .singleElement()
                  .asString()
                  .startsWith("cookie-tea=")
                  .contains("; Path=/tea", "; Max-Age=86400", "; HttpOnly");

              // Backends without an id are named by their address.
              LbkitUpstream coffee = upstreams.named("coffee");
              assertThat(coffee.upstream().snapshot().backends())
                  .extracting(Backend::id)
                  .containsExactly("127.0.0.1:9003", "127.0.0.1:9004");
              Set<String> picked = new HashSet<>();
              for (int i = 0; i < 5; i++) {
                RequestContext client =
                    RequestContext.ofClient(IpAddress.parse("192.0.2." + (10 + i % 1)));
                picked.add(coffee.pick(client).backend().id());
              }
              assertThat(picked).hasSize(1);

              LbkitUpstream latte = upstreams.forService("latte-svc");
              assertThat(latte).isNotNull();
              assertThat(latte.name()).isEqualTo("latte");
              assertThat(latte.isDiscovered()).isTrue();
              assertThat(upstreams.forService("latte")).isNull();
            });
  }

  @Test
  void aStickySessionFollowsItsCookie() {
    runner
        .withPropertyValues(TEA)
        .run(
            context -> {
              LbkitUpstream tea = context.getBean(LbkitUpstreams.class).named("tea");
              // Put tea-2 back in rotation so that both can take sessions.
              tea.upstream().setState("tea-2", BackendState.UP);
              for (int s = 0; s < 10; s++) {
                Decision first = tea.pick(RequestContext.empty());
                first.report(dev.lbkit.core.Outcome.SUCCESS);
                String cookie = first.responseHeaders().get(0).value();
                String pair = cookie.substring(0, cookie.indexOf(';'));
                for (int i = 0; i < 5; i++) {
                  Decision next =
                      tea.pick(
                          RequestContext.builder()
                              .headers(name -> "cookie".equalsIgnoreCase(name) ? pair : null)
                              .path("/tea")
                              .build());
                  assertThat(next.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
                  assertThat(next.backend()).isEqualTo(first.backend());
                  next.report(dev.lbkit.core.Outcome.SUCCESS);
                }
              }
            });
  }

  @Test
  void readsSpringCloudLoadBalancersCookieOnceAndReissuesIt() {
    runner
        .withPropertyValues(TEA)
        .withPropertyValues(
            "lbkit.upstreams.tea.backends[1].state=UP",
            "lbkit.upstreams.tea.session-persistence.legacy-instance-id-cookie=sc-lb-instance-id")
        .run(
            context -> {
              LbkitUpstream tea = context.getBean(LbkitUpstreams.class).named("tea");
              Decision d =
                  tea.pick(
                      RequestContext.builder()
                          .headers(
                              name ->
                                  "cookie".equalsIgnoreCase(name)
                                      ? "sc-lb-instance-id=tea-2"
                                      : null)
                          .path("/tea")
                          .build());
              assertThat(d.backend().id()).isEqualTo("tea-2");
              assertThat(d.responseHeaders())
                  .extracting(ResponseHeader::value)
                  .anySatisfy(v -> assertThat(v).startsWith("cookie-tea="))
                  .anySatisfy(
                      v -> assertThat(v).startsWith("sc-lb-instance-id=;").contains("Max-Age=0"));
            });
  }

  @Test
  void registersMetersWhenTheApplicationHasARegistry() {
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues(TEA)
        .run(
            context -> {
              LbkitUpstream tea = context.getBean(LbkitUpstreams.class).named("tea");
              tea.pick(RequestContext.empty()).report(dev.lbkit.core.Outcome.SUCCESS);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .get(UpstreamMetrics.DECISIONS)
                          .tags("upstream", "tea", "reason", "new_session", "backend", "tea-1")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(registry.get(UpstreamMetrics.IN_FLIGHT).tag("backend", "tea-2").gauge())
                  .isNotNull();
            });
  }

  @Test
  void metricsCanBeSwitchedOff() {
    runner
        .withUserConfiguration(Registry.class)
        .withPropertyValues(TEA)
        .withPropertyValues("lbkit.metrics.enabled=false")
        .run(
            context -> {
              context.getBean(LbkitUpstreams.class).named("tea").pick(RequestContext.empty());
              assertThat(
                      context.getBean(MeterRegistry.class).find(UpstreamMetrics.DECISIONS).meters())
                  .isEmpty();
            });
  }

  @Test
  void lbkitCanBeSwitchedOff() {
    runner
        .withPropertyValues(TEA)
        .withPropertyValues("lbkit.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LbkitUpstreams.class));
  }

  @Test
  void aBadPropertyStopsStartupNamingIt() {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry(
                "lbkit.upstreams.tea.method=fastest", "lbkit.upstreams.tea.method: \"fastest\""),
            Map.entry(
                "lbkit.upstreams.tea.method=hash",
                "lbkit.upstreams.tea.key: missing (expected: what method hash hashes"),
            Map.entry(
                "lbkit.upstreams.tea.session-persistence.type=Pigeon",
                "lbkit.upstreams.tea.session-persistence.type: \"Pigeon\""),
            Map.entry(
                "lbkit.upstreams.tea.session-persistence.absolute-timeout=soon",
                "lbkit.upstreams.tea.session-persistence.absolute-timeout: \"soon\""),
            Map.entry(
                "lbkit.upstreams.tea.session-persistence.mode=sometimes",
                "lbkit.upstreams.tea.session-persistence.mode: \"sometimes\" (expected: one of"
                    + " persistent, balanced)"),
            Map.entry(
                "lbkit.upstreams.tea.backends[1].address=localhost",
                "lbkit.upstreams.tea.backends[1].address: \"localhost\" (expected: host:port"),
            Map.entry(
                "lbkit.upstreams.tea.backends[1].weight=0",
                "lbkit.upstreams.tea.backends[1].weight: 0 (expected: a whole number 1..10000)"),
            Map.entry(
                "lbkit.upstreams.tea.backends[1].state=SLEEPING",
                "lbkit.upstreams.tea.backends[1].state: \"SLEEPING\" (expected: one of UP, DOWN,"
                    + " DRAINING)"),
            Map.entry(
                "lbkit.upstreams.tea.backends[1].id=tea-1",
                "lbkit.upstreams.tea.backends[1].id: \"tea-1\""),
            Map.entry(
                "lbkit.upstreams.tea.session-persistence.legacy-instance-id-cookie=a b",
                "lbkit.upstreams.tea.session-persistence.legacy-instance-id-cookie: \"a b\""),
            Map.entry(
                "lbkit.upstreams.tea.fail-timeout=often",
                "lbkit.upstreams.tea.fail-timeout: \"often\""),
            Map.entry(
                "lbkit.client-address.trusted-proxies[0]=10.0.0.0/99",
                "lbkit.client-address.trusted-proxies[0]: \"10.0.0.0/99\""));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      runner
          .withPropertyValues(TEA)
          .withPropertyValues(c.getKey())
          .run(
              context -> {
                assertThat(context).hasFailed();
                LbkitConfigurationException e = configurationException(context.getStartupFailure());
                assertThat(e.getMessage()).as(c.getKey()).startsWith(c.getValue());
                FailureAnalysis analysis =
                    new LbkitFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                assertThat(analysis.getDescription()).contains("'" + e.property() + "'");
                assertThat(analysis.getAction()).contains(e.property());
              });
    }
  }

  @Test
  void aSessionWithoutSecretsIsRefusedUnlessInsecureTokensAreAllowed() {
    ApplicationContextRunner bare =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LbkitAutoConfiguration.class))
            .withPropertyValues(TEA);
    bare.run(
        context -> {
          assertThat(context).hasFailed();
          assertThat(configurationException(context.getStartupFailure()).property())
              .isEqualTo("lbkit.session-secrets");
        });
    bare.withPropertyValues("lbkit.insecure-unsigned-tokens=true")
        .run(context -> assertThat(context).hasSingleBean(LbkitUpstreams.class));
  }

  private static LbkitConfigurationException configurationException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LbkitConfigurationException e) {
        return e;
      }
    }
    throw new AssertionError("no LbkitConfigurationException in " + failure, failure);
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }
}
