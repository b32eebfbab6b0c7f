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
import dev.lbkit.core.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;

/** Taking over live sessions from NGINX {@code sticky cookie} and ingress-nginx. */
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
