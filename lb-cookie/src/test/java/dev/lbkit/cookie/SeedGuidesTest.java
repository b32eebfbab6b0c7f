package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookiePair;
import static dev.lbkit.cookie.StickyFixtures.header;
import static dev.lbkit.cookie.StickyFixtures.id;
import static dev.lbkit.cookie.StickyFixtures.request;
import static dev.lbkit.cookie.StickyFixtures.setCookie;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence.Lifetime;
import dev.lbkit.cookie.StickyFixtures.TestClock;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The walkthroughs of the seed guides, through a real {@link LoadBalancer}. */
class SeedGuidesTest {
  private static final String TOKEN = "[A-Za-z0-9_-]{36}";

  /** NGINX Ingress Controller VirtualServer {@code cafe}: {@code sessionCookie} per upstream. */
  @Test
  void nginxIngressSessionCookieSetsPathAndTwoHourExpiry() {
    TestClock clock = new TestClock(Instant.parse("2025-12-10T23:39:55Z"));
    Upstream tea =
        Upstream.of(
            "tea", Backend.of("tea-1", "10.0.0.1", 80), Backend.of("tea-2", "10.0.0.2", 80));
    Upstream coffee =
        Upstream.of(
            "coffee",
            Backend.of("coffee-1", "10.0.1.1", 80),
            Backend.of("coffee-2", "10.0.1.2", 80));
    SessionPersistence teaCookie =
        SessionPersistence.cookie("srv_id")
            .attributes(CookieAttributes.builder().path("/tea").build())
            .absoluteTimeout(Duration.ofHours(2))
            .lifetime(Lifetime.PERMANENT)
            .secrets(SECRET)
            .clock(clock)
            .build();
    SessionPersistence coffeeCookie =
        SessionPersistence.cookie("srv_id")
            .attributes(CookieAttributes.builder().path("/coffee").build())
            .absoluteTimeout(Duration.ofHours(1))
            .lifetime(Lifetime.PERMANENT)
            .secrets(SECRET)
            .clock(clock)
            .build();
    LoadBalancer teaLb = LoadBalancer.builder(tea).affinity(teaCookie.toAffinity()).build();
    LoadBalancer coffeeLb =
        LoadBalancer.builder(coffee).affinity(coffeeCookie.toAffinity()).build();

    Decision first = teaLb.pick(withCookies(null));
    assertThat(first.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(setCookie(first))
        .matches(
            "srv_id="
                + TOKEN
                + "; Max-Age=7200; Expires=Thu, 11 Dec 2025 01:39:55 GMT;"
                + " Path=/tea; HttpOnly");

    Decision coffeeFirst = coffeeLb.pick(withCookies(null));
    assertThat(setCookie(coffeeFirst))
        .matches(
            "srv_id="
                + TOKEN
                + "; Max-Age=3600; Expires=Thu, 11 Dec 2025 00:39:55 GMT;"
                + " Path=/coffee; HttpOnly");

    String cookie = cookiePair(first);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(10));
      Decision next = teaLb.pick(withCookies(cookie));
      assertThat(next.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(id(next)).isEqualTo(id(first));
      assertThat(next.responseHeaders()).isEmpty();
    }
    // Same cookie name, another upstream: the tea session means nothing to coffee.
    assertThat(coffeeLb.pick(withCookies(cookie)).reason()).isEqualTo(Decision.Reason.NEW_SESSION);
  }

  /** NGINX Ingress: "works even in the case where you have more than one replica". */
  @Test
  void replicasWithTheSameConfigurationDecideTheSame() {
    SessionPersistence config =
        SessionPersistence.cookie("srv_id")
            .attributes(CookieAttributes.builder().path("/tea").build())
            .secrets(SECRET)
            .build();
    LoadBalancer replicaA =
        LoadBalancer.builder(StickyFixtures.upstream("tea", 5))
            .affinity(config.toAffinity())
            .build();
    LoadBalancer replicaB =
        LoadBalancer.builder(StickyFixtures.upstream("tea", 5))
            .affinity(config.toAffinity())
            .build();
    for (int i = 0; i < 20; i++) {
      Decision started = (i % 2 == 0 ? replicaA : replicaB).pick(withCookies(null));
      String cookie = cookiePair(started);
      Decision onA = replicaA.pick(withCookies(cookie));
      Decision onB = replicaB.pick(withCookies(cookie));
      assertThat(id(onA)).isEqualTo(id(started));
      assertThat(id(onB)).isEqualTo(id(started));
      assertThat(onA.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(onB.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    }
  }

  /** NGINX Gateway Fabric: the {@code tea} route's {@code cookie-tea}, Permanent, 24 h. */
  @Test
  void nginxGatewayFabricCookieTeaSticksFiveRequestsToOnePod() {
    TestClock clock = new TestClock(Instant.parse("2025-12-10T01:39:55Z"));
    Upstream tea =
        Upstream.of(
            "default_tea_80_tea_default_0",
            Backend.of("tea-859766c68c-cnb8n", "10.244.0.93", 8080),
            Backend.of("tea-859766c68c-x2kqp", "10.244.0.97", 8080));
    SessionPersistence cookieTea =
        SessionPersistence.cookie("cookie-tea")
            .absoluteTimeout(Duration.ofHours(24))
            .lifetime(Lifetime.PERMANENT)
            .attributes(CookieAttributes.builder().path("/tea").build()) // Exact /tea
            .secrets(SECRET)
            .clock(clock)
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(tea)
            .selector(dev.lbkit.core.Selector.randomTwoLeastConn())
            .affinity(cookieTea.toAffinity())
            .build();

    Decision first = lb.pick(withCookies(null));
    lb.report(first, dev.lbkit.core.Outcome.SUCCESS);
    assertThat(setCookie(first))
        .matches(
            "cookie-tea="
                + TOKEN
                + "; Max-Age=86400; Expires=Thu, 11 Dec 2025 01:39:55 GMT;"
                + " Path=/tea; HttpOnly");
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(withCookies(cookiePair(first)));
      lb.report(d, dev.lbkit.core.Outcome.SUCCESS);
      // random two least_conn could land five times on one of two pods by chance (1 in 32):
      // the reason says the cookie chose, not the selector.
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      servers.add(d.backend().authority());
    }
    assertThat(servers).containsExactly(first.backend().authority());
  }

  /** NGINX Gateway Fabric's {@code latte}: no session persistence, so requests spread. */
  @Test
  void aRouteWithoutPersistenceSpreads() {
    Upstream latte = StickyFixtures.upstream("latte", 2);
    LoadBalancer lb = LoadBalancer.of(latte);
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      Decision d = lb.pick(withCookies("cookie-tea=whatever; other=1"));
      assertThat(d.reason()).isEqualTo(Decision.Reason.BALANCED);
      assertThat(d.responseHeaders()).isEmpty();
      lb.report(d, dev.lbkit.core.Outcome.SUCCESS);
      servers.add(id(d));
    }
    assertThat(servers).containsExactlyInAnyOrder("latte-0", "latte-1");
  }

  /** kgateway {@code Session-A}: a Permanent cookie with a 10 s absolute timeout on /path-A. */
  @Test
  void kgatewaySessionACookieExpiresAfterItsAbsoluteTimeout() {
    TestClock clock = new TestClock(Instant.parse("2025-06-01T12:00:00Z"));
    SessionPersistence sessionA =
        SessionPersistence.cookie("Session-A")
            .absoluteTimeout(Duration.ofSeconds(10))
            .lifetime(Lifetime.PERMANENT)
            .attributes(CookieAttributes.builder().path("/path-A").build()) // PathPrefix
            .secrets(SECRET)
            .clock(clock)
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(StickyFixtures.upstream("backend", 4))
            .affinity(sessionA.toAffinity())
            .build();

    Decision first = lb.pick(withCookies(null));
    assertThat(setCookie(first))
        .matches(
            "Session-A="
                + TOKEN
                + "; Max-Age=10; Expires=Sun, 01 Jun 2025 12:00:10 GMT;"
                + " Path=/path-A; HttpOnly");
    String cookie = cookiePair(first);
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofSeconds(1));
      Decision d = lb.pick(withCookies(cookie));
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(id(d)).isEqualTo(id(first));
    }
    clock.advance(Duration.ofSeconds(1));
    Decision expired = lb.pick(withCookies(cookie));
    assertThat(expired.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(setCookie(expired)).contains("; Max-Age=10;");
  }

  /** kgateway {@code Session-B}: a header session with a 10 s idle timeout on /path-B. */
  @Test
  void kgatewaySessionBHeaderSlidesWithItsIdleTimeout() {
    TestClock clock = new TestClock(Instant.parse("2025-06-01T12:00:00Z"));
    SessionPersistence sessionB =
        SessionPersistence.header("Session-B")
            .idleTimeout(Duration.ofSeconds(10))
            .secrets(SECRET)
            .clock(clock)
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(StickyFixtures.upstream("backend", 4))
            .affinity(sessionB.toAffinity())
            .build();

    Decision first = lb.pick(request(Map.of(), false));
    String token = header(first, "Session-B");
    assertThat(token).matches(TOKEN);
    assertThat(setCookie(first)).isNull();

    // Every response renews the idle timeout, so a session used every 9 s lives on.
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(9));
      Decision d = lb.pick(request(Map.of("session-b", token), false));
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(id(d)).isEqualTo(id(first));
      String renewed = header(d, "Session-B");
      assertThat(renewed).matches(TOKEN).isNotEqualTo(token);
      token = renewed;
    }
    clock.advance(Duration.ofSeconds(11));
    Decision idle = lb.pick(request(Map.of("Session-B", token), false));
    assertThat(idle.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(header(idle, "Session-B")).matches(TOKEN);
  }

  /** kgateway: a Session cookie with a 30 min idle timeout survives a gateway restart. */
  @Test
  void kgatewaySessionCookieSurvivesARestart() {
    TestClock clock = new TestClock(Instant.parse("2025-06-01T12:00:00Z"));
    SessionPersistence httpbin =
        SessionPersistence.cookie("Session-A")
            .idleTimeout(Duration.ofMinutes(30))
            .lifetime(Lifetime.SESSION)
            .secrets(SECRET)
            .clock(clock)
            .build();
    Decision first =
        LoadBalancer.builder(StickyFixtures.upstream("httpbin", 2))
            .affinity(httpbin.toAffinity())
            .build()
            .pick(withCookies(null));
    assertThat(setCookie(first)).matches("Session-A=" + TOKEN + "; Path=/; HttpOnly");

    clock.advance(Duration.ofMinutes(5));
    LoadBalancer restarted =
        LoadBalancer.builder(StickyFixtures.upstream("httpbin", 2))
            .affinity(httpbin.toAffinity())
            .build();
    for (int i = 0; i < 10; i++) {
      Decision d = restarted.pick(withCookies(cookiePair(first)));
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(id(d)).isEqualTo(id(first));
    }
  }
}
