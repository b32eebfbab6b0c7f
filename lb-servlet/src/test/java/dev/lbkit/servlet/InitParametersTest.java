package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.BackendState;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.SessionAffinity;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitParametersTest {
  private static final String BACKENDS = "tea-1 10.0.0.1:8080, tea-2 10.0.0.2:8080";

  private static ServletBalancer parse(String... keysAndValues) throws ServletException {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return InitParameters.balancer("tea", params::get, List.copyOf(params.keySet()), "/tea");
  }

  @Test
  void backendsInNginxServerStyle() throws ServletException {
    ServletBalancer balancer =
        parse(
            "backends",
            "tea-1 10.0.0.1:8080 weight=3 max_conns=10 route=node1;"
                + " tea-2 [2001:db8::2]:8080 drain\n tea-3 backend.local:80 down");
    PoolSnapshot pool = ((LoadBalancer) balancer.router()).upstream().snapshot();
    assertThat(pool.size()).isEqualTo(3);
    assertThat(pool.backend(0).weight()).isEqualTo(3);
    assertThat(pool.backend(0).maxConnections()).isEqualTo(10);
    assertThat(pool.backend(0).route()).isEqualTo("node1");
    assertThat(pool.backend(1).host()).isEqualTo("2001:db8::2");
    assertThat(pool.backend(1).state()).isEqualTo(BackendState.DRAINING);
    assertThat(pool.backend(2).authority()).isEqualTo("backend.local:80");
    assertThat(pool.backend(2).state()).isEqualTo(BackendState.DOWN);
    assertThat(((LoadBalancer) balancer.router()).upstream().name()).isEqualTo("tea");
  }

  @Test
  void defaults() throws ServletException {
    ServletBalancer balancer = parse("backends", BACKENDS);
    LoadBalancer lb = ((LoadBalancer) balancer.router());
    assertThat(lb.affinity()).isSameAs(SessionAffinity.none());
    assertThat(lb.maxTries()).isEqualTo(LoadBalancer.DEFAULT_MAX_TRIES);
    assertThat(lb.upstream().passiveHealth().maxFails()).isEqualTo(1);
    assertThat(balancer.retryAfterSeconds()).isEqualTo(10);
    assertThat(balancer.continuesWhenNoBackend()).isFalse();
    assertThat(balancer.isFailureStatus(502)).isTrue();
    assertThat(balancer.isFailureStatus(504)).isTrue();
    assertThat(balancer.isFailureStatus(500)).isFalse();
    assertThat(balancer.clientAddressResolver().trustedProxies()).isEmpty();
  }

  @Test
  void everyOptionalParameter() throws ServletException {
    ServletBalancer balancer =
        parse(
            "backends", BACKENDS,
            "upstream", "tea-upstream",
            "method", "hash $request_uri consistent",
            "maxTries", "2",
            "maxFails", "3",
            "failTimeout", "30s",
            "retryAfter", "1m",
            "noBackend", "chain",
            "failureStatuses", "500, 503",
            "trustedProxies", "10.0.0.0/8, 192.168.0.1",
            "realIpHeader", "X-Forwarded-For",
            "realIpRecursive", "on");
    LoadBalancer lb = ((LoadBalancer) balancer.router());
    assertThat(lb.upstream().name()).isEqualTo("tea-upstream");
    assertThat(lb.maxTries()).isEqualTo(2);
    assertThat(lb.upstream().passiveHealth().maxFails()).isEqualTo(3);
    assertThat(lb.upstream().passiveHealth().failTimeout()).hasSeconds(30);
    assertThat(balancer.retryAfterSeconds()).isEqualTo(60);
    assertThat(balancer.continuesWhenNoBackend()).isTrue();
    assertThat(balancer.isFailureStatus(500)).isTrue();
    assertThat(balancer.isFailureStatus(502)).isFalse();
    assertThat(balancer.clientAddressResolver().trustedProxies()).hasSize(2);
    assertThat(balancer.clientAddressResolver().header()).isEqualTo("X-Forwarded-For");
    assertThat(balancer.clientAddressResolver().isRecursive()).isTrue();
  }

  /**
   * Each method is parsed into the selector it names, hashing the key it names: the selector's
   * description (up to its hash options) says which method and which key extractor were built.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "round_robin||round_robin",
        "least_conn||least_conn",
        "random||random",
        "random two||random two least_conn",
        "random two least_conn||random two least_conn",
        "ip_hash||ip_hash",
        "hash|$remote_addr|hash $remote_addr",
        "hash $cookie_user||hash cookie(user)",
        "hash consistent|$http_x_user|hash header(x-user) consistent",
        "hash $host$uri consistent||hash nginx($host$uri) consistent",
        "ketama|$arg_key|ketama queryParameter(key)",
        "ring $uri||ring $uri",
        "maglev|$request_uri|maglev requestUri",
      })
  void methods(String method, String hashKey, String expected) throws ServletException {
    ServletBalancer balancer =
        hashKey == null
            ? parse("backends", BACKENDS, "method", method)
            : parse("backends", BACKENDS, "method", method, "hashKey", hashKey);
    String described = ((LoadBalancer) balancer.router()).selector().toString();
    int options = described.indexOf(" HashOptions{");
    assertThat(options < 0 ? described : described.substring(0, options)).isEqualTo(expected);
    if (expected.endsWith(" consistent")) {
      // As nginx places "server host:port;": by authority, not by id.
      assertThat(described).contains("backendKey=BackendKey.authority()");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "backends|",
        "backends|tea-1",
        "backends|tea-1 10.0.0.1",
        "backends|tea-1 10.0.0.1:0",
        "backends|tea-1 10.0.0.1:http",
        "backends|tea-1 10.0.0.1:80 weight=0",
        "backends|tea-1 10.0.0.1:80 backup",
        "backends|tea-1 10.0.0.1:80, tea-1 10.0.0.2:80",
        "method|fastest",
        "method|least_time header",
        "method|hash",
        "method|ip_hash $remote_addr",
        "method|maglev $request_id",
        "hashKey|$nonsense(",
        "maxTries|0",
        "maxFails|-1",
        "failTimeout|ten seconds",
        "retryAfter|-1",
        "noBackend|maybe",
        "failureStatuses|700",
        "trustedProxies|10.0.0.0/33",
        "realIpHeader|X Forwarded",
        "realIpRecursive|maybe",
        "sessionPersistence.type|Jar",
        "sessionPersistence.cookieConfig.lifetimeType|Permanent",
        "sessionPersistence.colour|blue",
        "affinity|ip",
        "session-cookie-max-age|soon",
        "nginx.ingress.kubernetes.io/affinity-mode|sticky",
        "canary-weight|10",
        "sticky|sticky route $route_cookie",
        "secret|short",
      })
  void badParameterStopsInitNamingIt(String name, String value) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("backends", BACKENDS);
    if (name.equals("hashKey")) {
      params.put("method", "hash");
    }
    if (name.equals("secret")) {
      params.put("sticky", "sticky cookie srv_id");
    }
    if (name.startsWith("session-cookie")) {
      params.put("affinity", "cookie");
    }
    params.put(name, value == null ? "" : value);
    assertThatThrownBy(
            () -> InitParameters.balancer("tea", params::get, List.copyOf(params.keySet()), "/"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith("init-param " + name + ": ");
  }

  @Test
  void sessionPersistenceInOneFormOnly() {
    assertThatThrownBy(
            () ->
                parse(
                    "backends", BACKENDS,
                    "sessionPersistence.sessionName", "cookie-tea",
                    "sticky", "sticky cookie srv_id"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith(
            "init-param sticky: set together with sessionPersistence.sessionName");
    assertThatThrownBy(
            () -> parse("backends", BACKENDS, "method", "least_conn", "load-balance", "ewma"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith("init-param ");
    assertThatThrownBy(() -> parse("backends", BACKENDS, "secret", "0123456789abcdef0123"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith("init-param secret: set without session persistence");
  }

  @Test
  void sessionPersistenceForms() throws ServletException {
    assertThat(
            lb(parse(
                    "backends", BACKENDS,
                    "sessionPersistence.sessionName", "cookie-tea",
                    "sessionPersistence.type", "Cookie",
                    "sessionPersistence.absoluteTimeout", "24h",
                    "sessionPersistence.cookieConfig.lifetimeType", "Permanent",
                    "secret", "0123456789abcdef0123456789abcdef"))
                .affinity())
        .isNotSameAs(SessionAffinity.none());
    assertThat(
            lb(parse(
                    "backends", BACKENDS,
                    "nginx.ingress.kubernetes.io/affinity", "cookie",
                    "session-cookie-name", "INGRESSCOOKIE",
                    "affinity-mode", "persistent",
                    "secretEnv", "LBKIT_TEST_SESSION_SECRET"))
                .affinity())
        .isNotSameAs(SessionAffinity.none());
    assertThat(
            lb(parse(
                    "backends", BACKENDS,
                    "sticky", "sticky cookie srv_id expires=1h path=/tea",
                    "insecureUnsignedTokens", "true"))
                .affinity())
        .isNotSameAs(SessionAffinity.none());
  }

  @Test
  void sessionPersistenceWithoutASecretIsRefused() {
    assertThatThrownBy(
            () -> parse("backends", BACKENDS, "sticky", "sticky cookie srv_id expires=1h"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith(
            "init-param secret: absent (expected: session tokens need a secret: secretEnv=VARIABLE"
                + " or secretFile=/path/to/file")
        .hasMessageContaining("insecureUnsignedTokens=true");
    assertThatThrownBy(
            () ->
                parse(
                    "backends", BACKENDS,
                    "sticky", "sticky cookie srv_id",
                    "secret", "0123456789abcdef0123456789abcdef",
                    "insecureUnsignedTokens", "true"))
        .hasMessageStartingWith("init-param insecureUnsignedTokens: true together with secret");
    assertThatThrownBy(
            () ->
                parse(
                    "backends", BACKENDS,
                    "sticky", "sticky cookie srv_id",
                    "secret", "0123456789abcdef0123456789abcdef",
                    "secretEnv", "LBKIT_TEST_SESSION_SECRET"))
        .hasMessageStartingWith("init-param secretEnv: set together with secret (expected: one of");
  }

  // Tomcat passes ${env.X} through from web.xml unless a property source resolves it: that
  // public string must never become the key.
  @Test
  void anUnresolvedPlaceholderIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    "backends", BACKENDS,
                    "sticky", "sticky cookie srv_id",
                    "secret", "${env.LBKIT_SESSION_SECRET}"))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith(
            "init-param secret: secrets[0]: an unresolved ${...} placeholder (expected: the secret"
                + " itself");
  }

  @Test
  void secretsFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("session-secret"), "Zr0Q8wLk3N5vB1xT7cJ4mH9pD2sF6gY0\n");
    SessionAffinity fromFile =
        lb(parse(
                "backends",
                BACKENDS,
                "sticky",
                "sticky cookie srv_id",
                "secretFile",
                file.toString()))
            .affinity();
    assertThat(fromFile.toString()).contains("srv_id");
    assertThatThrownBy(
            () ->
                parse(
                    "backends",
                    BACKENDS,
                    "sticky",
                    "sticky cookie srv_id",
                    "secretFile",
                    dir.resolve("missing").toString()))
        .hasMessageStartingWith("init-param secretFile: secretFile: " + dir.resolve("missing"));
    assertThatThrownBy(
            () ->
                parse(
                    "backends", BACKENDS,
                    "sticky", "sticky cookie srv_id",
                    "secretEnv", "LBKIT_NO_SUCH_VARIABLE"))
        .hasMessageStartingWith(
            "init-param secretEnv: secretEnv: LBKIT_NO_SUCH_VARIABLE is unset (expected:");
  }

  @Test
  void cookiePathIsWhereTheFilterIsMapped() {
    assertThat(SessionParameters.cookiePath("", List.of("/tea"))).isEqualTo("/tea");
    assertThat(SessionParameters.cookiePath("", List.of("/tea", "/tea/*"))).isEqualTo("/tea");
    assertThat(SessionParameters.cookiePath("/cafe", List.of("/tea/*"))).isEqualTo("/cafe/tea");
    assertThat(SessionParameters.cookiePath("", List.of("/tea/green/*", "/tea/black")))
        .isEqualTo("/tea");
    assertThat(SessionParameters.cookiePath("", List.of("/tea", "/coffee"))).isEqualTo("/");
    assertThat(SessionParameters.cookiePath("", List.of("*.jsp"))).isEqualTo("/");
    assertThat(SessionParameters.cookiePath("", List.of("/*"))).isEqualTo("/");
    assertThat(SessionParameters.cookiePath("/cafe", List.of("/"))).isEqualTo("/cafe");
    assertThat(SessionParameters.cookiePath("", List.of())).isEqualTo("/");
  }

  private static LoadBalancer lb(ServletBalancer balancer) {
    return (LoadBalancer) balancer.router();
  }
}
