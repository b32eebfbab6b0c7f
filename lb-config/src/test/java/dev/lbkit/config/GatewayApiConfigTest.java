package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayApiConfigTest {
  private static Map<String, Object> pathMatch(String type, String value) {
    return Map.of("path", Map.of("type", type, "value", value));
  }

  // kgateway's guide: /path-A with a Permanent cookie, /path-B with a header.
  @Test
  void kgatewaySessionACookie() {
    Map<String, Object> rule =
        Map.of(
            "matches", List.of(pathMatch("PathPrefix", "/path-A")),
            "backendRefs", List.of(Map.of("name", "backend", "port", 3000)),
            "sessionPersistence",
                Map.of(
                    "sessionName", "Session-A",
                    "type", "Cookie",
                    "absoluteTimeout", "10s",
                    "cookieConfig", Map.of("lifetimeType", "Permanent")));
    assertThat(GatewayApiConfig.ruleSessionPersistence(rule))
        .isEqualTo(
            SessionPersistence.cookie("Session-A")
                .absoluteTimeout(Duration.ofSeconds(10))
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .attributes(CookieAttributes.builder().path("/path-A").build())
                .build());
    assertThat(GatewayApiConfig.backendRefs(rule))
        .containsExactly(new GatewayApiConfig.BackendRef("backend", null, 3000, 1));
  }

  @Test
  void kgatewaySessionBHeader() {
    SessionPersistence b =
        GatewayApiConfig.sessionPersistence(
            Map.of("sessionName", "Session-B", "type", "Header", "idleTimeout", "10s"));
    assertThat(b)
        .isEqualTo(
            SessionPersistence.header("Session-B").idleTimeout(Duration.ofSeconds(10)).build());
    assertThat(b.refresh()).isEqualTo(SessionPersistence.Refresh.EVERY_RESPONSE);
  }

  @Test
  void kgatewayHttpbinSessionCookieWithIdleTimeout() {
    Map<String, Object> rule =
        Map.of(
            "backendRefs", List.of(Map.of("name", "httpbin", "port", 8000)),
            "sessionPersistence",
                Map.of(
                    "sessionName", "Session-A",
                    "type", "Cookie",
                    "idleTimeout", "30m",
                    "cookieConfig", Map.of("lifetimeType", "Session")));
    SessionPersistence sp = GatewayApiConfig.ruleSessionPersistence(rule);
    assertThat(sp)
        .isEqualTo(
            SessionPersistence.cookie("Session-A").idleTimeout(Duration.ofMinutes(30)).build());
    assertThat(sp.cookieAttributes().path()).isEqualTo("/");
    assertThat(sp.lifetime()).isEqualTo(SessionPersistence.Lifetime.SESSION);
  }

  // NGINX Gateway Fabric's guide: the tea route, Exact /tea, Permanent 24h.
  @Test
  void ngfCookieTeaRule() {
    Map<String, Object> rule =
        Map.of(
            "matches", List.of(pathMatch("Exact", "/tea")),
            "backendRefs", List.of(Map.of("name", "tea", "port", 80)),
            "sessionPersistence",
                Map.of(
                    "sessionName", "cookie-tea",
                    "type", "Cookie",
                    "absoluteTimeout", "24h",
                    "cookieConfig", Map.of("lifetimeType", "Permanent")));
    SessionPersistence sp = GatewayApiConfig.ruleSessionPersistence(rule);
    assertThat(sp.name()).isEqualTo("cookie-tea");
    assertThat(sp.cookieAttributes().path()).isEqualTo("/tea");
    assertThat(sp.absoluteTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(sp.lifetime()).isEqualTo(SessionPersistence.Lifetime.PERMANENT);
    assertThat(sp.mode()).isEqualTo(SessionPersistence.Mode.PERSISTENT);
    assertThat(sp.cookieAttributes().httpOnly()).isTrue();
    assertThat(sp.cookieAttributes().secure())
        .isEqualTo(CookieAttributes.Secure.WHEN_REQUEST_SECURE);
  }

  @Test
  void aParsedSessionStartsAndKeepsSessionsInARealLoadBalancer() {
    SessionPersistence sp =
        GatewayApiConfig.sessionPersistence(
                Map.of(
                    "sessionName",
                    "cookie-tea",
                    "absoluteTimeout",
                    "24h",
                    "cookieConfig",
                    Map.of("lifetimeType", "Permanent")))
            .toBuilder()
            .secrets("0123456789abcdef0123456789abcdef")
            .build();
    Upstream tea =
        Upstream.of(
            "tea",
            Backend.of("tea-1", "10.244.0.93", 8080),
            Backend.of("tea-2", "10.244.0.97", 8080));
    LoadBalancer lb = LoadBalancer.builder(tea).affinity(sp.toAffinity()).build();
    Decision first = lb.pick(Requests.cookie(null));
    assertThat(first.responseHeaders()).hasSize(1);
    String setCookie = first.responseHeaders().get(0).value();
    assertThat(setCookie).startsWith("cookie-tea=").contains("Max-Age=86400");
    String pair = setCookie.substring(0, setCookie.indexOf(';'));
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(Requests.cookie(pair));
      assertThat(d.backend()).isEqualTo(first.backend());
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    }
  }

  @Test
  void defaults() {
    SessionPersistence sp = GatewayApiConfig.sessionPersistence(Map.of());
    assertThat(sp)
        .isEqualTo(SessionPersistence.cookie(GatewayApiConfig.DEFAULT_SESSION_NAME).build());
    assertThat(GatewayApiConfig.sessionPersistence(Map.of("type", "Header")))
        .isEqualTo(SessionPersistence.header("lbkit-session").build());
    assertThat(GatewayApiConfig.ruleSessionPersistence(Map.of("backendRefs", List.of()))).isNull();
  }

  @Test
  void newerShapeCookie() {
    SessionPersistence sp =
        GatewayApiConfig.sessionPersistence(
            Map.of(
                "type", "Cookie",
                "absoluteTimeout", "1h30m",
                "idleTimeout", "10m",
                "cookie", Map.of("name", "shop", "lifetimeType", "Permanent", "path", "/cart")));
    assertThat(sp)
        .isEqualTo(
            SessionPersistence.cookie("shop")
                .absoluteTimeout(Duration.ofMinutes(90))
                .idleTimeout(Duration.ofMinutes(10))
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .attributes(CookieAttributes.builder().path("/cart").build())
                .build());
  }

  @Test
  void newerShapeCookiePathDefaultsToRootEvenInARule() {
    Map<String, Object> rule =
        Map.of(
            "matches", List.of(pathMatch("PathPrefix", "/tea")),
            "sessionPersistence", Map.of("cookie", Map.of("name", "tea")));
    assertThat(GatewayApiConfig.ruleSessionPersistence(rule).cookieAttributes().path())
        .isEqualTo("/");
  }

  @Test
  void newerShapeHeader() {
    assertThat(
            GatewayApiConfig.sessionPersistence(
                Map.of("type", "Header", "header", Map.of("name", "X-Session"))))
        .isEqualTo(SessionPersistence.header("X-Session").build());
  }

  @Test
  void cookiePathFromTheRuleMatches() {
    assertThat(pathOf(List.of(pathMatch("PathPrefix", "/tea/")))).isEqualTo("/tea");
    assertThat(pathOf(List.of(pathMatch("PathPrefix", "/tea"), pathMatch("Exact", "/tea/green"))))
        .isEqualTo("/tea");
    assertThat(
            pathOf(
                List.of(pathMatch("PathPrefix", "/shop/tea"), pathMatch("Exact", "/shop/coffee"))))
        .isEqualTo("/shop");
    assertThat(pathOf(List.of(pathMatch("PathPrefix", "/tea"), pathMatch("PathPrefix", "/teapot"))))
        .isEqualTo("/");
    assertThat(pathOf(List.of(pathMatch("RegularExpression", "/tea/[a-z]+")))).isEqualTo("/");
    assertThat(pathOf(List.of(Map.of("headers", List.of()))))
        .isEqualTo("/"); // PathPrefix / default
    assertThat(pathOf(List.of())).isEqualTo("/");
  }

  private static String pathOf(List<Map<String, Object>> matches) {
    return GatewayApiConfig.ruleSessionPersistence(
            Map.of("matches", matches, "sessionPersistence", Map.of("sessionName", "s")))
        .cookieAttributes()
        .path();
  }

  @Test
  void commonSegmentPrefix() {
    assertThat(GatewayApiConfig.commonSegmentPrefix("/a/b", "/a/b")).isEqualTo("/a/b");
    assertThat(GatewayApiConfig.commonSegmentPrefix("/a/b", "/a/b/c")).isEqualTo("/a/b");
    assertThat(GatewayApiConfig.commonSegmentPrefix("/a/bc", "/a/bd")).isEqualTo("/a");
    assertThat(GatewayApiConfig.commonSegmentPrefix("/a", "/b")).isEqualTo("/");
    assertThat(GatewayApiConfig.commonSegmentPrefix("/", "/b")).isEqualTo("/");
  }

  @Test
  void backendRefsWithWeights() {
    Map<String, Object> rule =
        Map.of(
            "backendRefs",
            List.of(
                Map.of("name", "tea-v1", "port", 80, "weight", 90),
                Map.of("name", "tea-v2", "namespace", "canary", "port", "80", "weight", "10"),
                Map.of("name", "tea-v3", "weight", 0)));
    assertThat(GatewayApiConfig.backendRefs(rule))
        .containsExactly(
            new GatewayApiConfig.BackendRef("tea-v1", null, 80, 90),
            new GatewayApiConfig.BackendRef("tea-v2", "canary", 80, 10),
            new GatewayApiConfig.BackendRef("tea-v3", null, null, 0));
    assertThatThrownBy(
            () ->
                GatewayApiConfig.backendRefs(
                    Map.of("backendRefs", List.of(Map.of("name", "a", "weight", 1_000_001)))))
        .hasMessage("rule.backendRefs[0].weight: 1000001 (expected: a whole number 0..1000000)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.backendRefs(
                    Map.of("backendRefs", List.of(Map.of("name", "a", "weight", -1)))))
        .hasMessage("rule.backendRefs[0].weight: -1 (expected: a whole number 0..1000000)");
    assertThatThrownBy(
            () -> GatewayApiConfig.backendRefs(Map.of("backendRefs", List.of(Map.of("port", 80)))))
        .hasMessage("rule.backendRefs[0].name: absent (expected: the backend's name)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.backendRefs(
                    Map.of("backendRefs", List.of(Map.of("name", "a", "port", 0)))))
        .hasMessage("rule.backendRefs[0].port: 0 (expected: a port number 1..65535)");
  }

  @Test
  void celRulePermanentRequiresAbsoluteTimeout() {
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of(
                        "sessionName", "s", "cookieConfig", Map.of("lifetimeType", "Permanent"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sessionPersistence.cookieConfig.lifetimeType: \"Permanent\" (expected: an"
                + " absoluteTimeout too, which sets the cookie's Max-Age; the Gateway API requires"
                + " it for Permanent)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of("cookie", Map.of("name", "s", "lifetimeType", "Permanent"))))
        .hasMessageStartingWith("sessionPersistence.cookie.lifetimeType: \"Permanent\"");
  }

  @Test
  void celRuleCookieConfigOnlyWithCookie() {
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of("type", "Header", "cookieConfig", Map.of("lifetimeType", "Session"))))
        .hasMessage(
            "sessionPersistence.cookieConfig: set with type Header (expected: cookieConfig only"
                + " with type Cookie)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of("type", "Header", "cookie", Map.of("name", "s"))))
        .hasMessage(
            "sessionPersistence.cookie: set with type Header (expected: cookie only with type"
                + " Cookie)");
  }

  @Test
  void celRuleHeaderOnlyWithHeader() {
    assertThatThrownBy(
            () -> GatewayApiConfig.sessionPersistence(Map.of("header", Map.of("name", "X-S"))))
        .hasMessage(
            "sessionPersistence.header: set with type Cookie (expected: header only with type"
                + " Header)");
    assertThatThrownBy(
            () -> GatewayApiConfig.sessionPersistence(Map.of("type", "Header", "header", Map.of())))
        .hasMessage("sessionPersistence.header.name: absent (expected: the header name)");
  }

  @Test
  void badValues() {
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("type", "cookie")))
        .hasMessage("sessionPersistence.type: \"cookie\" (expected: Cookie or Header)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of("cookieConfig", Map.of("lifetimeType", "Forever"))))
        .hasMessage(
            "sessionPersistence.cookieConfig.lifetimeType: \"Forever\" (expected: Permanent or"
                + " Session)");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("absoluteTimeout", "1d")))
        .hasMessageStartingWith(
            "sessionPersistence.absoluteTimeout: \"1d\" (expected: a Gateway" + " API duration");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("idleTimeout", "1500ms")))
        .hasMessage(
            "sessionPersistence.idleTimeout: \"1500ms\" (expected: whole seconds, at least 1s;"
                + " lbkit's session tokens count seconds)");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("idleTimeout", "0s")))
        .hasMessageStartingWith("sessionPersistence.idleTimeout: \"0s\" (expected: whole seconds");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("sessionName", "a b")))
        .hasMessageStartingWith("sessionPersistence: name: \"a b\" (expected: RFC 6265 token");
    assertThatThrownBy(
            () -> GatewayApiConfig.sessionPersistence(Map.of("sessionName", "x".repeat(129))))
        .hasMessage("sessionPersistence.sessionName: 129 characters (expected: at most 128)");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("sessionName", "")))
        .hasMessage("sessionPersistence.sessionName: \"\" (expected: a non-empty string)");
    assertThatThrownBy(
            () -> GatewayApiConfig.sessionPersistence(Map.of("cookie", Map.of("path", "tea"))))
        .hasMessage(
            "sessionPersistence.cookie.path: \"tea\" (expected: an absolute path starting with /)");
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("cookieConfig", "Session")))
        .hasMessage("sessionPersistence.cookieConfig: \"Session\" (expected: an object)");
  }

  @Test
  void unknownKeysListTheKnownOnes() {
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(Map.of("sesionName", "s")))
        .hasMessage(
            "sessionPersistence: unknown key \"sesionName\" (expected one of: sessionName, type,"
                + " absoluteTimeout, idleTimeout, cookieConfig, cookie, header)");
    assertThatThrownBy(
            () ->
                GatewayApiConfig.sessionPersistence(
                    Map.of("cookieConfig", Map.of("lifetime", "Session"))))
        .hasMessage(
            "sessionPersistence.cookieConfig: unknown key \"lifetime\" (expected one of:"
                + " lifetimeType)");
    assertThatThrownBy(
            () -> GatewayApiConfig.sessionPersistence(Map.of("cookie", Map.of("domain", "x"))))
        .hasMessage(
            "sessionPersistence.cookie: unknown key \"domain\" (expected one of: name,"
                + " lifetimeType, path)");
  }

  @Test
  void bothShapesAtOnceIsAnError() {
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("sessionName", "a");
    mixed.put("cookie", Map.of("name", "b"));
    assertThatThrownBy(() -> GatewayApiConfig.sessionPersistence(mixed))
        .hasMessage(
            "sessionPersistence: both v1.x fields (sessionName, cookieConfig) and newer ones"
                + " (cookie, header) (expected: one shape: sessionName and cookieConfig, or cookie"
                + " and header)");
  }
}
