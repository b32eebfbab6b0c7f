package dev.lbkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionStore;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Server-side session tables from the properties: {@code sticky-learn} (an NGINX Plus line) and
 * {@code stick-table}, in the application's {@link SessionStore} when it has one.
 */
class SessionTablePropertiesTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LbkitAutoConfiguration.class))
          .withPropertyValues(
              "lbkit.upstreams.shop.backends[0].id=shop-1",
              "lbkit.upstreams.shop.backends[0].address=127.0.0.1:9001",
              "lbkit.upstreams.shop.backends[1].id=shop-2",
              "lbkit.upstreams.shop.backends[1].address=127.0.0.1:9002",
              "lbkit.upstreams.shop.backends[2].id=shop-3",
              "lbkit.upstreams.shop.backends[2].address=127.0.0.1:9003");

  private static RequestContext header(String name, String value) {
    return RequestContext.builder().headers(n -> n.equalsIgnoreCase(name) ? value : null).build();
  }

  @Test
  void stickyLearnBindsTheBackendsSessionInTheApplicationsStore() {
    SessionStore store = SessionStore.inMemory(100);
    runner
        .withBean(SessionStore.class, () -> store)
        .withPropertyValues(
            "lbkit.upstreams.shop.sticky-learn=sticky learn create=$upstream_cookie_jsessionid"
                + " lookup=$cookie_jsessionid zone=shop:1m timeout=1h")
        .run(
            context -> {
              LbkitUpstream shop = context.getBean(LbkitUpstreams.class).named("shop");
              Decision first = shop.pick(RequestContext.empty());
              first.learn(n -> n.equalsIgnoreCase("Set-Cookie") ? "jsessionid=s1; Path=/" : null);
              first.report(Outcome.SUCCESS);
              assertThat(store.table("shop").get("s1")).isEqualTo(first.backend().id());
              for (int i = 0; i < 5; i++) {
                Decision d = shop.pick(header("Cookie", "jsessionid=s1"));
                assertThat(d.backend()).isEqualTo(first.backend());
                d.report(Outcome.SUCCESS);
              }
            });
  }

  @Test
  void aStickTableOnAHeaderKeepsEachUser() {
    runner
        .withPropertyValues(
            "lbkit.upstreams.shop.stick-table.on=$http_x_user",
            "lbkit.upstreams.shop.stick-table.expire=30m")
        .run(
            context -> {
              LbkitUpstream shop = context.getBean(LbkitUpstreams.class).named("shop");
              Map<String, String> first = new HashMap<>();
              for (int u = 0; u < 6; u++) {
                Decision d = shop.pick(header("X-User", "user-" + u));
                first.put("user-" + u, d.backend().id());
                d.report(Outcome.SUCCESS);
              }
              assertThat(first.values()).contains("shop-1", "shop-2", "shop-3");
              first.forEach(
                  (user, backend) -> {
                    Decision d = shop.pick(header("X-User", user));
                    assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
                    assertThat(d.backend().id()).isEqualTo(backend);
                    d.report(Outcome.SUCCESS);
                  });
            });
  }

  @Test
  void badTablePropertiesStopStartupNamingThem() {
    String on = "lbkit.upstreams.shop.stick-table.on=";
    Map<String[], String> cases =
        Map.of(
            new String[] {"lbkit.upstreams.shop.sticky-learn=sticky learn lookup=$cookie_a zone=z"},
            "lbkit.upstreams.shop.sticky-learn: missing (expected: create=$upstream_cookie_NAME)",
            new String[] {on + "$nope"},
            "lbkit.upstreams.shop.stick-table.on: \"$nope\"",
            new String[] {on + "$remote_addr", "lbkit.upstreams.shop.stick-table.expire=soon"},
            "lbkit.upstreams.shop.stick-table.expire: \"soon\"",
            new String[] {on + "$remote_addr", "lbkit.upstreams.shop.stick-table.on-unavailable=x"},
            "lbkit.upstreams.shop.stick-table.on-unavailable: \"x\"",
            new String[] {
              on + "$remote_addr", "lbkit.upstreams.shop.session-persistence.type=Cookie"
            },
            "lbkit.upstreams.shop.stick-table: set beside another kind of persistence");
    for (Map.Entry<String[], String> c : cases.entrySet()) {
      String what = String.join(", ", c.getKey());
      runner
          .withPropertyValues(c.getKey())
          .withPropertyValues("lbkit.session-secrets-env=LBKIT_TEST_SESSION_SECRET")
          .run(
              context -> {
                assertThat(context).as(what).hasFailed();
                Throwable t = context.getStartupFailure();
                while (t != null && !(t instanceof LbkitConfigurationException)) {
                  t = t.getCause();
                }
                assertThat(t).as(what).isNotNull();
                assertThat(t.getMessage()).as(what).startsWith(c.getValue());
              });
    }
  }
}
