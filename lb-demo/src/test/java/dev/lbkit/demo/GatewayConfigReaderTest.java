package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.PathMatch;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigReaderTest {
  private static final String MINIMAL =
      "listen: 127.0.0.1:0\n"
          + "upstreams:\n"
          + "  - name: tea\n"
          + "    backends:\n"
          + "      - {name: tea-1, address: 127.0.0.1:9001}\n"
          + "routes:\n"
          + "  - name: tea\n"
          + "    path: {type: Exact, value: /tea}\n"
          + "    backendRefs: [tea]\n";

  /** After the routes: a top-level key that shifts no line of the tests' expected errors. */
  private static final String UNSIGNED = "insecureUnsignedTokens: true\n";

  @Test
  void sessionsNeedATokenSecretOrAnExplicitInsecureChoice() {
    String session = MINIMAL + "    sessionPersistence: {sessionName: a}\n";
    assertThatThrownBy(() -> GatewayConfigReader.read("bad.yaml", session))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "bad.yaml:10: routes[0].sessionPersistence: a session without a token secret"
                + " (expected: tokenSecretEnv: VARIABLE or tokenSecretFile: /path/to/file");
    GatewayConfig fromEnv =
        GatewayConfigReader.read(
            "env.yaml", "tokenSecretEnv: LBKIT_TEST_SESSION_SECRET\n" + session);
    assertThat(fromEnv.tokenSecrets()).containsExactly("Tq3vX8kR1mZ6wB0nL5cH9yF2pD7sJ4gA");
    assertThat(fromEnv.routes().get(0).session().secrets()).isEqualTo(fromEnv.tokenSecrets());
    GatewayConfig unsigned = GatewayConfigReader.read("unsigned.yaml", session + UNSIGNED);
    assertThat(unsigned.routes().get(0).session().insecureUnsignedTokens()).isTrue();
    assertErrorStartsWith(
        "tokenSecretEnv: LBKIT_NO_SUCH_VARIABLE\n" + session,
        "bad.yaml:1: tokenSecretEnv: LBKIT_NO_SUCH_VARIABLE is unset (expected: the environment"
            + " variable set");
    assertErrorStartsWith(
        "tokenSecretFile: /nonexistent/lbkit-secret\n" + session,
        "bad.yaml:1: tokenSecretFile: /nonexistent/lbkit-secret cannot be read");
    assertErrorStartsWith(
        "tokenSecrets: [Zr0Q8wLk3N5vB1xT7cJ4mH9pD2sF6gY0]\n"
            + "tokenSecretEnv: LBKIT_TEST_SESSION_SECRET\n"
            + session,
        "bad.yaml:2: tokenSecretEnv: set together with tokenSecrets (expected: one of");
    assertErrorStartsWith(
        "tokenSecretEnv: LBKIT_TEST_SESSION_SECRET\n" + session + UNSIGNED,
        "insecureUnsignedTokens: true together with tokenSecretEnv (expected: token secrets or"
            + " unsigned tokens, not both)");
  }

  @Test
  void theDefaultFileReproducesTheCafeGuides() {
    GatewayConfig config = GatewayConfigReader.readDefault();

    assertThat(config.listen().authority()).isEqualTo("127.0.0.1:8080");
    assertThat(config.demoBackends()).isTrue();
    assertThat(config.tokenSecrets()).hasSize(1);
    assertThat(config.trustedProxies().addresses()).containsExactly("127.0.0.1/32", "::1/128");
    assertThat(config.routes())
        .extracting(RouteSpec::name)
        .containsExactly(
            "coffee",
            "tea",
            "latte",
            "header",
            "balanced",
            "persistent",
            "canary",
            "shop",
            "kiosk");
    for (RouteSpec route : config.routes()) {
      assertThat(route.hostnames()).containsExactly("cafe.example.com");
    }

    assertThat(config.upstream("coffee").method()).hasToString("ip_hash");
    assertThat(config.upstream("coffee").backends())
        .extracting(Backend::id, Backend::authority)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("coffee-1", "127.0.0.1:18001"),
            org.assertj.core.groups.Tuple.tuple("coffee-2", "127.0.0.1:18002"));
    assertThat(config.routes().get(0).path())
        .isEqualTo(new PathMatch(PathMatch.Type.PathPrefix, "/coffee"));
    assertThat(config.routes().get(0).session()).isNull();

    RouteSpec tea = config.routes().get(1);
    assertThat(tea.path()).isEqualTo(new PathMatch(PathMatch.Type.Exact, "/tea"));
    SessionPersistence cookieTea = tea.session();
    assertThat(cookieTea.type()).isEqualTo(SessionPersistence.Type.COOKIE);
    assertThat(cookieTea.name()).isEqualTo("cookie-tea");
    assertThat(cookieTea.lifetime()).isEqualTo(SessionPersistence.Lifetime.PERMANENT);
    assertThat(cookieTea.absoluteTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(cookieTea.cookieAttributes().path()).isEqualTo("/tea");
    assertThat(cookieTea.scope()).isEqualTo("tea");
    assertThat(cookieTea.secrets()).isEqualTo(config.tokenSecrets());
    assertThat(config.upstream("tea").backends())
        .extracting(Backend::id, Backend::route)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("tea-1", "t1"),
            org.assertj.core.groups.Tuple.tuple("tea-2", "t2"));

    assertThat(config.upstream("latte").method()).hasToString("random two least_conn");
    assertThat(config.routes().get(2).session()).isNull();

    SessionPersistence header = config.routes().get(3).session();
    assertThat(header.type()).isEqualTo(SessionPersistence.Type.HEADER);
    assertThat(header.name()).isEqualTo("Session-B");
    assertThat(header.idleTimeout()).isEqualTo(Duration.ofMinutes(30));

    SessionPersistence balanced = config.routes().get(4).session();
    assertThat(balanced.mode()).isEqualTo(SessionPersistence.Mode.BALANCED);
    assertThat(balanced.name()).isEqualTo("INGRESSCOOKIE");
    assertThat(balanced.cookieAttributes().path()).isEqualTo("/balanced");
    SessionPersistence persistent = config.routes().get(5).session();
    assertThat(persistent.mode()).isEqualTo(SessionPersistence.Mode.PERSISTENT);
    assertThat(persistent.changeOnFailure()).isTrue();
    assertThat(persistent.cookieAttributes().path()).isEqualTo("/persistent");
    assertThat(config.upstream("persistent").failTimeout()).isEqualTo(Duration.ofSeconds(10));

    RouteSpec canary = config.routes().get(6);
    assertThat(canary.splits()).isTrue();
    assertThat(canary.backendRefs())
        .containsExactly(new BackendRef("espresso-v1", 90), new BackendRef("espresso-v2", 10));
    assertThat(canary.canaryBehavior()).isEqualTo(TrafficSplit.CanaryBehavior.STICKY);
    assertThat(canary.session().name()).isEqualTo("cookie-espresso");
    assertThat(canary.session().cookieAttributes().path()).isEqualTo("/canary");
    assertThat(config.routes().subList(0, 6)).noneMatch(RouteSpec::splits);
  }

  @Test
  void defaultsFollowNginxAndTheGatewayApi() {
    GatewayConfig config =
        GatewayConfigReader.read("min.yaml", MINIMAL.replace("{type: Exact, value: /tea}", "{}"));

    assertThat(config.upstreams().get(0).method()).isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(config.upstreams().get(0).maxFails()).isEqualTo(1);
    assertThat(config.upstreams().get(0).failTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.routes().get(0).path())
        .isEqualTo(new PathMatch(PathMatch.Type.PathPrefix, "/"));
    assertThat(config.routes().get(0).maxTries()).isEqualTo(3);
    assertThat(config.routes().get(0).backendRefs().get(0).weight()).isEqualTo(1);
    assertThat(config.tokenSecrets()).isEmpty();
    assertThat(config.trustedProxies()).isNull();
    assertThat(config.demoBackends()).isFalse();
  }

  @Test
  void readsEveryBackendField() {
    GatewayConfig config =
        GatewayConfigReader.read(
            "b.yaml",
            MINIMAL.replace(
                "{name: tea-1, address: 127.0.0.1:9001}",
                "{name: tea-1, address: '[::1]:9001', weight: 3, state: draining, route: n1,"
                    + " maxConnections: 10}"));

    Backend b = config.upstreams().get(0).backends().get(0);
    assertThat(b)
        .isEqualTo(
            Backend.of("tea-1", "::1", 9001)
                .withWeight(3)
                .withState(BackendState.DRAINING)
                .withRoute("n1")
                .withMaxConnections(10));
  }

  @Test
  void readsEveryMethodAndHashKey() {
    String[][] methods = {
      {"round_robin", null, "round_robin"},
      {"least_conn", null, "least_conn"},
      {"random", null, "random"},
      {"random two least_conn", null, "random two least_conn"},
      {"Random Two", null, "random two least_conn"},
      {"ip_hash", null, "ip_hash"},
      {"hash", "$http_x_user", "hash $http_x_user"},
      {"hash consistent", "$remote_addr", "hash $remote_addr consistent"},
      {"hash $uri consistent", null, "hash $uri consistent"},
      {"ketama", "$cookie_user", "ketama $cookie_user"},
      {"ring", "$arg_id", "ring $arg_id"},
      {"maglev", "$binary_remote_addr", "maglev $binary_remote_addr"},
      {"maglev", "$host$request_uri", "maglev $host$request_uri"},
    };
    for (String[] m : methods) {
      String key = m[1] == null ? "" : "\n    key: " + m[1];
      GatewayConfig config =
          GatewayConfigReader.read(
              "m.yaml",
              MINIMAL.replace(
                  "  - name: tea\n    backends:",
                  "  - name: tea\n    method: " + m[0] + key + "\n    backends:"));
      assertThat(config.upstreams().get(0).method())
          .as(m[0])
          .hasToString(m[2])
          .isEqualTo(LoadBalancingMethod.of(m[0], m[1]));
    }
  }

  @Test
  void aPrefixEndingInSlashMatchesWholeElements() {
    GatewayConfig config =
        GatewayConfigReader.read(
            "p.yaml",
            MINIMAL.replace("{type: Exact, value: /tea}", "{type: PathPrefix, value: /tea/}"));
    PathMatch path = config.routes().get(0).path();
    assertThat(path.value()).isEqualTo("/tea");
    assertThat(path.matches("/tea")).isTrue();
    assertThat(path.matches("/tea/")).isTrue();
    assertThat(path.matches("/tea/green")).isTrue();
    assertThat(path.matches("/teapot")).isFalse();
    assertThat(new PathMatch(PathMatch.Type.Exact, "/tea").matches("/tea/")).isFalse();
  }

  // Each bad file: the error names the file, the line, the field, the value and what is allowed.

  @Test
  void unknownField() {
    assertError(
        MINIMAL.replace("    path:", "    hostname: cafe.example.com\n    path:"),
        "bad.yaml:8: routes[0].hostname: unknown field (expected one of: name, hostnames, path,"
            + " backendRefs, sessionPersistence, annotations, stickyLearn, stickTable, onUnavailable, maxTries)");
  }

  @Test
  void badPathType() {
    assertError(
        MINIMAL.replace("type: Exact", "type: Prefix"),
        "bad.yaml:8: routes[0].path.type: \"Prefix\" (expected: Exact or PathPrefix)");
  }

  @Test
  void badPathValue() {
    assertError(
        MINIMAL.replace("value: /tea", "value: '/tea/*'"),
        "bad.yaml:8: routes[0].path.value: \"/tea/*\" (expected: an absolute path such as"
            + " /coffee, without query, wildcard or regex)");
  }

  @Test
  void badMethod() {
    assertError(
        MINIMAL.replace(
            "  - name: tea\n    backends:", "  - name: tea\n    method: sticky\n    backends:"),
        "bad.yaml:4: upstreams[0].method: \"sticky\" (expected: round_robin, least_conn, random,"
            + " random two least_conn, ip_hash, hash, hash consistent, ketama, ring or maglev)");
  }

  @Test
  void hashWithoutKey() {
    assertError(
        MINIMAL.replace(
            "  - name: tea\n    backends:",
            "  - name: tea\n    method: hash consistent\n    backends:"),
        "bad.yaml:3: upstreams[0].key: missing (expected: what method hash consistent hashes, as"
            + " nginx variables: $remote_addr, $http_NAME, $cookie_NAME, $arg_NAME, $uri,"
            + " $request_uri, $args, $query_string, $host, $scheme, and literal text)");
  }

  @Test
  void keyForAMethodThatHashesNothing() {
    assertError(
        MINIMAL.replace(
            "  - name: tea\n    backends:", "  - name: tea\n    key: $uri\n    backends:"),
        "bad.yaml:4: upstreams[0].key: \"$uri\" (expected: no key for method round_robin; only"
            + " hash, hash consistent, ketama, ring and maglev hash a key)");
  }

  @Test
  void badKey() {
    assertError(
        MINIMAL.replace(
            "  - name: tea\n    backends:",
            "  - name: tea\n    method: ketama\n    key: $request_id\n    backends:"),
        "bad.yaml:5: upstreams[0].key: \"$request_id\" ($request_id is not supported: it is random"
            + " for every request, so hashing it is random balancing without affinity; use the"
            + " random method; expected: $remote_addr, $http_NAME, $cookie_NAME, $arg_NAME, $uri,"
            + " $request_uri, $args, $query_string, $host, $scheme, and literal text)");
  }

  @Test
  void badState() {
    assertError(
        MINIMAL.replace("address: 127.0.0.1:9001}", "address: 127.0.0.1:9001, state: sleeping}"),
        "bad.yaml:5: upstreams[0].backends[0].state: \"sleeping\" (expected: UP, DRAINING or"
            + " DOWN)");
  }

  @Test
  void badWeight() {
    assertError(
        MINIMAL.replace("address: 127.0.0.1:9001}", "address: 127.0.0.1:9001, weight: 0}"),
        "bad.yaml:5: upstreams[0].backends[0].weight: \"0\" (expected: a whole number in"
            + " 1..10000)");
  }

  @Test
  void badRouteLabel() {
    assertError(
        MINIMAL.replace("address: 127.0.0.1:9001}", "address: 127.0.0.1:9001, route: 'a.b'}"),
        "bad.yaml:5: upstreams[0].backends[0].route: route of backend tea-1: \"a.b\" (expected:"
            + " letters, digits, '-' or '_')");
  }

  @Test
  void badAddress() {
    assertError(
        MINIMAL.replace("127.0.0.1:9001", "127.0.0.1"),
        "bad.yaml:5: upstreams[0].backends[0].address: \"127.0.0.1\" (expected: host:port such"
            + " as 127.0.0.1:8080, [::1]:8080; port 1..65535)");
    assertError(
        MINIMAL.replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:70000"),
        "bad.yaml:1: listen: \"127.0.0.1:70000\" (expected: host:port such as 127.0.0.1:8080,"
            + " [::1]:8080; port 0..65535)");
  }

  @Test
  void missingField() {
    assertError(
        MINIMAL.replace("listen: 127.0.0.1:0\n", ""),
        "bad.yaml:1: listen: missing (expected: a value)");
  }

  @Test
  void unknownUpstream() {
    assertError(
        MINIMAL.replace("backendRefs: [tea]", "backendRefs: [{name: coffee}]"),
        "bad.yaml:9: routes[0].backendRefs[0].name: \"coffee\" (expected: the name of an"
            + " upstream: tea)");
  }

  @Test
  void aRouteSplitsAcrossWeightedUpstreams() {
    String yaml =
        MINIMAL
                .replace(
                    "upstreams:\n",
                    "upstreams:\n  - name: tea-v2\n    backends:\n"
                        + "      - {name: tea-v2-1, address: 127.0.0.1:9002}\n")
                .replace(
                    "backendRefs: [tea]",
                    "backendRefs: [{name: tea, weight: 0}, {name: tea-v2, weight: 1000000}]")
            + "    annotations:\n"
            + "      nginx.ingress.kubernetes.io/affinity: cookie\n"
            + "      nginx.ingress.kubernetes.io/affinity-canary-behavior: legacy\n"
            + UNSIGNED;
    RouteSpec route = GatewayConfigReader.read("split.yaml", yaml).routes().get(0);
    assertThat(route.backendRefs())
        .containsExactly(new BackendRef("tea", 0), new BackendRef("tea-v2", 1_000_000));
    assertThat(route.splits()).isTrue();
    assertThat(route.canaryBehavior()).isEqualTo(TrafficSplit.CanaryBehavior.LEGACY);
    // One upstream at weight 0 receives nothing, as in the Gateway API: a split with no member.
    assertThat(
            GatewayConfigReader.read(
                    "zero.yaml",
                    MINIMAL.replace("backendRefs: [tea]", "backendRefs: [{name: tea, weight: 0}]"))
                .routes()
                .get(0)
                .splits())
        .isTrue();
  }

  @Test
  void anUpstreamOncePerRoute() {
    assertError(
        MINIMAL.replace("backendRefs: [tea]", "backendRefs: [tea, {name: tea, weight: 10}]"),
        "bad.yaml:9: routes[0].backendRefs[1].name: \"tea\" is listed twice (expected: each"
            + " upstream once, with its weight)");
    assertError(
        MINIMAL.replace("backendRefs: [tea]", "backendRefs: [{name: tea, weight: 1000001}]"),
        "bad.yaml:9: routes[0].backendRefs[0].weight: \"1000001\" (expected: a whole number in"
            + " 0..1000000)");
  }

  @Test
  void duplicates() {
    assertError(
        MINIMAL.replace(
            "      - {name: tea-1, address: 127.0.0.1:9001}\n",
            "      - {name: tea-1, address: 127.0.0.1:9001}\n"
                + "      - {name: tea-1, address: 127.0.0.1:9002}\n"),
        "bad.yaml:6: upstreams[0].backends[1].name: \"tea-1\" is used twice in upstream tea"
            + " (expected: unique backend names)");
    assertError(
        MINIMAL + "  - name: tea2\n    path: {type: Exact, value: /tea}\n    backendRefs: [tea]\n",
        "bad.yaml:11: routes[1].path: Exact /tea for the same host as route tea (expected: one"
            + " route per host and path)");
    assertError(
        MINIMAL.replace("listen: 127.0.0.1:0\n", "listen: 127.0.0.1:0\nlisten: 127.0.0.1:1\n"),
        "bad.yaml:2: listen: written twice (expected: each field once)");
  }

  @Test
  void badHostname() {
    assertError(
        MINIMAL.replace("    path:", "    hostnames: ['cafe.example.com:8080']\n    path:"),
        "bad.yaml:8: routes[0].hostnames[0]: \"cafe.example.com:8080\" (expected: a DNS name such"
            + " as cafe.example.com, or *.example.com; no port or address)");
  }

  @Test
  void shortSecret() {
    assertError(
        "tokenSecrets: [short]\n" + MINIMAL,
        "bad.yaml:1: tokenSecrets[0]: a secret of 5 characters (expected: at least 16, so that"
            + " tokens cannot be forged by guessing it)");
  }

  @Test
  void badTrustedProxies() {
    assertError(
        "trustedProxies: {addresses: [10.0.0.0/33]}\n" + MINIMAL,
        "bad.yaml:1: trustedProxies.addresses[0]: trusted proxy: \"10.0.0.0/33\" (expected: a"
            + " prefix length of 0..32 after '/')");
    assertError(
        "trustedProxies: {addresses: [10.0.0.0/8], header: X-Client-IP}\n" + MINIMAL,
        "bad.yaml:1: trustedProxies.header: \"X-Client-IP\" (expected: X-Forwarded-For, X-Real-IP"
            + " or Forwarded)");
  }

  @Test
  void demoBackendsListenOnLoopbackOnly() {
    assertError(
        "demoBackends: true\n" + MINIMAL.replace("127.0.0.1:9001", "10.0.0.5:9001"),
        "bad.yaml:6: upstreams[0].backends[0].address: \"10.0.0.5:9001\" (expected: a loopback"
            + " address such as 127.0.0.1:PORT, because demoBackends starts a local server for"
            + " every backend)");
  }

  @Test
  void bothKindsOfPersistence() {
    assertError(
        MINIMAL
            + "    sessionPersistence: {sessionName: a}\n"
            + "    annotations: {nginx.ingress.kubernetes.io/affinity: cookie}\n",
        "bad.yaml:11: routes[0].annotations: given with sessionPersistence (expected: one of"
            + " sessionPersistence, Gateway API fields, or annotations, ingress-nginx affinity)");
  }

  /** Issue 18: strict mode can be set in the file. */
  @Test
  void onUnavailableSetsStrictMode() {
    GatewayConfig refuse =
        GatewayConfigReader.read(
            "strict.yaml",
            MINIMAL
                + "    sessionPersistence: {sessionName: a}\n    onUnavailable: refuse\n"
                + UNSIGNED);
    assertThat(refuse.routes().get(0).session().onUnavailable())
        .isEqualTo(SessionPersistence.OnUnavailable.STRICT);
    GatewayConfig rebalance =
        GatewayConfigReader.read(
            "strict.yaml",
            MINIMAL
                + "    annotations: {nginx.ingress.kubernetes.io/affinity: cookie}\n"
                + "    onUnavailable: rebalance\n"
                + UNSIGNED);
    assertThat(rebalance.routes().get(0).session().onUnavailable())
        .isEqualTo(SessionPersistence.OnUnavailable.REBALANCE);
    GatewayConfig unset =
        GatewayConfigReader.read(
            "strict.yaml", MINIMAL + "    sessionPersistence: {sessionName: a}\n" + UNSIGNED);
    assertThat(unset.routes().get(0).session().onUnavailable())
        .isEqualTo(SessionPersistence.OnUnavailable.REBALANCE);
    assertThatThrownBy(
            () ->
                GatewayConfigReader.read(
                    "bad.yaml",
                    MINIMAL
                        + "    sessionPersistence: {sessionName: a}\n    onUnavailable: never\n"
                        + UNSIGNED))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bad.yaml:11: routes[0].onUnavailable: \"never\"")
        .hasMessageContaining("rebalance")
        .hasMessageContaining("refuse");
    assertThatThrownBy(
            () -> GatewayConfigReader.read("bad.yaml", MINIMAL + "    onUnavailable: refuse\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "bad.yaml:10: routes[0].onUnavailable: given without session persistence (expected:"
                + " sessionPersistence, affinity annotations, stickyLearn or stickTable on the"
                + " same route)");
  }

  /** Issue 16: server-side session tables, learned or on a key, in memory or on Redis. */
  @Test
  void sessionTablesAndTheirStore() {
    GatewayConfig learn =
        GatewayConfigReader.read(
            "learn.yaml",
            MINIMAL
                + "    stickyLearn: \"sticky learn create=$upstream_cookie_JSESSIONID"
                + " lookup=$cookie_JSESSIONID zone=shop:1m timeout=1h\"\n"
                + "    onUnavailable: refuse\n");
    GatewayConfig.TableSessions learned = learn.routes().get(0).tables();
    assertThat(learned.stickyLearn()).startsWith("sticky learn create=$upstream_cookie_JSESSIONID");
    assertThat(learned.onUnavailable()).isEqualTo(SessionPersistence.OnUnavailable.STRICT);
    assertThat(learn.routes().get(0).session()).isNull();
    assertThat(learn.redis()).isNull();

    GatewayConfig stick =
        GatewayConfigReader.read(
            "stick.yaml",
            MINIMAL
                + "    stickTable: {on: $http_x_user, expire: 30m}\n"
                + "redis: {uri: 'redis://127.0.0.1:6379', timeout: 20ms}\n");
    GatewayConfig.TableSessions table = stick.routes().get(0).tables();
    assertThat(table.stickOn()).isEqualTo("$http_x_user");
    assertThat(table.expire()).isEqualTo(Duration.ofMinutes(30));
    assertThat(table.onUnavailable()).isEqualTo(SessionPersistence.OnUnavailable.REBALANCE);
    assertThat(stick.redis())
        .isEqualTo(new GatewayConfig.RedisSpec("redis://127.0.0.1:6379", Duration.ofMillis(20)));
    GatewayConfig defaults =
        GatewayConfigReader.read(
            "stick.yaml",
            MINIMAL + "    stickTable: {on: $remote_addr}\nredis: {uri: 'redis://h:1'}\n");
    assertThat(defaults.routes().get(0).tables().expire()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.redis().timeout()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void badSessionTables() {
    assertErrorStartsWith(
        MINIMAL + "    stickyLearn: \"sticky learn lookup=$cookie_a zone=z:1m\"\n",
        "bad.yaml:10: routes[0].stickyLearn: ");
    assertErrorStartsWith(
        MINIMAL + "    stickTable: {on: $no_such_variable}\n",
        "bad.yaml:10: routes[0].stickTable.on: ");
    assertError(
        MINIMAL + "    stickTable: {on: $http_x_user, expire: 0}\n",
        "bad.yaml:10: routes[0].stickTable.expire: \"0\" (expected: more than 0)");
    assertErrorStartsWith(
        MINIMAL + "    stickTable: {on: $http_x_user, size: 10}\n",
        "bad.yaml:10: routes[0].stickTable.size: unknown field (expected one of: on, expire)");
    assertError(
        MINIMAL
            + "    stickTable: {on: $http_x_user}\n"
            + "    stickyLearn: \"sticky learn create=$upstream_cookie_a lookup=$cookie_a"
            + " zone=z:1m\"\n",
        "bad.yaml:10: routes[0].stickTable: given with stickyLearn (expected: one of stickyLearn,"
            + " stickTable)");
    assertError(
        MINIMAL
            + "    sessionPersistence: {sessionName: a}\n"
            + "    stickTable: {on: $http_x_user}\n"
            + UNSIGNED,
        "bad.yaml:11: routes[0].stickTable: given with token sessions (expected: one of"
            + " sessionPersistence, annotations, stickyLearn, stickTable)");
    assertError(
        MINIMAL
                .replace(
                    "upstreams:\n",
                    "upstreams:\n  - name: tea-v2\n    backends:\n"
                        + "      - {name: tea-v2-1, address: 127.0.0.1:9002}\n")
                .replace("backendRefs: [tea]", "backendRefs: [tea, tea-v2]")
            + "    stickTable: {on: $http_x_user}\n",
        "bad.yaml:13: routes[0].stickTable: on a route to 2 upstreams (expected: a route to one"
            + " upstream; a split keeps its sessions with sessionPersistence)");
    assertErrorStartsWith(
        MINIMAL + "redis: {uri: 'http://127.0.0.1:6379'}\n",
        "bad.yaml:10: redis.uri: \"http://127.0.0.1:6379\" (expected: redis://host:port or"
            + " rediss://host:port)");
    assertErrorStartsWith(
        MINIMAL + "redis: {uri: 'redis://h:1', timeout: 0}\n",
        "bad.yaml:10: redis.timeout: \"0\" (expected: more than 0");
    assertErrorStartsWith(
        MINIMAL + "redis: {uri: 'redis://h:1', pool: 3}\n",
        "bad.yaml:10: redis.pool: unknown field");
  }

  @Test
  void lbCookieErrorsPointAtTheField() {
    // lb-cookie words the problem; the demo says where it is.
    assertThatThrownBy(
            () ->
                GatewayConfigReader.read(
                    "bad.yaml",
                    MINIMAL
                        + "    sessionPersistence:\n"
                        + "      sessionName: cookie-tea\n"
                        + "      absoluteTimeout: 1 day\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "bad.yaml:12: routes[0].sessionPersistence.absoluteTimeout: \"1 day\"")
        .hasMessageContaining("(expected: a Gateway API duration");
    assertError(
        MINIMAL
            + "    sessionPersistence:\n"
            + "      sessionName: cookie-tea\n"
            + "      cookieConfig: {lifetimeType: Permanent}\n",
        "bad.yaml:12: routes[0].sessionPersistence.cookieConfig.lifetimeType: \"Permanent\""
            + " (expected: an absoluteTimeout too, which sets the cookie's Max-Age; the Gateway API"
            + " requires it for Permanent)");
  }

  @Test
  void ingressNginxErrorsPointAtTheAnnotation() {
    String annotations =
        "    annotations:\n"
            + "      nginx.ingress.kubernetes.io/affinity: cookie\n"
            + "      nginx.ingress.kubernetes.io/affinity-mode: sticky\n";
    assertThatThrownBy(() -> GatewayConfigReader.read("bad.yaml", MINIMAL + annotations))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "bad.yaml:12: routes[0].annotations.nginx.ingress.kubernetes.io/affinity-mode: ")
        .hasMessageContaining("balanced or persistent");
    assertError(
        MINIMAL + "    annotations:\n      nginx.ingress.kubernetes.io/upstream-hash-by: $uri\n",
        "bad.yaml:11: routes[0].annotations.nginx.ingress.kubernetes.io/upstream-hash-by: set on"
            + " the route (expected: the load-balancing method on the upstream, as method: and"
            + " key:; these annotations configure affinity only)");
  }

  @Test
  void badDuration() {
    assertError(
        MINIMAL.replace(
            "  - name: tea\n    backends:",
            "  - name: tea\n    failTimeout: 10 seconds\n    backends:"),
        "bad.yaml:4: upstreams[0].failTimeout: duration: \"10 seconds\" (expected: an nginx time"
            + " in seconds: numbers with units in descending order, each at most once, from y"
            + " (years), M (months), w, d, h, m to s, such as 10s, 2h, 1d or 1h30m; a plain number"
            + " is seconds)");
  }

  @Test
  void notYamlOrEmpty() {
    assertThatThrownBy(() -> GatewayConfigReader.read("bad.yaml", "routes: [\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bad.yaml:2: not valid YAML: ");
    assertError(
        "",
        "bad.yaml: the file is empty (expected: a mapping with listen, tokenSecrets,"
            + " tokenSecretEnv, tokenSecretFile, insecureUnsignedTokens, trustedProxies,"
            + " demoBackends, redis, upstreams, routes)");
    assertError(
        "- a\n- b\n",
        "bad.yaml:1: a list (expected: a mapping with the fields listen, tokenSecrets,"
            + " tokenSecretEnv, tokenSecretFile, insecureUnsignedTokens, trustedProxies,"
            + " demoBackends, redis, upstreams, routes)");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = Path.of("no-such-dir", "gateway.yaml");
    assertThatThrownBy(() -> GatewayConfigReader.read(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": no such file (expected: a YAML gateway file)");
  }

  @Test
  void tagsInstantiateNothing() {
    // The reader composes nodes and never constructs objects, and refuses global tags outright.
    assertError(
        "listen: !!javax.script.ScriptEngineManager [x]\n"
            + MINIMAL.substring(MINIMAL.indexOf('\n') + 1),
        "bad.yaml:1: not valid YAML: Global tag is not allowed:"
            + " tag:yaml.org,2002:javax.script.ScriptEngineManager");
  }

  @Test
  void errorsKeepTheirParts() {
    ConfigException e =
        (ConfigException)
            catchThrowable(
                () ->
                    GatewayConfigReader.read(
                        "bad.yaml", MINIMAL.replace("type: Exact", "type: Prefix")));
    assertThat(e.file()).isEqualTo("bad.yaml");
    assertThat(e.line()).isEqualTo(8);
    assertThat(e.field()).isEqualTo("routes[0].path.type");
    assertThat(e.problem()).isEqualTo("\"Prefix\" (expected: Exact or PathPrefix)");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }

  private static void assertErrorStartsWith(String yaml, String message) {
    assertThatThrownBy(() -> GatewayConfigReader.read("bad.yaml", yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> GatewayConfigReader.read("bad.yaml", yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
