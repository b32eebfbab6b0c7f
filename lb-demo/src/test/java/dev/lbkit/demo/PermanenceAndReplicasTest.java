package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.demo.GatewayConfig.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only a shared secret and stable backend ids give: sessions that survive a gateway restart
 * (kgateway's "permanence" check) and that any replica honours, with no state shared between
 * gateways. The backends run on their own, as pods do, while gateways come and go in front.
 */
class PermanenceAndReplicasTest {
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

  private Gateway gateway(int port) throws Exception {
    Gateway g = Gateway.start(config.withListen(new HostPort("127.0.0.1", port)));
    gateways.add(g);
    return g;
  }

  /** A session started at one gateway: its token as a request header line, and its backend. */
  private record Session(String path, String headerLine, String server) {}

  private static List<Session> startSessions(int port) {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Http.Response tea = Http.get(port, Cafe.HOST, "/tea");
      sessions.add(
          new Session("/tea", "Cookie: " + tea.cookiePair("cookie-tea"), tea.serverName()));
      Http.Response header = Http.get(port, Cafe.HOST, "/header");
      sessions.add(
          new Session("/header", "Session-B: " + header.header("Session-B"), header.serverName()));
      for (String mode : new String[] {"/balanced", "/persistent"}) {
        Http.Response r = Http.get(port, Cafe.HOST, mode);
        sessions.add(new Session(mode, "Cookie: " + r.cookiePair("INGRESSCOOKIE"), r.serverName()));
      }
    }
    return sessions;
  }

  @Test
  void aRestartedGatewayHonoursTheTokensTheOldOneIssued() throws Exception {
    int port = Http.freePorts(1)[0];
    Gateway first = gateway(port);
    List<Session> sessions = startSessions(first.port());
    first.close();

    Gateway restarted = gateway(port);
    for (Session s : sessions) {
      for (int i = 0; i < 5; i++) {
        Http.Response r = Http.get(restarted.port(), Cafe.HOST, s.path(), s.headerLine());
        assertThat(r.serverName()).as("%s with %s", s.path(), s.headerLine()).isEqualTo(s.server());
        assertThat(r.headers("Set-Cookie")).as("no new session").isEmpty();
      }
    }
  }

  @Test
  void aClientAlternatingBetweenTwoReplicasStaysOnOneBackend() throws Exception {
    int[] ports = Http.freePorts(2);
    Gateway a = gateway(ports[0]);
    Gateway b = gateway(ports[1]);

    // Sessions started at either replica.
    List<Session> sessions = startSessions(a.port());
    sessions.addAll(startSessions(b.port()));
    for (Session s : sessions) {
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        int port = i % 2 == 0 ? a.port() : b.port();
        servers.add(Http.get(port, Cafe.HOST, s.path(), s.headerLine()).serverName());
      }
      assertThat(servers).as("%s with %s", s.path(), s.headerLine()).containsExactly(s.server());
    }

    // ip_hash needs no token: both replicas hash the same client to the same backend.
    for (int net = 0; net < 8; net++) {
      String client = "X-Forwarded-For: 192.0." + net + ".10";
      assertThat(Http.get(b.port(), Cafe.HOST, "/coffee", client).serverName())
          .isEqualTo(Http.get(a.port(), Cafe.HOST, "/coffee", client).serverName());
    }
  }
}
