package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class NginxConfigTest {
  private static SessionPersistence.CookieBuilder nginxDefaults(String name) {
    return SessionPersistence.cookie(name)
        .refresh(SessionPersistence.Refresh.EVERY_RESPONSE)
        .attributes(nginxAttributes().build())
        .legacyCookies(LegacyCookie.nginxSticky());
  }

  private static CookieAttributes.Builder nginxAttributes() {
    return CookieAttributes.builder().httpOnly(false).secure(CookieAttributes.Secure.NEVER);
  }

  // The directive NGINX Gateway Fabric generates for the cookie-tea route.
  @Test
  void ngfGeneratedStickyCookie() {
    assertThat(NginxConfig.parseSticky("sticky cookie cookie-tea expires=24h path=/tea;"))
        .isEqualTo(
            nginxDefaults("cookie-tea")
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .idleTimeout(Duration.ofHours(24))
                .attributes(nginxAttributes().path("/tea").build())
                .build());
  }

  @Test
  void everyStickyOption() {
    SessionPersistence sp =
        NginxConfig.parseSticky(
            "  sticky cookie srv_id expires=1h domain=.example.com httponly samesite=None secure"
                + " path=/shop ;");
    assertThat(sp)
        .isEqualTo(
            nginxDefaults("srv_id")
                .lifetime(SessionPersistence.Lifetime.PERMANENT)
                .idleTimeout(Duration.ofHours(1))
                .attributes(
                    nginxAttributes()
                        .domain(".example.com")
                        .httpOnly(true)
                        .sameSite(CookieAttributes.SameSite.NONE)
                        .secure(CookieAttributes.Secure.ALWAYS)
                        .path("/shop")
                        .build())
                .build());
    assertThat(
            NginxConfig.parseSticky("sticky cookie a samesite=strict")
                .cookieAttributes()
                .sameSite())
        .isEqualTo(CookieAttributes.SameSite.STRICT);
    assertThat(
            NginxConfig.parseSticky("sticky cookie a samesite=Lax").cookieAttributes().sameSite())
        .isEqualTo(CookieAttributes.SameSite.LAX);
    assertThat(NginxConfig.parseSticky("sticky cookie a 'path=/a'").cookieAttributes().path())
        .isEqualTo("/a");
  }

  @Test
  void stickyWithoutParametersIsABrowserSessionCookie() {
    SessionPersistence sp = NginxConfig.parseSticky("sticky cookie srv_id");
    assertThat(sp).isEqualTo(nginxDefaults("srv_id").build());
    assertThat(sp.lifetime()).isEqualTo(SessionPersistence.Lifetime.SESSION);
    assertThat(sp.absoluteTimeout()).isNull();
    assertThat(sp.idleTimeout()).isNull();
    assertThat(sp.mode()).isEqualTo(SessionPersistence.Mode.PERSISTENT);
    assertThat(sp.changeOnFailure()).isTrue();
  }

  @Test
  void expiresMaxIsTenYearsAsNginx() {
    SessionPersistence sp = NginxConfig.parseSticky("sticky cookie srv_id expires=max");
    assertThat(sp.idleTimeout()).isEqualTo(Duration.ofSeconds(315_360_000L));
    // nginx renews the cookie with every response: a sliding lifetime, no absolute cap.
    assertThat(sp.absoluteTimeout()).isNull();
    assertThat(sp.refresh()).isEqualTo(SessionPersistence.Refresh.EVERY_RESPONSE);
    assertThat(sp.lifetime()).isEqualTo(SessionPersistence.Lifetime.PERMANENT);
    assertThat(NginxConfig.parseSticky("sticky cookie a expires=1d12h").idleTimeout())
        .isEqualTo(Duration.ofHours(36));
  }

  @Test
  void badStickyDirectives() {
    assertThatThrownBy(() -> NginxConfig.parseSticky("ip_hash;"))
        .hasMessage("sticky: \"ip_hash;\" (expected: a directive starting with sticky cookie)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky"))
        .hasMessage("sticky: no method (expected: sticky cookie NAME ...)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie;"))
        .hasMessage("sticky cookie: no name (expected: sticky cookie NAME ...)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky route $route_cookie $route_uri;"))
        .hasMessageStartingWith("sticky route: not supported, because nginx takes the route");
    assertThatThrownBy(
            () ->
                NginxConfig.parseSticky(
                    "sticky learn create=$upstream_cookie_examplecookie lookup=$cookie_examplecookie"
                        + " zone=client_sessions:1m;"))
        .hasMessageStartingWith("sticky learn: a server-side session table, not a cookie session");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky header X-Session;"))
        .hasMessage("sticky: method \"header\" (expected: cookie)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a max_age=10"))
        .hasMessage(
            "sticky cookie a: unknown parameter \"max_age=10\" (expected: expires=TIME|max,"
                + " domain=D, path=P, samesite=strict|lax|none, httponly, secure)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a expires=soon"))
        .hasMessageStartingWith(
            "sticky cookie a expires: \"soon\" (expected: max, or an nginx time");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a expires=0"))
        .hasMessageStartingWith(
            "sticky cookie a expires: \"0\" (expected: whole seconds, at least 1s");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a samesite=sometimes"))
        .hasMessage("sticky cookie a samesite: \"sometimes\" (expected: strict, lax or none)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a samesite=$samesite"))
        .hasMessageStartingWith(
            "sticky cookie a samesite: \"$samesite\" (nginx variables are not supported here,"
                + " because lbkit sets cookie attributes when it is configured");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a domain=$host"))
        .hasMessageStartingWith(
            "sticky cookie a domain: \"$host\" (nginx variables are not supported");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a samesite=none"))
        .hasMessage(
            "sticky cookie a: samesite=none without secure (expected: secure too; browsers reject"
                + " SameSite=None cookies that are not Secure)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a secure secure"))
        .hasMessage(
            "sticky cookie a: \"secure\" given twice (expected: each parameter at most once)");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a path="))
        .hasMessage("sticky cookie a path: \"\" (expected: a value after '=')");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a path=shop"))
        .hasMessageStartingWith("sticky cookie a: path");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie \"a b"))
        .hasMessage("directive: \"sticky cookie \"a b\" (expected: closing \")");
    assertThatThrownBy(() -> NginxConfig.parseSticky("sticky cookie a;b"))
        .hasMessageStartingWith("sticky cookie a;b: name: \"a;b\"");
  }

  // --- methods -------------------------------------------------------------------------------

  private final Upstream upstream =
      Upstream.of(
          "u",
          Backend.of("a", "10.0.0.1", 8080),
          Backend.of("b", "10.0.0.2", 8080),
          Backend.of("c", "10.0.0.3", 8080),
          Backend.of("d", "10.0.0.4", 8080));

  private static RequestContext request(
      @Nullable String client, Map<String, String> headers, String path, @Nullable String query) {
    return RequestContext.builder()
        .clientAddress(client == null ? null : IpAddress.parse(client))
        .headers(
            name -> {
              for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                  return e.getValue();
                }
              }
              return null;
            })
        .path(path)
        .query(query)
        .build();
  }

  private String pick(Selector selector, RequestContext request) {
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(selector).build();
    Decision d = lb.pick(request);
    lb.report(d, Outcome.SUCCESS);
    return d.backend().id();
  }

  /** The parsed method picks exactly as the lb-hash selector it stands for, over many keys. */
  private void assertSameAs(
      String line, Selector expected, Function<Integer, RequestContext> requests) {
    LoadBalancingMethod method = NginxConfig.parseMethod(line);
    LoadBalancer parsed = LoadBalancer.builder(upstream).selector(method.selector()).build();
    LoadBalancer direct = LoadBalancer.builder(upstream).selector(expected).build();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Decision a = parsed.pick(requests.apply(i));
      Decision b = direct.pick(requests.apply(i));
      assertThat(a.backend()).as("%s request %s", line, i).isEqualTo(b.backend());
      seen.add(a.backend().id());
      parsed.report(a, Outcome.SUCCESS);
      direct.report(b, Outcome.SUCCESS);
    }
    assertThat(seen).as("%s spreads keys", line).hasSizeGreaterThan(1);
  }

  @Test
  void ipHash() {
    LoadBalancingMethod m = NginxConfig.parseMethod("ip_hash;");
    assertThat(m.directive()).isEqualTo("ip_hash");
    assertSameAs(
        "ip_hash;",
        HashSelectors.ipHash(),
        i -> request("10." + i + ".7." + (i % 250), Map.of(), "/", null));
    // nginx ip_hash: the first three octets decide.
    assertThat(pick(m.selector(), request("192.0.2.10", Map.of(), "/", null)))
        .isEqualTo(pick(m.selector(), request("192.0.2.250", Map.of(), "/", null)));
  }

  @Test
  void hashByVariables() {
    assertSameAs(
        "hash $remote_addr;",
        HashSelectors.hash(KeyExtractor.clientAddress()),
        i -> request("10.0." + i + ".1", Map.of(), "/", null));
    assertSameAs(
        "hash $http_x_user;",
        HashSelectors.hash(KeyExtractor.header("X-User")),
        i -> request(null, Map.of("x-user", "user" + i), "/", null));
    assertSameAs(
        "hash $cookie_tenant;",
        HashSelectors.hash(KeyExtractor.cookie("tenant")),
        i -> request(null, Map.of("Cookie", "a=b; tenant=t" + i), "/", null));
    assertSameAs(
        "hash $arg_id;",
        HashSelectors.hash(KeyExtractor.queryParameter("id")),
        i -> request(null, Map.of(), "/", "x=1&id=" + i));
    assertSameAs(
        "hash $uri;",
        HashSelectors.hash(KeyExtractor.path()),
        i -> request(null, Map.of(), "/p/" + i, "q=1"));
    assertSameAs(
        "hash $request_uri;",
        HashSelectors.hash(r -> r.path() + "?" + r.query()),
        i -> request(null, Map.of(), "/p", "id=" + i));
    assertSameAs(
        "hash \"$host$uri\";",
        HashSelectors.hash(r -> "example.com" + r.path()),
        i -> request(null, Map.of("Host", "Example.COM:8443"), "/p/" + i, null));
    assertSameAs(
        "hash tenant-${arg_t}-x;",
        HashSelectors.hash(r -> "tenant-" + r.queryParameter("t") + "-x"),
        i -> request(null, Map.of(), "/", "t=" + i));
  }

  @Test
  void hashConsistentPlacesBackendsByHostAndPortAsNginx() {
    LoadBalancingMethod m = NginxConfig.parseMethod("hash $http_x_user consistent;");
    assertThat(m.directive()).isEqualTo("hash $http_x_user consistent");
    assertSameAs(
        "hash $http_x_user consistent",
        HashSelectors.hashConsistent(
            KeyExtractor.header("X-User"),
            HashOptions.builder().backendKey(BackendKey.authority()).build()),
        i -> request(null, Map.of("X-User", "user" + i), "/", null));
  }

  @Test
  void plainMethods() {
    assertThat(NginxConfig.parseMethod("least_conn;").directive()).isEqualTo("least_conn");
    assertThat(NginxConfig.parseMethod("random").directive()).isEqualTo("random");
    assertThat(NginxConfig.parseMethod("random two;").directive())
        .isEqualTo("random two least_conn");
    assertThat(NginxConfig.parseMethod("random two least_conn;"))
        .isEqualTo(NginxConfig.parseMethod("random   two"));
    assertThat(NginxConfig.parseMethod("least_conn").selector().toString())
        .isEqualTo(Selector.leastConn().toString());
    assertThat(NginxConfig.parseMethod("random two").selector().toString())
        .isEqualTo(Selector.randomTwoLeastConn().toString());
    // Each parses into a selector that a real load balancer can use.
    for (String line : new String[] {"least_conn;", "random;", "random two least_conn;"}) {
      assertThat(pick(NginxConfig.parseMethod(line).selector(), request(null, Map.of(), "/", null)))
          .isIn("a", "b", "c", "d");
    }
    assertThat(LoadBalancingMethod.roundRobin().directive()).isEqualTo("round_robin");
    assertThat(NginxConfig.parseMethod("ip_hash")).hasToString("ip_hash");
    assertThat(NginxConfig.parseMethod("ip_hash").hashCode())
        .isEqualTo(NginxConfig.parseMethod("ip_hash;").hashCode());
  }

  @Test
  void badMethods() {
    String methods =
        "ip_hash, hash KEY, hash KEY consistent, least_conn, random, random two, random two"
            + " least_conn";
    assertThatThrownBy(() -> NginxConfig.parseMethod("round_robin;"))
        .hasMessage("load-balancing method: \"round_robin\" (expected: " + methods + ")");
    assertThatThrownBy(() -> NginxConfig.parseMethod(";"))
        .hasMessage("load-balancing method: \";\" (expected: " + methods + ")");
    assertThatThrownBy(() -> NginxConfig.parseMethod("ip_hash on;"))
        .hasMessage("load-balancing method: \"ip_hash on\" (expected: ip_hash without parameters)");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash;"))
        .hasMessage("load-balancing method: \"hash\" (expected: hash KEY or hash KEY consistent)");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash $remote_addr ketama;"))
        .hasMessage(
            "load-balancing method: \"hash $remote_addr ketama\" (expected: hash KEY or hash KEY"
                + " consistent)");
    assertThatThrownBy(() -> NginxConfig.parseMethod("least_time header;"))
        .hasMessageStartingWith(
            "load-balancing method: \"least_time header\" (least_time is not supported, because"
                + " it needs response times");
    assertThatThrownBy(() -> NginxConfig.parseMethod("random two least_time=last_byte;"))
        .hasMessageStartingWith(
            "load-balancing method: \"random two least_time=last_byte\" (least_time is not"
                + " supported");
    assertThatThrownBy(() -> NginxConfig.parseMethod("random three;"))
        .hasMessage(
            "load-balancing method: \"random three\" (expected: random, random two or random two"
                + " least_conn)");
    assertThatThrownBy(() -> NginxConfig.parseMethod("sticky cookie srv_id;"))
        .hasMessageStartingWith(
            "load-balancing method: \"sticky cookie srv_id\" (sticky is session persistence, not"
                + " a method");
  }

  @Test
  void unsupportedHashVariablesSayWhatIsSupported() {
    String supported =
        "$remote_addr, $http_NAME, $cookie_NAME, $arg_NAME, $uri, $request_uri, $args,"
            + " $query_string, $host, $scheme, and literal text";
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash $server_name;"))
        .hasMessage(
            "load-balancing method key: \"$server_name\" ($server_name is not supported: lbkit"
                + " cannot read it from a request; expected: "
                + supported
                + ")");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash $binary_remote_addr consistent;"))
        .hasMessageContaining(
            "$binary_remote_addr is not supported: its raw address bytes are not text;"
                + " $remote_addr gives the same affinity");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash $request_id;"))
        .hasMessageContaining("$request_id is not supported: it is random for every request");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash ${remote_addr;"))
        .hasMessage(
            "load-balancing method key: \"${remote_addr\" (expected: variables written $name or"
                + " ${name} with letters, digits and '_')");
    assertThatThrownBy(() -> NginxConfig.parseMethod("hash $-x;"))
        .hasMessageStartingWith("load-balancing method key: \"$-x\" (expected: variables written");
  }
}
