package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed walkthroughs, through the gateway built from the default file (moved to free ports, tea
 * and latte on round robin so that nothing passes by chance: {@link Cafe#config()}): NGINX Gateway
 * Fabric's coffee, tea and latte, kgateway's header session, and ingress-nginx's balanced and
 * persistent cookies. Real Jetty, real sockets on 127.0.0.1.
 */
class CafeWalkthroughTest {
  private static Demo demo;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(Cafe.config());
    port = demo.gateway().port();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  private static Http.Response get(String path, String... headers) {
    Http.Response r = Http.get(port, Cafe.HOST, path, headers);
    assertThat(r.status()).as("status of %s", path).isEqualTo(200);
    return r;
  }

  @Test
  void coffeeFiveRequestsFromOneClientAddressReachOneBackend() {
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Http.Response r = get("/coffee");
      servers.add(r.serverName());
      assertThat(r.headers("Set-Cookie")).isEmpty();
    }
    assertThat(servers).hasSize(1);
    assertThat(servers.iterator().next()).isIn("coffee-1", "coffee-2");
  }

  @Test
  void coffeeHashesTheClientAddressTheTrustedProxyNames() {
    // As nginx ip_hash: the first three octets of the address decide, so 203.0.113.7 and
    // 203.0.113.99 share a backend; across many /24 networks both backends are used.
    Map<String, String> byClient = new LinkedHashMap<>();
    for (int net = 0; net < 16; net++) {
      String client = "198.51." + net + ".7";
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        servers.add(get("/coffee", "X-Forwarded-For: " + client).serverName());
      }
      assertThat(servers).as("backends of client %s", client).hasSize(1);
      byClient.put(client, servers.iterator().next());
      assertThat(get("/coffee", "X-Forwarded-For: 198.51." + net + ".200").serverName())
          .isEqualTo(byClient.get(client));
    }
    assertThat(new HashSet<>(byClient.values())).containsExactlyInAnyOrder("coffee-1", "coffee-2");
  }

  @Test
  void teaSetsCookieTeaWithExactlyTheConfiguredAttributesAndSticks() {
    Http.Response first = get("/tea");
    String setCookie = first.setCookie("cookie-tea");
    assertThat(setCookie).isNotNull();
    Map<String, String> attributes = SetCookie.attributes(setCookie);
    // Permanent, absoluteTimeout 24h, the path of the Exact match; HttpOnly is lbkit's default.
    assertThat(attributes.keySet())
        .containsExactlyInAnyOrder("expires", "max-age", "path", "httponly");
    assertThat(attributes).containsEntry("max-age", "86400").containsEntry("path", "/tea");
    assertThat(SetCookie.expiresInSeconds(attributes.get("expires")))
        .isBetween(86_400L - 60, 86_400L + 60);
    assertThat(SetCookie.value(setCookie)).matches("[A-Za-z0-9_-]+");

    String cookie = first.cookiePair("cookie-tea");
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      servers.add(get("/tea", "Cookie: " + cookie).serverName());
    }
    assertThat(servers).containsExactly(first.serverName());
  }

  @Test
  void teaIsAnExactMatch() {
    assertThat(Http.get(port, Cafe.HOST, "/tea/green").status()).isEqualTo(404);
    assertThat(Http.get(port, Cafe.HOST, "/teapot").status()).isEqualTo(404);
    Http.Response otherHost = Http.get(port, "tea.example.com", "/tea");
    assertThat(otherHost.status()).isEqualTo(404);
    assertThat(otherHost.body()).isEqualTo("404 Not Found: no route for this host and path\n");
  }

  @Test
  void latteReachesBothBackendsWithin20RequestsAndSetsNoCookie() {
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 20 && servers.size() < 2; i++) {
      Http.Response r = get("/latte");
      servers.add(r.serverName());
      assertThat(r.headers("Set-Cookie")).isEmpty();
    }
    assertThat(servers).containsExactlyInAnyOrder("latte-1", "latte-2");
  }

  @Test
  void headerSessionComesBackWhenItStartsAndEchoingItSticks() {
    Http.Response first = get("/header");
    String token = first.header("Session-B");
    assertThat(token).isNotNull().matches("[A-Za-z0-9_-]+");
    assertThat(first.headers("Set-Cookie")).isEmpty();

    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      servers.add(get("/header/orders", "Session-B: " + token).serverName());
    }
    assertThat(servers).containsExactly(first.serverName());

    // Without the header, round robin spreads new sessions over both backends.
    Set<String> fresh = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      fresh.add(get("/header").serverName());
    }
    assertThat(fresh).containsExactlyInAnyOrder("header-1", "header-2");
  }

  @Test
  void ingressNginxBalancedAndPersistentCookiesStick() {
    for (String mode : new String[] {"balanced", "persistent"}) {
      Http.Response first = get("/" + mode);
      Map<String, String> attributes = SetCookie.attributes(first.setCookie("INGRESSCOOKIE"));
      assertThat(attributes).containsEntry("path", "/" + mode).containsEntry("max-age", "172800");

      String cookie = first.cookiePair("INGRESSCOOKIE");
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        servers.add(get("/" + mode + "/cart", "Cookie: " + cookie).serverName());
      }
      assertThat(servers).as(mode).containsExactly(first.serverName());
      assertThat(first.serverName()).startsWith(mode + "-");
    }
  }

  @Test
  void aSessionOfOneRouteMeansNothingToAnother() {
    String teaCookie = get("/tea").cookiePair("cookie-tea");
    String renamed = "INGRESSCOOKIE=" + teaCookie.substring(teaCookie.indexOf('=') + 1);
    Http.Response r = get("/persistent", "Cookie: " + renamed);
    // Another scope's token is no session here: a new one starts.
    assertThat(r.setCookie("INGRESSCOOKIE")).isNotNull();
  }
}
