package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lbkit.cookie.SessionPersistence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad configuration is an {@link IllegalArgumentException} with a message, never another exception,
 * whatever the input.
 */
class ConfigParsersProperties {
  private static <T> T parsesOrRefuses(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    } catch (RuntimeException e) {
      return fail("not an IllegalArgumentException", e);
    }
  }

  @Provide
  Arbitrary<String> directiveLike() {
    Arbitrary<String> words =
        Arbitraries.of(
            "sticky",
            "cookie",
            "srv_id",
            "expires=1h",
            "expires=max",
            "expires=",
            "path=/a",
            "path=",
            "domain=x",
            "samesite=none",
            "samesite=$v",
            "secure",
            "httponly",
            "hash",
            "$remote_addr",
            "${arg_x}",
            "$http_x_y$cookie_z",
            "consistent",
            "ip_hash",
            "random",
            "two",
            "least_conn",
            "least_time",
            "\"",
            "'a b'",
            ";",
            "$",
            "${",
            "=",
            "round_robin");
    return Arbitraries.oneOf(
        words.list().ofMaxSize(7).map(list -> String.join(" ", list)),
        Arbitraries.strings().all().ofMaxLength(40));
  }

  @Property(tries = 400)
  void nginxDirectives(@ForAll("directiveLike") String directive) {
    SessionPersistence sp = parsesOrRefuses(() -> NginxConfig.parseSticky(directive));
    if (sp != null) {
      assertThat(NginxConfig.words(directive).get(2)).isEqualTo(sp.name());
    }
    LoadBalancingMethod m = parsesOrRefuses(() -> NginxConfig.parseMethod(directive));
    if (m != null) {
      assertThat(m.selector()).isNotNull();
    }
    parsesOrRefuses(() -> VirtualServerConfig.lbMethod(directive));
    LoadBalancingMethod named = parsesOrRefuses(() -> LoadBalancingMethod.of(directive, null));
    if (named != null) {
      // What a method and key name, the method named by its own directive names again.
      assertThat(LoadBalancingMethod.of(named.directive(), null)).isEqualTo(named);
    }
    parsesOrRefuses(() -> LoadBalancingMethod.of(directive, directive));
    parsesOrRefuses(() -> GatewayFabricConfig.loadBalancingMethod(directive, null));
  }

  @Provide
  Arbitrary<Map<String, String>> ingressAnnotations() {
    Arbitrary<String> keys =
        Arbitraries.of(
                "affinity",
                "affinity-mode",
                "affinity-canary-behavior",
                "session-cookie-name",
                "session-cookie-path",
                "session-cookie-domain",
                "session-cookie-samesite",
                "session-cookie-conditional-samesite-none",
                "session-cookie-secure",
                "session-cookie-expires",
                "session-cookie-max-age",
                "session-cookie-change-on-failure",
                "upstream-hash-by",
                "load-balance",
                "canary",
                "canary-weight",
                "canary-weight-total",
                "session-cookie-x",
                "rewrite-target")
            .map(k -> IngressNginxConfig.PREFIX + k);
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                "cookie",
                "balanced",
                "persistent",
                "legacy",
                "sticky",
                "true",
                "false",
                "None",
                "lax",
                "172800",
                "0",
                "-1",
                "/tea",
                "tea",
                "$request_uri",
                "round_robin",
                "50",
                "999999999999999"),
            Arbitraries.strings().all().ofMaxLength(12));
    return Arbitraries.maps(keys, values).ofMaxSize(6);
  }

  @Property(tries = 400)
  void ingressNginxAnnotations(@ForAll("ingressAnnotations") Map<String, String> annotations) {
    parsesOrRefuses(
        () -> IngressNginxConfig.fromAnnotations(annotations, "/tea", "default-tea-80"));
    parsesOrRefuses(() -> VoyagerConfig.sessionPersistence(annotations, Map.of()));
  }

  @Provide
  Arbitrary<Map<String, Object>> sessionPersistenceMaps() {
    Arbitrary<Object> leaves =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Cookie",
                "Header",
                "Permanent",
                "Session",
                "10s",
                "1h30m",
                "1500ms",
                "0s",
                "s",
                "/tea",
                "tea",
                "",
                "x y"),
            Arbitraries.integers().between(-2, 3).map(i -> (Object) i),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.of(List.of(), List.of("a")).map(l -> (Object) l));
    Arbitrary<String> innerKeys = Arbitraries.of("name", "lifetimeType", "path", "other");
    Arbitrary<Object> inner = Arbitraries.maps(innerKeys, leaves).ofMaxSize(3).map(m -> (Object) m);
    Arbitrary<String> keys =
        Arbitraries.of(
            "sessionName",
            "type",
            "absoluteTimeout",
            "idleTimeout",
            "cookieConfig",
            "cookie",
            "header",
            "unknown");
    return Arbitraries.maps(keys, Arbitraries.oneOf(leaves, inner))
        .ofMaxSize(5)
        .map(m -> new LinkedHashMap<String, Object>(m));
  }

  @Property(tries = 400)
  void gatewayApiSessionPersistence(@ForAll("sessionPersistenceMaps") Map<String, Object> sp) {
    parsesOrRefuses(() -> GatewayApiConfig.sessionPersistence(sp));
    parsesOrRefuses(
        () -> GatewayFabricConfig.ruleSessionPersistence(Map.of("sessionPersistence", sp)));
    parsesOrRefuses(() -> VirtualServerConfig.sessionCookie(sp));
    parsesOrRefuses(() -> GatewayFabricConfig.upstreamSettings(sp));
  }
}
