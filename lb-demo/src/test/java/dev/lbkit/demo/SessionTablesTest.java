package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.demo.GatewayConfig.HostPort;
import dev.lbkit.demo.GatewayConfig.RedisSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default file's session tables over real HTTP: {@code /shop} learns the {@code JSESSIONID} its
 * backends issue (NGINX Plus {@code sticky learn}), {@code /kiosk} keeps each {@code X-User} on the
 * backend first chosen for it (an HAProxy stick table); in the gateway's memory, and on a real
 * Redis that replicas share and a restart does not empty.
 */
class SessionTablesTest {
  private GatewayConfig config;
  private DemoBackends backends;
  private final List<Gateway> gateways = new ArrayList<>();

  @BeforeEach
  void startBackends() throws Exception {
    config = Cafe.config();
    backends = DemoBackends.start(Demo.allBackends(config));
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Gateway g : gateways) {
      g.close();
    }
    backends.close();
  }

  private Gateway gateway(GatewayConfig c) throws Exception {
    Gateway g = Gateway.start(c.withListen(new HostPort("127.0.0.1", 0)));
    gateways.add(g);
    return g;
  }

  /** Six shop sessions started at a gateway: each backend-issued cookie pair and its backend. */
  private static Map<String, String> startShopSessions(int port) {
    Map<String, String> sessions = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      Http.Response r = Http.get(port, Cafe.HOST, "/shop");
      assertThat(r.status()).isEqualTo(200);
      String value = r.setCookie("JSESSIONID");
      assertThat(value)
          .as("the backend's own cookie reaches the client unchanged")
          .startsWith("JSESSIONID=" + r.serverName() + ".")
          .endsWith("; Path=/; HttpOnly");
      sessions.put(r.cookiePair("JSESSIONID"), r.serverName());
    }
    return sessions;
  }

  private static void assertSessionsStay(Map<String, String> sessions, int... ports) {
    for (Map.Entry<String, String> s : sessions.entrySet()) {
      for (int i = 0; i < 6; i++) {
        Http.Response r =
            Http.get(ports[i % ports.length], Cafe.HOST, "/shop/cart", "Cookie: " + s.getKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.serverName()).as("%s, request %d", s.getKey(), i).isEqualTo(s.getValue());
        assertThat(r.setCookie("JSESSIONID")).as("no new session on the same backend").isNull();
      }
    }
  }

  @Test
  void aLearnedSessionStaysOnTheBackendThatIssuedIt() throws Exception {
    Gateway g = gateway(config);
    Map<String, String> sessions = startShopSessions(g.port());
    assertThat(new HashSet<>(sessions.values()))
        .as("new sessions are balanced (round robin over three)")
        .containsExactlyInAnyOrder("shop-1", "shop-2", "shop-3");
    assertSessionsStay(sessions, g.port());
  }

  @Test
  void anUnknownOrMalformedSessionIdIsBalancedAsNew() throws Exception {
    Gateway g = gateway(config);
    Set<String> servers = new HashSet<>();
    for (String cookie :
        List.of(
            "JSESSIONID=never-issued",
            "JSESSIONID=",
            "JSESSIONID=\"unterminated",
            "JSESSIONID=shop-2.0000000000000000",
            "JSESSIONID=<script>; JSESSIONID=;;",
            "JSESSIONID=" + "x".repeat(5000))) {
      for (int i = 0; i < 3; i++) {
        Http.Response r = Http.get(g.port(), Cafe.HOST, "/shop", "Cookie: " + cookie);
        assertThat(r.status()).as(cookie).isEqualTo(200);
        servers.add(r.serverName());
      }
    }
    assertThat(servers)
        .as("not pinned anywhere, not even by an id that names a backend")
        .hasSize(3);
  }

  @Test
  void aStickTableKeepsEachUserOnTheFirstBackendChosenForIt() throws Exception {
    Gateway g = gateway(config);
    Map<String, String> first = new LinkedHashMap<>();
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
      first.put(user, Http.get(g.port(), Cafe.HOST, "/kiosk", "X-User: " + user).serverName());
    }
    assertThat(new HashSet<>(first.values()))
        .containsExactlyInAnyOrder("kiosk-1", "kiosk-2", "kiosk-3");
    for (int round = 0; round < 5; round++) {
      for (Map.Entry<String, String> e : first.entrySet()) {
        Http.Response r = Http.get(g.port(), Cafe.HOST, "/kiosk/menu", "X-User: " + e.getKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.serverName()).as(e.getKey()).isEqualTo(e.getValue());
        assertThat(r.headers("Set-Cookie")).as("a stick table sets nothing").isEmpty();
      }
    }
    // Without the key the route is plain round robin.
    Set<String> keyless = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      keyless.add(Http.get(g.port(), Cafe.HOST, "/kiosk").serverName());
    }
    assertThat(keyless).hasSize(3);
  }

  @Test
  void onRedisReplicasShareTablesAndARestartKeepsThem() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      GatewayConfig shared = config.withRedis(new RedisSpec(redis.uri(), Duration.ofMillis(200)));
      Gateway a = gateway(shared);
      Gateway b = gateway(shared);

      Map<String, String> sessions = startShopSessions(a.port());
      sessions.putAll(startShopSessions(b.port()));
      assertSessionsStay(sessions, a.port(), b.port());

      Map<String, String> users = new LinkedHashMap<>();
      for (String user : List.of("alice", "bob", "carol")) {
        users.put(user, Http.get(a.port(), Cafe.HOST, "/kiosk", "X-User: " + user).serverName());
      }
      for (Map.Entry<String, String> e : users.entrySet()) {
        assertThat(Http.get(b.port(), Cafe.HOST, "/kiosk", "X-User: " + e.getKey()).serverName())
            .as("%s at the other replica", e.getKey())
            .isEqualTo(e.getValue());
      }

      // Both replicas go; a new one, with an empty near-cache, finds every session in Redis.
      a.close();
      b.close();
      Gateway restarted = gateway(shared);
      assertSessionsStay(sessions, restarted.port());
    }
  }

  @Test
  void whenRedisGoesAwayRequestsAreStillAnswered() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      Gateway g = gateway(config.withRedis(new RedisSpec(redis.uri(), Duration.ofMillis(100))));
      Map<String, String> sessions = startShopSessions(g.port());
      redis.stop();
      // Known sessions come from the near-cache; new ones are learned into it meanwhile.
      assertSessionsStay(sessions, g.port());
      Map<String, String> meanwhile = startShopSessions(g.port());
      assertSessionsStay(meanwhile, g.port());
      for (int i = 0; i < 10; i++) {
        assertThat(Http.get(g.port(), Cafe.HOST, "/kiosk", "X-User: u" + i).status())
            .isEqualTo(200);
      }
      redis.startAgain();
      assertSessionsStay(sessions, g.port());
      assertSessionsStay(meanwhile, g.port());
    }
  }
}
