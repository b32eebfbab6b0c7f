package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.TrafficSplit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The default file's canary route over real HTTP: espresso v1 and v2 split 90/10 (Gateway API
 * weighted backendRefs) with a cookie session that keeps a client on its version.
 */
class CanaryTest {
  private Demo demo;

  @AfterEach
  void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private int start(String yaml) throws Exception {
    demo = Demo.start(GatewayConfigReader.read("canary-test.yaml", yaml));
    return demo.gateway().port();
  }

  private static Http.Response get(int port, String... headers) {
    Http.Response r = Http.get(port, Cafe.HOST, "/canary", headers);
    assertThat(r.status()).isEqualTo(200);
    return r;
  }

  private static String version(Http.Response r) {
    return r.serverName().substring(0, "espresso-v1".length());
  }

  /**
   * A new session on {@code version}, deterministically: the other version takes no new sessions
   * for that one request. Waiting for a 1-in-10 draw to land there would take a different number of
   * requests every run.
   */
  private Http.Response newSessionOn(int port, String version) {
    TrafficSplit split = demo.gateway().trafficSplit("canary");
    String other = version.equals("espresso-v1") ? "espresso-v2" : "espresso-v1";
    int weight = split.weight(other);
    split.setWeight(other, 0);
    try {
      Http.Response r = get(port);
      assertThat(version(r)).isEqualTo(version);
      return r;
    } finally {
      split.setWeight(other, weight);
    }
  }

  /**
   * The file's weights reach the split, and each version's share of new sessions is what its weight
   * says: all of them at 100, none at 0. How a 90/10 split spreads its draws is the split's own
   * (seeded) test in lb-cookie and lb-servlet; counted here over 400 unseeded draws it would fail
   * now and then by chance.
   */
  @Test
  void newSessionsFollowTheWeights() throws Exception {
    int port = start(Cafe.onFreePorts());
    TrafficSplit split = demo.gateway().trafficSplit("canary");
    assertThat(split.weight("espresso-v1")).isEqualTo(90);
    assertThat(split.weight("espresso-v2")).isEqualTo(10);
    for (String version : new String[] {"espresso-v1", "espresso-v2"}) {
      String other = version.equals("espresso-v1") ? "espresso-v2" : "espresso-v1";
      split.setWeight(version, 100);
      split.setWeight(other, 0);
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        Http.Response r = get(port);
        assertThat(r.setCookie("cookie-espresso")).isNotNull();
        servers.add(r.serverName());
      }
      // Within the version, its upstream's round robin spreads the sessions.
      assertThat(servers).containsExactlyInAnyOrder(version + "-1", version + "-2");
    }
  }

  @Test
  void aSessionStaysOnItsVersionAndBackendWhenTheCanaryGoesToZero() throws Exception {
    int port = start(Cafe.onFreePorts());
    Http.Response first = newSessionOn(port, "espresso-v2");
    String cookie = first.cookiePair("cookie-espresso");
    Http.Response onV1 = newSessionOn(port, "espresso-v1");
    String v1Cookie = onV1.cookiePair("cookie-espresso");

    TrafficSplit split = demo.gateway().trafficSplit("canary");
    split.setWeight("espresso-v2", 0);
    for (int i = 0; i < 10; i++) {
      assertThat(get(port, "Cookie: " + cookie).serverName()).isEqualTo(first.serverName());
      assertThat(get(port, "Cookie: " + v1Cookie).serverName()).isEqualTo(onV1.serverName());
    }
    Set<String> fresh = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      fresh.add(version(get(port)));
    }
    assertThat(fresh).containsExactly("espresso-v1");

    // The other way round: v1 taken out of new sessions; its sessions stay too.
    split.setWeight("espresso-v1", 0);
    split.setWeight("espresso-v2", 100);
    assertThat(get(port, "Cookie: " + v1Cookie).serverName()).isEqualTo(onV1.serverName());
    assertThat(version(get(port))).isEqualTo("espresso-v2");
  }

  @Test
  void legacyCanaryBehaviorDrawsTheVersionOnEveryRequest() throws Exception {
    String yaml =
        Cafe.onFreePorts()
            .replace(
                "    sessionPersistence:\n      sessionName: cookie-espresso\n      type: Cookie\n",
                "    annotations:\n"
                    + "      nginx.ingress.kubernetes.io/affinity: cookie\n"
                    + "      nginx.ingress.kubernetes.io/session-cookie-name: cookie-espresso\n"
                    + "      nginx.ingress.kubernetes.io/affinity-canary-behavior: legacy\n");
    int port = start(yaml);
    String cookie = newSessionOn(port, "espresso-v2").cookiePair("cookie-espresso");

    demo.gateway().trafficSplit("canary").setWeight("espresso-v2", 0);
    for (int i = 0; i < 10; i++) {
      Http.Response r = get(port, "Cookie: " + cookie);
      assertThat(version(r)).isEqualTo("espresso-v1");
      // v1 starts a session of its own: the v2 session means nothing to it.
      assertThat(r.setCookie("cookie-espresso")).isNotNull();
    }
  }
}
