package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressNginxConfigTest {
  private static final String P = "nginx.ingress.kubernetes.io/";

  private static Map<String, String> annotations(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static SessionPersistence.CookieBuilder ingressDefaults(String name) {
    return SessionPersistence.cookie(name)
        .mode(SessionPersistence.Mode.BALANCED)
        .refresh(SessionPersistence.Refresh.ON_CHANGE)
        .changeOnFailure(false);
  }

  // The nginx-test Ingress of the ingress-nginx sticky sessions example.
  @Test
  void stickySessionsExample() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(
            annotations(
                P + "affinity", "cookie",
                P + "session-cookie-name", "INGRESSCOOKIE",
                P + "session-cookie-expires", "172800",
                P + "session-cookie-max-age", "172800"),
            "/",
            null);
    assertThat(config.sessionPersistence())
        .isEqualTo(
            ingressDefaults("INGRESSCOOKIE")
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .absoluteTimeout(Duration.ofSeconds(172_800))
                .build());
    assertThat(config.method()).isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(config.canaryBehavior()).isEqualTo(TrafficSplit.CanaryBehavior.STICKY);
    assertThat(config.canary()).isFalse();
  }

  @Test
  void theExampleCookieInARealLoadBalancer() {
    SessionPersistence sp =
        IngressNginxConfig.fromAnnotations(
                annotations(P + "affinity", "cookie", P + "session-cookie-max-age", "172800"))
            .sessionPersistence()
            .toBuilder()
            .secrets("0123456789abcdef0123456789abcdef")
            .build();
    Upstream svc =
        Upstream.of(
            "nginx-service", Backend.of("a", "10.0.0.1", 80), Backend.of("b", "10.0.0.2", 80));
    LoadBalancer lb = LoadBalancer.builder(svc).affinity(sp.toAffinity()).build();
    Decision first = lb.pick(Requests.cookie(null));
    String setCookie = first.responseHeaders().get(0).value();
    assertThat(setCookie)
        .startsWith("INGRESSCOOKIE=")
        .contains("Max-Age=172800")
        .contains("Path=/")
        .contains("HttpOnly");
    String pair = setCookie.substring(0, setCookie.indexOf(';'));
    Decision again = lb.pick(Requests.cookie(pair));
    assertThat(again.backend()).isEqualTo(first.backend());
    assertThat(again.responseHeaders()).isEmpty(); // ingress-nginx sets it once
  }

  @Test
  void defaultsWithAffinityAlone() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(annotations(P + "affinity", "cookie"));
    assertThat(config.sessionPersistence()).isEqualTo(ingressDefaults("INGRESSCOOKIE").build());
    assertThat(config.sessionPersistence().cookieAttributes())
        .isEqualTo(CookieAttributes.ofDefaults());
  }

  @Test
  void everyOption() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(
            annotations(
                P + "affinity", "cookie",
                P + "affinity-mode", "persistent",
                P + "affinity-canary-behavior", "legacy",
                P + "session-cookie-name", "route",
                P + "session-cookie-path", "/shop",
                P + "session-cookie-domain", "example.com",
                P + "session-cookie-samesite", "None",
                P + "session-cookie-conditional-samesite-none", "true",
                P + "session-cookie-secure", "true",
                P + "session-cookie-expires", "3600",
                P + "session-cookie-max-age", "7200",
                P + "session-cookie-change-on-failure", "true"),
            "/ignored-because-path-is-set",
            "default-shop-80");
    assertThat(config.sessionPersistence())
        .isEqualTo(
            SessionPersistence.cookie("route")
                .mode(SessionPersistence.Mode.PERSISTENT)
                .refresh(SessionPersistence.Refresh.ON_CHANGE)
                .attributes(
                    CookieAttributes.builder()
                        .path("/shop")
                        .domain("example.com")
                        .sameSite(CookieAttributes.SameSite.NONE)
                        .omitSameSiteNoneForIncompatibleClients(true)
                        .secure(CookieAttributes.Secure.ALWAYS)
                        .build())
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .absoluteTimeout(Duration.ofSeconds(7200)) // Max-Age wins over Expires
                .changeOnFailure(true)
                .legacyCookies(LegacyCookie.ingressNginxPersistent("default-shop-80"))
                .build());
    assertThat(config.canaryBehavior()).isEqualTo(TrafficSplit.CanaryBehavior.LEGACY);
  }

  @Test
  void expiresAloneMakesAPermanentCookie() {
    assertThat(
            IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie", P + "session-cookie-expires", "600"))
                .sessionPersistence()
                .absoluteTimeout())
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void cookiePathDefaultsToTheMatchedIngressPath() {
    assertThat(
            IngressNginxConfig.fromAnnotations(annotations(P + "affinity", "cookie"), "/tea/", null)
                .sessionPersistence()
                .cookieAttributes()
                .path())
        .isEqualTo("/tea");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie"), "/tea/[a-z]+", null))
        .hasMessageStartingWith("Ingress path: route path: /tea/[a-z]+ (expected: a literal path");
  }

  @Test
  void legacyCookiesOnlyInPersistentMode() {
    assertThat(
            IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie"), null, "default-tea-80")
                .sessionPersistence()
                .legacyCookies())
        .isEmpty();
  }

  @Test
  void bareKeysAsAnInitParamWouldWriteThem() {
    assertThat(
            IngressNginxConfig.fromAnnotations(
                annotations("affinity", "cookie", "session-cookie-name", "JSESSIONROUTE")))
        .isEqualTo(
            IngressNginxConfig.fromAnnotations(
                annotations(P + "affinity", "cookie", P + "session-cookie-name", "JSESSIONROUTE")));
    assertThatThrownBy(() -> IngressNginxConfig.fromAnnotations(annotations("sticky", "true")))
        .hasMessageStartingWith(
            "annotation \"sticky\": unknown (expected one of: affinity, affinity-mode,");
  }

  @Test
  void upstreamHashBy() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(annotations(P + "upstream-hash-by", "$request_uri"));
    assertThat(config.sessionPersistence()).isNull();
    assertThat(config.method().directive()).isEqualTo("hash $request_uri consistent");
    assertThat(
            IngressNginxConfig.fromAnnotations(
                    annotations(P + "upstream-hash-by", "$http_x_user$arg_tenant"))
                .method()
                .directive())
        .isEqualTo("hash $http_x_user$arg_tenant consistent");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "upstream-hash-by", "$binary_remote_addr")))
        .hasMessageContaining("$binary_remote_addr is not supported");
  }

  @Test
  void upstreamHashByIsIgnoredWithCookieAffinityAsIngressNginxDoes() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(
            annotations(P + "affinity", "cookie", P + "upstream-hash-by", "$remote_addr"));
    assertThat(config.method()).isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(config.sessionPersistence()).isNotNull();
  }

  @Test
  void canaryWeight() {
    IngressNginxConfig canary =
        IngressNginxConfig.fromAnnotations(
            annotations(P + "canary", "true", P + "canary-weight", "10"));
    assertThat(canary.canary()).isTrue();
    assertThat(canary.canaryWeight()).isEqualTo(10);
    assertThat(canary.canaryWeightTotal()).isEqualTo(100);
    assertThat(canary.toString()).contains("canary 10/100");
    IngressNginxConfig total =
        IngressNginxConfig.fromAnnotations(
            annotations(
                P + "canary", "true", P + "canary-weight", "5", P + "canary-weight-total", "1000"));
    assertThat(total.canaryWeightTotal()).isEqualTo(1000);
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "canary", "true", P + "canary-weight", "101")))
        .hasMessage(
            "annotation \""
                + P
                + "canary-weight\": \"101\" (expected: 0..100"
                + " (canary-weight-total))");
  }

  @Test
  void otherAnnotationsAreLeftAlone() {
    IngressNginxConfig config =
        IngressNginxConfig.fromAnnotations(
            annotations(
                P + "rewrite-target",
                "/$1",
                P + "ssl-redirect",
                "false",
                "kubernetes.io/ingress.class",
                "nginx",
                "ingress.appscode.com/sticky-session",
                "true"));
    assertThat(config.sessionPersistence()).isNull();
    assertThat(config.method()).isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(config)
        .isEqualTo(IngressNginxConfig.fromAnnotations(Map.of()))
        .hasSameHashCodeAs(IngressNginxConfig.fromAnnotations(Map.of()));
    assertThat(config)
        .hasToString("IngressNginxConfig{no affinity, method=round_robin, canaryBehavior=STICKY}");
  }

  @Test
  void badValues() {
    assertThatThrownBy(() -> IngressNginxConfig.fromAnnotations(annotations(P + "affinity", "ip")))
        .hasMessage(
            "annotation \""
                + P
                + "affinity\": \"ip\" (expected: cookie, the only affinity"
                + " ingress-nginx and lbkit support here)");
    assertThatThrownBy(
            () -> IngressNginxConfig.fromAnnotations(annotations(P + "affinity-mode", "sticky")))
        .hasMessage(
            "annotation \"" + P + "affinity-mode\": \"sticky\" (expected: balanced or persistent)");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity-canary-behavior", "always")))
        .hasMessage(
            "annotation \""
                + P
                + "affinity-canary-behavior\": \"always\" (expected: sticky or legacy)");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie", P + "session-cookie-max-age", "2d")))
        .hasMessage(
            "annotation \""
                + P
                + "session-cookie-max-age\": \"2d\" (expected: a whole number from 1"
                + " to 2147483647)");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie", P + "session-cookie-expires", "0")))
        .hasMessageStartingWith("annotation \"" + P + "session-cookie-expires\": \"0\"");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie", P + "session-cookie-secure", "yes")))
        .hasMessage(
            "annotation \""
                + P
                + "session-cookie-secure\": \"yes\" (expected: \"true\" or \"false\")");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(
                        P + "affinity", "cookie", P + "session-cookie-samesite", "Sometimes")))
        .hasMessage(
            "annotation \""
                + P
                + "session-cookie-samesite\": \"Sometimes\" (expected: None, Lax or"
                + " Strict)");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(
                        P + "affinity", "cookie",
                        P + "session-cookie-conditional-samesite-none", "true")))
        .hasMessageStartingWith(
            "annotation \"" + P + "session-cookie-conditional-samesite-none\": \"true\"");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "affinity", "cookie", P + "session-cookie-name", "a b")))
        .hasMessageStartingWith(
            "annotations of " + P + "affinity: cookie: name: \"a b\" (expected: RFC 6265 token");
    assertThatThrownBy(
            () -> IngressNginxConfig.fromAnnotations(annotations(P + "load-balance", "ewma")))
        .hasMessageStartingWith(
            "annotation \""
                + P
                + "load-balance\": \"ewma\" (not supported, because it weighs"
                + " backends by measured latency");
    assertThatThrownBy(
            () -> IngressNginxConfig.fromAnnotations(annotations(P + "load-balance", "fastest")))
        .hasMessage(
            "annotation \""
                + P
                + "load-balance\": \"fastest\" (expected: round_robin or ewma (ewma"
                + " is not supported))");
  }

  @Test
  void numbersBeyondAnIntAreRefused() {
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "canary-weight-total", "99999999999")))
        .hasMessage(
            "annotation \""
                + P
                + "canary-weight-total\": \"99999999999\" (expected: a whole number"
                + " from 1 to 2147483647)");
  }

  @Test
  void unknownAndUnsupportedAnnotationsOfTheFamilies() {
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(annotations(P + "session-cookie-maxage", "10")))
        .hasMessageStartingWith(
            "annotation \""
                + P
                + "session-cookie-maxage\": unknown (expected one of: affinity,"
                + " affinity-mode, affinity-canary-behavior, session-cookie-name,");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(
                    annotations(P + "upstream-hash-by-subset", "true")))
        .hasMessageStartingWith(
            "annotation \""
                + P
                + "upstream-hash-by-subset\": not supported, because subset"
                + " hashing");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(annotations(P + "canary-by-header", "X-Canary")))
        .hasMessage(
            "annotation \""
                + P
                + "canary-by-header\": not supported, because lbkit splits traffic"
                + " by weight only; route on the header before the split");
    assertThatThrownBy(
            () ->
                IngressNginxConfig.fromAnnotations(annotations(P + "session-cookie-hash", "sha1")))
        .hasMessageStartingWith("annotation \"" + P + "session-cookie-hash\": not supported");
  }
}
