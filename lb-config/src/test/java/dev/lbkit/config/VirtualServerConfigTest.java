package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualServerConfigTest {
  // The cafe VirtualServer of the NGINX Ingress Controller guide, as a YAML library reads it.
  private static final Map<String, Object> TEA =
      Map.of(
          "name",
          "tea",
          "service",
          "tea-svc",
          "port",
          80,
          "sessionCookie",
          Map.of("enable", true, "name", "srv_id", "path", "/tea", "expires", "2h"));
  private static final Map<String, Object> COFFEE =
      Map.of(
          "name",
          "coffee",
          "service",
          "coffee-svc",
          "port",
          80,
          "sessionCookie",
          Map.of("enable", true, "name", "srv_id", "path", "/coffee", "expires", "1h"));

  private static SessionPersistence.CookieBuilder sticky(String name) {
    return SessionPersistence.cookie(name)
        .refresh(SessionPersistence.Refresh.EVERY_RESPONSE)
        .attributes(nginxAttributes().build())
        .legacyCookies(LegacyCookie.nginxSticky());
  }

  private static CookieAttributes.Builder nginxAttributes() {
    return CookieAttributes.builder().httpOnly(false).secure(CookieAttributes.Secure.NEVER);
  }

  @Test
  void cafeTeaAndCoffee() {
    VirtualServerConfig.UpstreamSettings tea = VirtualServerConfig.upstream(TEA);
    VirtualServerConfig.UpstreamSettings coffee = VirtualServerConfig.upstream(COFFEE);
    assertThat(tea.name()).isEqualTo("tea");
    assertThat(tea.method().directive()).isEqualTo("random two least_conn");
    assertThat(tea.sessionPersistence())
        .isEqualTo(
            sticky("srv_id")
                .attributes(nginxAttributes().path("/tea").build())
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .idleTimeout(Duration.ofHours(2))
                .build());
    assertThat(coffee.sessionPersistence())
        .isEqualTo(
            sticky("srv_id")
                .attributes(nginxAttributes().path("/coffee").build())
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .idleTimeout(Duration.ofHours(1))
                .build());
  }

  @Test
  void theTeaCookieInARealLoadBalancer() {
    SessionPersistence sp =
        VirtualServerConfig.upstream(TEA).sessionPersistence().toBuilder()
            .secrets("0123456789abcdef0123456789abcdef")
            .build();
    Upstream tea =
        Upstream.of(
            "tea", Backend.of("tea-1", "10.0.0.1", 80), Backend.of("tea-2", "10.0.0.2", 80));
    LoadBalancer lb = LoadBalancer.builder(tea).affinity(sp.toAffinity()).build();
    Decision first = lb.pick(Requests.request(null, "/tea"));
    String setCookie = first.responseHeaders().get(0).value();
    assertThat(setCookie).startsWith("srv_id=").contains("Path=/tea").contains("Max-Age=7200");
    assertThat(setCookie).doesNotContain("HttpOnly").doesNotContain("Secure");
    String pair = setCookie.substring(0, setCookie.indexOf(';'));
    Decision again = lb.pick(Requests.request(pair, "/tea"));
    assertThat(again.backend()).isEqualTo(first.backend());
    assertThat(again.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    // As NGINX Plus, every response renews the two hours.
    assertThat(again.responseHeaders().get(0).value())
        .startsWith("srv_id=")
        .contains("Max-Age=7200");
  }

  @Test
  void everySessionCookieOption() {
    Map<String, Object> cookie = new LinkedHashMap<>();
    cookie.put("enable", "true");
    cookie.put("name", "srv_id");
    cookie.put("path", "/");
    cookie.put("expires", "max");
    cookie.put("domain", ".example.com");
    cookie.put("httpOnly", true);
    cookie.put("secure", true);
    cookie.put("samesite", "none");
    assertThat(VirtualServerConfig.sessionCookie(cookie))
        .isEqualTo(
            sticky("srv_id")
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .idleTimeout(Duration.ofSeconds(315_360_000L))
                .attributes(
                    nginxAttributes()
                        .domain(".example.com")
                        .httpOnly(true)
                        .secure(CookieAttributes.Secure.ALWAYS)
                        .sameSite(CookieAttributes.SameSite.NONE)
                        .build())
                .build());
    assertThat(VirtualServerConfig.sessionCookie(Map.of("enable", true, "name", "a")))
        .isEqualTo(sticky("a").build());
    assertThat(
            VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "samesite", "Strict"))
                .cookieAttributes()
                .sameSite())
        .isEqualTo(CookieAttributes.SameSite.STRICT);
  }

  @Test
  void disabledOrAbsentMeansNoSessionPersistence() {
    assertThat(VirtualServerConfig.sessionCookie(Map.of("enable", false, "name", "a"))).isNull();
    assertThat(VirtualServerConfig.sessionCookie(Map.of("name", "a"))).isNull();
    assertThat(
            VirtualServerConfig.upstream(
                    Map.of("name", "latte", "service", "latte-svc", "port", 80))
                .sessionPersistence())
        .isNull();
  }

  @Test
  void lbMethods() {
    assertThat(VirtualServerConfig.lbMethod("round_robin"))
        .isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(VirtualServerConfig.lbMethod("least_conn").directive()).isEqualTo("least_conn");
    assertThat(VirtualServerConfig.lbMethod("ip_hash").directive()).isEqualTo("ip_hash");
    assertThat(VirtualServerConfig.lbMethod("random two least_conn").directive())
        .isEqualTo(VirtualServerConfig.DEFAULT_LB_METHOD);
    assertThatThrownBy(() -> VirtualServerConfig.lbMethod("hash $request_id consistent"))
        .hasMessageStartingWith("lb-method key: \"$request_id\" ($request_id is not supported");
    assertThatThrownBy(() -> VirtualServerConfig.lbMethod("fastest"))
        .hasMessage(
            "lb-method: \"fastest\" (expected: round_robin, ip_hash, hash KEY, hash KEY consistent,"
                + " least_conn, random, random two, random two least_conn)");
  }

  @Test
  void upstreamLbMethod() {
    assertThat(
            VirtualServerConfig.upstream(
                    Map.of("name", "tea", "lb-method", "hash $remote_addr consistent"))
                .method()
                .directive())
        .isEqualTo("hash $remote_addr consistent");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.upstream(
                    Map.of("name", "tea", "lb-method", "least_time header")))
        .hasMessageStartingWith(
            "upstream tea.lb-method: \"least_time header\" (least_time is not supported");
  }

  @Test
  void badValues() {
    assertThatThrownBy(() -> VirtualServerConfig.sessionCookie(Map.of("enable", true)))
        .hasMessage(
            "sessionCookie.name: absent (expected: the cookie name, required when enable is true)");
    assertThatThrownBy(() -> VirtualServerConfig.sessionCookie(Map.of("enable", "yes")))
        .hasMessage("sessionCookie.enable: \"yes\" (expected: true or false)");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "expires", "2 hours")))
        .hasMessageStartingWith(
            "sessionCookie.expires: \"2 hours\" (expected: max, or an nginx time");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "samesite", "none")))
        .hasMessage(
            "sessionCookie.samesite: \"none\" (expected: secure: true too; browsers reject"
                + " SameSite=None cookies that are not Secure)");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "samesite", "always")))
        .hasMessage("sessionCookie.samesite: \"always\" (expected: strict, lax or none)");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "domain", "$host")))
        .hasMessageStartingWith(
            "sessionCookie.domain: \"$host\" (nginx variables are not supported");
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(
                    Map.of("enable", true, "name", "a", "httpOnly", 1)))
        .hasMessage("sessionCookie.httpOnly: 1 (expected: true or false)");
    assertThatThrownBy(() -> VirtualServerConfig.upstream(Map.of("service", "tea-svc")))
        .hasMessage("upstream.name: absent (expected: the upstream's name)");
  }

  @Test
  void unknownKeysListTheKnownOnes() {
    assertThatThrownBy(
            () ->
                VirtualServerConfig.sessionCookie(Map.of("enable", true, "name", "a", "maxAge", 1)))
        .hasMessage(
            "sessionCookie: unknown key \"maxAge\" (expected one of: enable, name, path, expires,"
                + " domain, httpOnly, secure, samesite)");
    assertThatThrownBy(
            () -> VirtualServerConfig.upstream(Map.of("name", "tea", "lbMethod", "least_conn")))
        .hasMessageStartingWith(
            "upstream: unknown key \"lbMethod\" (expected one of: name, service,");
  }

  @Test
  void upstreamIgnoresItsOtherKnownFields() {
    Map<String, Object> upstream = new LinkedHashMap<>(TEA);
    upstream.put("max-fails", 3);
    upstream.put("keepalive", 32);
    upstream.put("healthCheck", Map.of("enable", true));
    assertThat(VirtualServerConfig.upstream(upstream)).isEqualTo(VirtualServerConfig.upstream(TEA));
    assertThat(VirtualServerConfig.upstream(TEA).toString())
        .startsWith("UpstreamSettings[name=tea,");
  }
}
