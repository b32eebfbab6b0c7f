package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookiePair;
import static dev.lbkit.cookie.StickyFixtures.cookieValue;
import static dev.lbkit.cookie.StickyFixtures.id;
import static dev.lbkit.cookie.StickyFixtures.setCookie;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Decision.Reason;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Taking over live sessions from NGINX {@code sticky cookie}, ingress-nginx and Spring Cloud
 * LoadBalancer.
 */
class LegacyCookieTest {
  private static final String INGRESS_UPSTREAM = "default-nginx-service-80";

  private static Upstream ngfTea() {
    return Upstream.of(
        "tea",
        Backend.of("tea-859766c68c-cnb8n", "10.244.0.93", 8080),
        Backend.of("tea-859766c68c-x2kqp", "10.244.0.97", 8080));
  }

  private static LoadBalancer lb(Upstream upstream, LegacyCookie... legacy) {
    SessionPersistence config =
        SessionPersistence.cookie("cookie-tea").secrets(SECRET).legacyCookies(legacy).build();
    return LoadBalancer.builder(upstream).affinity(config.toAffinity()).build();
  }

  @Test
  void readsTheNginxCookieOfTheGatewayFabricWalkthroughAndReissuesIt() {
    LoadBalancer lb = lb(ngfTea(), LegacyCookie.nginxSticky());
    // The walkthrough's cookie: the MD5 of "10.244.0.93:8080", the pod that answered.
    Decision d = lb.pick(withCookies("cookie-tea=2878e97a4c7a8406b791aa0bd0b2f145"));
    assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(d.backend().authority()).isEqualTo("10.244.0.93:8080");
    assertThat(cookieValue(setCookie(d))).matches("[A-Za-z0-9_-]{36}");

    Decision next = lb.pick(withCookies(cookiePair(d)));
    assertThat(next.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(next.backend().authority()).isEqualTo("10.244.0.93:8080");
    assertThat(next.responseHeaders()).isEmpty();

    assertThat(lb.pick(withCookies("cookie-tea=" + md5("10.244.0.97:8080"))).backend().authority())
        .isEqualTo("10.244.0.97:8080");
  }

  @Test
  void readsNginxRouteValues() {
    Upstream up =
        Upstream.of(
            "app",
            Backend.of("a", "10.0.0.1", 80).withRoute("a"),
            Backend.of("b", "10.0.0.2", 80).withRoute("b"));
    Decision d = lb(up, LegacyCookie.nginxSticky()).pick(withCookies("cookie-tea=b"));
    assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(d)).isEqualTo("b");
  }

  @Test
  void legacyValuesAreIgnoredUnlessEnabledOrUnknown() {
    assertThat(
            lb(ngfTea()).pick(withCookies("cookie-tea=2878e97a4c7a8406b791aa0bd0b2f145")).reason())
        .isEqualTo(Reason.NEW_SESSION);
    assertThat(
            lb(ngfTea(), LegacyCookie.nginxSticky())
                .pick(withCookies("cookie-tea=" + md5("10.244.0.1:8080")))
                .reason())
        .isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void readsIngressNginxPersistentValuesWithAndWithoutTheUpstreamSuffix() {
    Upstream up = StickyFixtures.upstream("svc", 3);
    LoadBalancer lb = lb(up, LegacyCookie.ingressNginxPersistent(INGRESS_UPSTREAM));
    String node = md5(INGRESS_UPSTREAM + "10.0.0.2:8080");
    String suffix = md5(md5(INGRESS_UPSTREAM) + INGRESS_UPSTREAM);

    Decision withSuffix = lb.pick(withCookies("cookie-tea=" + node + "|" + suffix));
    assertThat(withSuffix.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(withSuffix)).isEqualTo("svc-1");
    assertThat(setCookie(withSuffix)).isNotNull();

    assertThat(id(lb.pick(withCookies("cookie-tea=" + node)))).isEqualTo("svc-1");
    // A suffix of another ingress-nginx upstream (a canary) is not ours.
    String otherSuffix = md5(md5("default-canary-80") + "default-canary-80");
    assertThat(lb.pick(withCookies("cookie-tea=" + node + "|" + otherSuffix)).reason())
        .isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void aLegacySessionOfADownBackendMovesDeterministically() {
    Upstream up = StickyFixtures.upstream("svc", 4);
    LoadBalancer lb = lb(up, LegacyCookie.nginxSticky());
    up.setState("svc-2", BackendState.DOWN);
    String cookie = "cookie-tea=" + md5("10.0.0.3:8080");
    Decision moved = lb.pick(withCookies(cookie));
    assertThat(moved.reason()).isEqualTo(Reason.REBALANCED_DOWN);
    assertThat(setCookie(moved)).isNotNull();
    for (int i = 0; i < 5; i++) {
      assertThat(id(lb.pick(withCookies(cookie)))).isEqualTo(id(moved));
    }
  }

  @Test
  void anLbkitTokenWinsOverALegacyValue() {
    LoadBalancer lb = lb(ngfTea(), LegacyCookie.nginxSticky());
    Decision fresh = lb.pick(withCookies(null));
    String other =
        id(fresh).equals("tea-859766c68c-cnb8n") ? "10.244.0.97:8080" : "10.244.0.93:8080";
    Decision d = lb.pick(withCookies("cookie-tea=" + md5(other) + "; " + cookiePair(fresh)));
    assertThat(id(d)).isEqualTo(id(fresh));
  }

  @Test
  void valueSemanticsAndChecks() {
    assertThat(LegacyCookie.nginxSticky()).isEqualTo(LegacyCookie.nginxSticky());
    assertThat(LegacyCookie.ingressNginxPersistent("a"))
        .isEqualTo(LegacyCookie.ingressNginxPersistent("a"))
        .hasSameHashCodeAs(LegacyCookie.ingressNginxPersistent("a"))
        .isNotEqualTo(LegacyCookie.ingressNginxPersistent("b"));
    assertThat(LegacyCookie.ingressNginxPersistent("a").toString())
        .isEqualTo("LegacyCookie.ingressNginxPersistent(a)");
    assertThatThrownBy(() -> LegacyCookie.ingressNginxPersistent(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upstreamName");
  }

  private static LoadBalancer springLb(Upstream upstream, LegacyCookie spring) {
    SessionPersistence config =
        SessionPersistence.cookie("lbkit").secrets(SECRET).legacyCookies(spring).build();
    return LoadBalancer.builder(upstream).affinity(config.toAffinity()).build();
  }

  /** Every {@code Set-Cookie} of a decision, in order. */
  private static List<String> setCookies(Decision decision) {
    List<String> values = new ArrayList<>();
    for (ResponseHeader h : decision.responseHeaders()) {
      if (h.name().equalsIgnoreCase("Set-Cookie")) {
        values.add(h.value());
      }
    }
    return values;
  }

  @Test
  void readsTheSpringInstanceIdCookieReissuesItAndExpiresIt() {
    LoadBalancer lb = springLb(StickyFixtures.upstream("svc", 3), LegacyCookie.springInstanceId());
    Decision d = lb.pick(withCookies("theme=dark; sc-lb-instance-id=svc-1; lang=en"));
    assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(d)).isEqualTo("svc-1");
    List<String> setCookies = setCookies(d);
    assertThat(setCookies).hasSize(2);
    assertThat(setCookies.get(0)).matches("lbkit=[A-Za-z0-9_-]{36}; Path=/; HttpOnly");
    assertThat(setCookies.get(1)).isEqualTo("sc-lb-instance-id=; Path=/; Max-Age=0");

    String lbkit = setCookies.get(0).substring(0, setCookies.get(0).indexOf(';'));
    Decision next = lb.pick(withCookies(lbkit));
    assertThat(next.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(next)).isEqualTo("svc-1");
    assertThat(next.responseHeaders()).isEmpty();
    // A client that kept the legacy cookie: ours wins, and nothing is re-issued or expired again.
    Decision both = lb.pick(withCookies("sc-lb-instance-id=svc-1; " + lbkit));
    assertThat(id(both)).isEqualTo("svc-1");
    assertThat(both.responseHeaders()).isEmpty();
  }

  @Test
  void aSpringInstanceIdBindsInBalancedModeToo() {
    SessionPersistence config =
        SessionPersistence.cookie("lbkit")
            .mode(SessionPersistence.Mode.BALANCED)
            .secrets(SECRET)
            .legacyCookies(LegacyCookie.springInstanceId())
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(StickyFixtures.upstream("svc", 5))
            .affinity(config.toAffinity())
            .build();
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(withCookies("sc-lb-instance-id=svc-" + i));
      assertThat(id(d)).isEqualTo("svc-" + i);
      Decision next = lb.pick(withCookies(setCookies(d).get(0).split(";", 2)[0]));
      assertThat(id(next)).isEqualTo("svc-" + i);
      assertThat(next.responseHeaders()).isEmpty();
    }
  }

  @Test
  void aSpringSessionOfADownBackendMovesAndIsStillMigrated() {
    Upstream up = StickyFixtures.upstream("svc", 4);
    LoadBalancer lb = springLb(up, LegacyCookie.springInstanceId());
    up.setState("svc-2", BackendState.DOWN);
    Decision moved = lb.pick(withCookies("sc-lb-instance-id=svc-2"));
    assertThat(moved.reason()).isEqualTo(Reason.REBALANCED_DOWN);
    assertThat(id(moved)).isNotEqualTo("svc-2");
    assertThat(setCookies(moved))
        .hasSize(2)
        .last()
        .isEqualTo("sc-lb-instance-id=; Path=/; Max-Age=0");
    for (int i = 0; i < 5; i++) {
      assertThat(id(lb.pick(withCookies("sc-lb-instance-id=svc-2")))).isEqualTo(id(moved));
    }
  }

  @Test
  void unknownOversizedOrMalformedSpringValuesAreNoSession() {
    String longId = "svc-" + "x".repeat(300);
    Upstream up =
        Upstream.of(
            "svc",
            Backend.of("svc-0", "10.0.0.1", 8080),
            Backend.of("svc-1", "10.0.0.2", 8080),
            Backend.of(longId, "10.0.0.3", 8080));
    LoadBalancer lb = springLb(up, LegacyCookie.springInstanceId());
    for (String header :
        List.of(
            "sc-lb-instance-id=svc-9",
            "sc-lb-instance-id=",
            "sc-lb-instance-id=svc-1x",
            "sc-lb-instance-id=SVC-1",
            "sc-lb-instance-id=" + "svc-1".repeat(2_000),
            "sc-lb-instance-id=" + longId,
            "sc-lb-instance-id svc-1",
            "sc-lb-instance-idsvc-1",
            "xsc-lb-instance-id=svc-1",
            "SC-LB-INSTANCE-ID=svc-1",
            "sc-lb-instance-id=\"svc-1",
            "sc-lb-instance-id=svc-1\"",
            ";;=; sc-lb-instance-id; =svc-1; ;",
            "lbkit=svc-1")) {
      Decision d = lb.pick(withCookies(header));
      assertThat(d.reason()).as(header).isEqualTo(Reason.NEW_SESSION);
      // Only the new session's cookie: an unused legacy cookie is left alone.
      assertThat(setCookies(d)).as(header).hasSize(1).allMatch(c -> c.startsWith("lbkit="));
    }
    // Duplicates: the first value that names a backend binds, the others are ignored.
    assertThat(id(lb.pick(withCookies("sc-lb-instance-id=nope; sc-lb-instance-id=\"svc-1\""))))
        .isEqualTo("svc-1");
  }

  @Test
  void anLbkitTokenWinsOverAConflictingSpringCookie() {
    LoadBalancer lb = springLb(StickyFixtures.upstream("svc", 3), LegacyCookie.springInstanceId());
    Decision fresh = lb.pick(withCookies(null));
    String other = id(fresh).equals("svc-0") ? "svc-1" : "svc-0";
    Decision d = lb.pick(withCookies("sc-lb-instance-id=" + other + "; " + cookiePair(fresh)));
    assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(d)).isEqualTo(id(fresh));
    assertThat(d.responseHeaders()).isEmpty();
  }

  @Test
  void aCustomSpringCookieNameIsReadAndTheDefaultIsNot() {
    LoadBalancer lb =
        springLb(StickyFixtures.upstream("svc", 3), LegacyCookie.springInstanceId("SVC_ROUTE"));
    Decision d = lb.pick(withCookies("SVC_ROUTE=svc-2"));
    assertThat(id(d)).isEqualTo("svc-2");
    assertThat(setCookies(d)).last().isEqualTo("SVC_ROUTE=; Path=/; Max-Age=0");
    assertThat(lb.pick(withCookies("sc-lb-instance-id=svc-2")).reason())
        .isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void aSpringCookieOfTheSessionsOwnNameIsReplacedNotExpired() {
    SessionPersistence config =
        SessionPersistence.cookie("sc-lb-instance-id")
            .secrets(SECRET)
            .legacyCookies(LegacyCookie.springInstanceId())
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(StickyFixtures.upstream("svc", 3))
            .affinity(config.toAffinity())
            .build();
    Decision d = lb.pick(withCookies("sc-lb-instance-id=svc-1"));
    assertThat(id(d)).isEqualTo("svc-1");
    // An expiry of the same name would delete the token that replaces the value.
    assertThat(cookieValue(setCookie(d))).matches("[A-Za-z0-9_-]{36}");
    assertThat(id(lb.pick(withCookies(cookiePair(d))))).isEqualTo("svc-1");
  }

  @Test
  void springCookiesOfSeveralNamesAndOtherFormatsTogether() {
    Upstream up = StickyFixtures.upstream("svc", 3);
    SessionPersistence config =
        SessionPersistence.cookie("lbkit")
            .secrets(SECRET)
            .legacyCookies(
                LegacyCookie.nginxSticky(),
                LegacyCookie.springInstanceId(),
                LegacyCookie.springInstanceId("old-lb"))
            .build();
    LoadBalancer lb = LoadBalancer.builder(up).affinity(config.toAffinity()).build();
    assertThat(id(lb.pick(withCookies("lbkit=" + md5("10.0.0.1:8080"))))).isEqualTo("svc-0");
    assertThat(setCookies(lb.pick(withCookies("lbkit=" + md5("10.0.0.1:8080"))))).hasSize(1);
    // A backend id is not an nginx value, nor an nginx value a Spring one.
    assertThat(lb.pick(withCookies("lbkit=svc-1")).reason()).isEqualTo(Reason.NEW_SESSION);
    assertThat(lb.pick(withCookies("sc-lb-instance-id=" + md5("10.0.0.1:8080"))).reason())
        .isEqualTo(Reason.NEW_SESSION);
    Decision old = lb.pick(withCookies("old-lb=svc-2"));
    assertThat(id(old)).isEqualTo("svc-2");
    assertThat(setCookies(old)).last().isEqualTo("old-lb=; Path=/; Max-Age=0");
    assertThat(id(lb.pick(withCookies("sc-lb-instance-id=svc-1")))).isEqualTo("svc-1");
  }

  @Test
  void springCookieNamesAreChecked() {
    for (String bad : List.of("", "a b", "a;b", "a=b", "caf\u00e9", "\"q\"", "a,b")) {
      assertThatThrownBy(() -> LegacyCookie.springInstanceId(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "cookieName: \"%s\" (expected: RFC 6265 token characters: letters, digits and"
                  + " !#$%%&'*+-.^_`|~, e.g. sc-lb-instance-id)",
              bad);
    }
    assertThatThrownBy(() -> LegacyCookie.springInstanceId(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("cookieName");
    assertThat(LegacyCookie.springInstanceId("__Host-x~1").cookieName()).isEqualTo("__Host-x~1");
  }

  @Test
  void springValueSemantics() {
    LegacyCookie spring = LegacyCookie.springInstanceId();
    assertThat(spring.format()).isEqualTo(LegacyCookie.Format.SPRING_INSTANCE_ID);
    assertThat(spring.cookieName()).isEqualTo(LegacyCookie.SPRING_COOKIE_NAME);
    assertThat(spring.upstreamName()).isNull();
    assertThat(spring)
        .isEqualTo(LegacyCookie.springInstanceId("sc-lb-instance-id"))
        .hasSameHashCodeAs(LegacyCookie.springInstanceId("sc-lb-instance-id"))
        .isNotEqualTo(LegacyCookie.springInstanceId("other"))
        .isNotEqualTo(LegacyCookie.nginxSticky());
    assertThat(LegacyCookie.springInstanceId("a"))
        .isEqualTo(LegacyCookie.springInstanceId("a"))
        .hasSameHashCodeAs(LegacyCookie.springInstanceId("a"));
    assertThat(LegacyCookie.springInstanceId("a").hashCode())
        .isNotEqualTo(LegacyCookie.springInstanceId("b").hashCode());
    assertThat(spring).hasToString("LegacyCookie.springInstanceId(sc-lb-instance-id)");
    assertThat(LegacyCookie.springInstanceId("x")).hasToString("LegacyCookie.springInstanceId(x)");
    assertThat(LegacyCookie.nginxSticky().cookieName()).isNull();
    assertThat(LegacyCookie.ingressNginxPersistent("a").cookieName()).isNull();

    assertThatThrownBy(
            () ->
                SessionPersistence.cookie("a")
                    .legacyCookies(spring, LegacyCookie.springInstanceId("sc-lb-instance-id"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("legacyCookies: [LegacyCookie.springInstanceId(sc-lb-instance-id),");
    SessionPersistence two =
        SessionPersistence.cookie("a")
            .secrets(SECRET)
            .legacyCookies(spring, LegacyCookie.springInstanceId("b"))
            .build();
    assertThat(two.legacyCookies()).containsExactly(spring, LegacyCookie.springInstanceId("b"));
    assertThat(two.toBuilder().build()).isEqualTo(two);
    assertThat(two.toString())
        .contains(
            "legacyCookies=[LegacyCookie.springInstanceId(sc-lb-instance-id),"
                + " LegacyCookie.springInstanceId(b)]");
  }

  static String md5(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : digest) {
        sb.append(String.format(java.util.Locale.ROOT, "%02x", b & 0xff));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
