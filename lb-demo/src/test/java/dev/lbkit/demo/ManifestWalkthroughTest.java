package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed guides' YAML, unchanged ({@code src/test/resources/manifests/}), through the real demo
 * gateway with stand-in pods on 127.0.0.1: each test walks through what its guide shows.
 */
class ManifestWalkthroughTest {
  @TempDir Path dir;

  /** A guide's directory in the test resources. */
  static Path guide(String name) {
    URL url = ManifestWalkthroughTest.class.getResource("/manifests/" + name);
    try {
      return Path.of(Objects.requireNonNull(url, name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The guide's manifests, read with stand-in pods for a gateway on a free port. */
  static ManifestReader.Result read(Path... paths) {
    return ManifestReader.read(
        "manifests",
        Manifest.load(List.of(paths)),
        new StandInPods(),
        new GatewayConfig.HostPort("127.0.0.1", 0),
        ManifestReader.ephemeralSigning());
  }

  private static final class Running implements AutoCloseable {
    final Demo demo;
    final String host;

    Running(ManifestReader.Result result, String host) throws Exception {
      this.demo = Demo.start(result.config());
      this.host = host;
    }

    Http.Response get(String path, String... headers) {
      return at(host, path, headers);
    }

    /** GET with another {@code Host}. */
    Http.Response at(String host, String path, String... headers) {
      Http.Response r = Http.get(demo.gateway().port(), host, path, headers);
      assertThat(r.status()).as("status of %s %s", host, path).isEqualTo(200);
      return r;
    }

    int status(String host, String path) {
      return Http.get(demo.gateway().port(), host, path).status();
    }

    String method(String upstream) {
      return demo.config().upstream(upstream).method().directive();
    }

    @Override
    public void close() {
      demo.close();
    }
  }

  /** Sends {@code cookie} five times: the backends that answered. */
  private static Set<String> fiveWith(Running gw, String path, String header) {
    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Http.Response r = gw.get(path, header);
      servers.add(r.serverName());
    }
    return servers;
  }

  @Test
  void nginxGatewayFabricCoffeeTeaAndLatte() throws Exception {
    ManifestReader.Result result = read(guide("001-nginx-gateway-fabric"));
    // Deployments size the stand-in pods, the Gateway picks NGINX Gateway Fabric's reading.
    assertThat(result.ignored()).isEmpty();
    try (Running gw = new Running(result, "cafe.example.com")) {
      assertThat(gw.demo.backends().names()).hasSize(6);
      assertThat(gw.method("coffee")).isEqualTo("ip_hash");
      assertThat(gw.method("tea")).isEqualTo("random two least_conn");
      assertThat(gw.method("latte")).isEqualTo("random two least_conn");

      // coffee: ip_hash on the client address, 127.0.0.1 here (no trusted proxy is configured).
      Set<String> coffee = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        Http.Response r = gw.get("/coffee");
        assertThat(r.headers("Set-Cookie")).isEmpty();
        assertThat(r.serverAddress()).startsWith("127.0.0.1:");
        coffee.add(r.serverName());
      }
      assertThat(coffee).hasSize(1);
      assertThat(coffee.iterator().next()).matches("coffee-[0-9a-f]{6}-[12]");

      // tea: sticky cookie cookie-tea expires=24h path=/tea.
      Http.Response first = gw.get("/tea");
      String setCookie = first.setCookie("cookie-tea");
      assertThat(setCookie).isNotNull();
      Map<String, String> attributes = SetCookie.attributes(setCookie);
      assertThat(attributes).containsEntry("max-age", "86400").containsEntry("path", "/tea");
      assertThat(SetCookie.expiresInSeconds(attributes.get("expires")))
          .isBetween(86_400L - 60, 86_400L + 60);
      assertThat(fiveWith(gw, "/tea", "Cookie: " + first.cookiePair("cookie-tea")))
          .containsExactly(first.serverName());
      // New sessions still spread: it is the cookie that keeps one backend.
      Set<String> fresh = new HashSet<>();
      for (int i = 0; i < 40 && fresh.size() < 2; i++) {
        fresh.add(gw.get("/tea").serverName());
      }
      assertThat(fresh).hasSize(2);
      assertThat(gw.status("cafe.example.com", "/tea/green")).isEqualTo(404); // Exact /tea

      // latte: no session, both pods answer.
      Set<String> latte = new HashSet<>();
      for (int i = 0; i < 40 && latte.size() < 2; i++) {
        Http.Response r = gw.get("/latte");
        assertThat(r.headers("Set-Cookie")).isEmpty();
        latte.add(r.serverName());
      }
      assertThat(latte).hasSize(2).allMatch(name -> name.startsWith("latte-"));

      // The routes are for cafe.example.com only.
      assertThat(gw.status("www.example.com", "/coffee")).isEqualTo(404);
    }
  }

  @Test
  void virtualServerSetsSrvIdPerPathWithItsExpiry() throws Exception {
    try (Running gw =
        new Running(read(guide("000-nginx-ingress-virtualserver")), "cafe.example.com")) {
      for (String[] upstream : new String[][] {{"tea", "7200"}, {"coffee", "3600"}}) {
        String path = "/" + upstream[0];
        long expires = Long.parseLong(upstream[1]);
        Http.Response first = gw.get(path);
        String setCookie = first.setCookie("srv_id");
        assertThat(setCookie).as(path).isNotNull();
        Map<String, String> attributes = SetCookie.attributes(setCookie);
        assertThat(attributes)
            .as(setCookie)
            .containsEntry("path", path)
            .containsEntry("max-age", upstream[1]);
        assertThat(SetCookie.expiresInSeconds(attributes.get("expires")))
            .isBetween(expires - 60, expires + 60);
        assertThat(first.serverName()).startsWith(upstream[0] + "-svc-");
        assertThat(fiveWith(gw, path, "Cookie: " + first.cookiePair("srv_id")))
            .containsExactly(first.serverName());
      }
    }
  }

  @Test
  void ingressNginxSetsIngresscookieWithMaxAgeAndExpires() throws Exception {
    try (Running gw = new Running(read(guide("002-ingress-nginx")), "any.example.com")) {
      Http.Response first = gw.get("/");
      String setCookie = first.setCookie("INGRESSCOOKIE");
      assertThat(setCookie).isNotNull();
      Map<String, String> attributes = SetCookie.attributes(setCookie);
      assertThat(attributes)
          .containsEntry("max-age", "172800")
          .containsEntry("path", "/")
          .containsKey("httponly");
      assertThat(SetCookie.expiresInSeconds(attributes.get("expires")))
          .isBetween(172_800L - 60, 172_800L + 60);
      assertThat(first.serverName()).startsWith("nginx-service-");
      assertThat(fiveWith(gw, "/", "Cookie: " + first.cookiePair("INGRESSCOOKIE")))
          .containsExactly(first.serverName());
    }
  }

  @Test
  void kgatewayCookieAndHeaderSessions() throws Exception {
    try (Running gw = new Running(read(guide("003-kgateway")), "gateway.example")) {
      // Session-A: a permanent cookie for absoluteTimeout 10s.
      Http.Response a = gw.get("/path-A");
      Map<String, String> attributes = SetCookie.attributes(a.setCookie("Session-A"));
      assertThat(attributes)
          .containsEntry("max-age", "10")
          .containsEntry("path", "/path-A")
          .containsKey("httponly");
      assertThat(fiveWith(gw, "/path-A/x", "Cookie: " + a.cookiePair("Session-A")))
          .containsExactly(a.serverName());

      // Session-B: a header, sent back by the client in the same header.
      Http.Response b = gw.get("/path-B");
      String token = b.header("Session-B");
      assertThat(token).isNotNull();
      assertThat(b.headers("Set-Cookie")).isEmpty();
      assertThat(fiveWith(gw, "/path-B", "Session-B: " + token)).containsExactly(b.serverName());
      // Round robin: two new sessions in a row go to the two pods.
      Set<String> fresh = new HashSet<>();
      fresh.add(gw.get("/path-B").serverName());
      fresh.add(gw.get("/path-B").serverName());
      assertThat(fresh).hasSize(2).allMatch(name -> name.startsWith("backend-"));

      // httpbin's Session-A: a session cookie (no Max-Age), for www.example.com.
      Http.Response httpbin = gw.at("www.example.com", "/headers");
      String setCookie = httpbin.setCookie("Session-A");
      assertThat(SetCookie.attributes(setCookie))
          .containsEntry("path", "/")
          .doesNotContainKey("max-age")
          .doesNotContainKey("expires");
      assertThat(httpbin.serverName()).startsWith("httpbin-");
    }
  }

  @Test
  void voyagerStickyServiceS1AndNonStickyS2() throws Exception {
    ManifestReader.Result result = read(guide("004-voyager/sticky-backends"));
    assertThat(result.warnings())
        .singleElement()
        .asString()
        .contains("TCP rule on port 9898 is ignored");
    try (Running gw = new Running(result, "foo.bar.com")) {
      Http.Response first = gw.get("/");
      String setCookie = first.setCookie("SERVERID");
      assertThat(setCookie).isNotNull();
      assertThat(SetCookie.attributes(setCookie))
          .doesNotContainKey("max-age")
          .doesNotContainKey("httponly");
      String cookie = first.cookiePair("SERVERID");
      for (int i = 0; i < 5; i++) {
        Http.Response r = gw.get("/", "Cookie: " + cookie);
        assertThat(r.serverName()).isEqualTo(first.serverName());
        // HAProxy's "insert indirect": the cookie is set when the session starts, not again.
        assertThat(r.headers("Set-Cookie")).isEmpty();
      }

      Set<String> s2 = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        Http.Response r = gw.at("bar.foo.com", "/", "Cookie: " + cookie);
        assertThat(r.headers("Set-Cookie")).isEmpty();
        s2.add(r.serverName());
      }
      assertThat(s2).hasSize(2).allMatch(name -> name.startsWith("s2-"));
    }
  }

  @Test
  void voyagerIngressAsWrittenIsNotStickyBecauseAnnotationIsNotAField() throws Exception {
    ManifestReader.Result result = read(guide("004-voyager/sticky-ingress"));
    assertThat(result.warnings())
        .anySatisfy(w -> assertThat(w).contains("ingress.yaml:7:", "metadata.annotation"));
    try (Running gw = new Running(result, "foo.bar.com")) {
      assertThat(gw.get("/").headers("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void voyagerIngressWithItsAnnotationSpelledAsKubernetesDoesMakesEveryBackendSticky()
      throws Exception {
    String text =
        Files.readString(guide("004-voyager/sticky-ingress").resolve("ingress.yaml"))
            .replace("  annotation:\n", "  annotations:\n");
    Path file = Files.writeString(dir.resolve("ingress.yaml"), text);
    ManifestReader.Result result = read(file);
    assertThat(result.warnings()).noneMatch(w -> w.contains("metadata.annotation"));
    try (Running gw = new Running(result, "foo.bar.com")) {
      for (String host : List.of("foo.bar.com", "bar.foo.com")) {
        Http.Response first = gw.at(host, "/");
        assertThat(first.setCookie("SERVERID")).as(host).isNotNull();
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 5; i++) {
          servers.add(gw.at(host, "/", "Cookie: " + first.cookiePair("SERVERID")).serverName());
        }
        assertThat(servers).as(host).containsExactly(first.serverName());
      }
    }
  }
}
