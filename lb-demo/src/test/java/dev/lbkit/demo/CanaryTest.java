package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.TrafficSplit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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

  @Test
  void newSessionsFollowTheWeights() throws Exception {
    int port = start(Cafe.onFreePorts());
    Map<String, Integer> perServer = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      Http.Response r = get(port);
      assertThat(r.setCookie("cookie-espresso")).isNotNull();
      perServer.merge(r.serverName(), 1, Integer::sum);
    }
    int v2 =
        perServer.getOrDefault("espresso-v2-1", 0) + perServer.getOrDefault("espresso-v2-2", 0);
    // Expected 40 of 400 (sd 6): four standard deviations either way.
    assertThat(v2).isBetween(16, 64);
    assertThat(perServer)
        .containsOnlyKeys("espresso-v1-1", "espresso-v1-2", "espresso-v2-1", "espresso-v2-2");
  }

  @Test
  void aSessionStaysOnItsVersionAndBackendWhenTheCanaryGoesToZero() throws Exception {
    int port = start(Cafe.onFreePorts());
    Http.Response first;
    do {
      first = get(port);
    } while (!version(first).equals("espresso-v2"));
    String cookie = first.cookiePair("cookie-espresso");
    Http.Response onV1;
    do {
      onV1 = get(port);
    } while (!version(onV1).equals("espresso-v1"));
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
    Http.Response first;
    do {
      first = get(port);
    } while (!version(first).equals("espresso-v2"));
    String cookie = first.cookiePair("cookie-espresso");

    demo.gateway().trafficSplit("canary").setWeight("espresso-v2", 0);
    for (int i = 0; i < 10; i++) {
      Http.Response r = get(port, "Cookie: " + cookie);
      assertThat(version(r)).isEqualTo("espresso-v1");
      // v1 starts a session of its own: the v2 session means nothing to it.
      assertThat(r.setCookie("cookie-espresso")).isNotNull();
    }
  }
}
