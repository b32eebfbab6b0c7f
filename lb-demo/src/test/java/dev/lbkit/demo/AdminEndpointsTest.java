package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /lbkit/status}, {@code /lbkit/status.json} and {@code /lbkit/metrics} over real HTTP. */
class AdminEndpointsTest {
  private Demo demo;

  @AfterEach
  void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  /** One new tea session, then three sticky hits on it: returns the backend's id. */
  private String teaTraffic(int port) {
    Http.Response first = Http.get(port, Cafe.HOST, "/tea");
    assertThat(first.status()).isEqualTo(200);
    String cookie = first.cookiePair("cookie-tea");
    String backend = first.serverName();
    for (int i = 0; i < 3; i++) {
      Http.Response again = Http.get(port, Cafe.HOST, "/tea", "Cookie: " + cookie);
      assertThat(again.serverName()).isEqualTo(backend);
    }
    return backend;
  }

  @Test
  void statusJsonCountsStickyHitsAndNewSessionsPerBackend() throws Exception {
    demo = Demo.start(Cafe.config());
    int port = demo.gateway().port();
    String backend = teaTraffic(port);
    String other = backend.equals("tea-1") ? "tea-2" : "tea-1";

    Http.Response json = Http.get(port, "localhost", "/lbkit/status.json");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.header("Content-Type")).startsWith("application/json");
    assertThat(json.header("Cache-Control")).isEqualTo("no-store");
    assertThat(json.body())
        .startsWith("{\"routes\":[{\"name\":\"coffee\",\"upstreams\":[{\"upstream\":\"coffee\"}]}")
        .contains(
            "{\"name\":\"canary\",\"upstreams\":[{\"upstream\":\"espresso-v1\",\"weight\":90},"
                + "{\"upstream\":\"espresso-v2\",\"weight\":10}]}")
        .containsPattern(
            backendJson(
                backend,
                "\"state\":\"up\",\"availability\":\"available\","
                    + "\"weight\":1,\"inFlight\":0,\"failures\":0,\"untilProbeMillis\":0,"
                    + "\"stickyHits\":3,\"newSessions\":1,"))
        .containsPattern(backendJson(other, "\"stickyHits\":0,\"newSessions\":0,"));
    assertThat(Http.get(port, "localhost", "/lbkit/status?format=json").body())
        .isEqualTo(json.body());
  }

  @Test
  void statusHtmlShowsEveryUpstreamAndRefreshesItself() throws Exception {
    demo = Demo.start(Cafe.config());
    int port = demo.gateway().port();
    String backend = teaTraffic(port);
    demo.gateway().upstream("latte").setState("latte-2", dev.lbkit.core.BackendState.DRAINING);

    Http.Response html = Http.get(port, "localhost", "/lbkit/status");
    assertThat(html.status()).isEqualTo(200);
    assertThat(html.header("Content-Type")).isEqualTo("text/html;charset=utf-8");
    assertThat(html.body())
        .contains("<meta http-equiv=\"refresh\" content=\"5\">")
        .contains("<h2 id=\"upstream-tea\">Upstream tea</h2>", "<h2 id=\"upstream-espresso-v2\">")
        .contains("<td class=\"l draining\">draining</td>")
        .containsPattern(
            Pattern.compile(
                "<td class=\"l\">"
                    + backend
                    + "</td><td class=\"l\">127\\.0\\.0\\.1:\\d+</td>"
                    + "<td class=\"l available\">available</td><td>1</td><td>0</td><td>0</td>"
                    + "<td></td><td>3</td><td>1</td>"));
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    demo = Demo.start(Cafe.config());
    int port = demo.gateway().port();
    String backend = teaTraffic(port);

    Http.Response metrics = Http.get(port, "localhost", "/lbkit/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain;version=0.0.4");
    assertThat(metrics.body())
        .contains("# TYPE lbkit_decisions_total counter")
        .contains(
            "lbkit_decisions_total{backend=\""
                + backend
                + "\",reason=\"sticky_hit\",upstream=\"tea\"} 3.0")
        .contains(
            "lbkit_decisions_total{backend=\""
                + backend
                + "\",reason=\"new_session\",upstream=\"tea\"} 1.0")
        .contains(
            "lbkit_outcomes_total{backend=\""
                + backend
                + "\",outcome=\"success\",upstream=\"tea\"} 4.0")
        .contains(
            "lbkit_requests_seconds_count{backend=\""
                + backend
                + "\",outcome=\"success\",upstream=\"tea\"} 4")
        .contains("lbkit_backend_in_flight{backend=\"" + backend + "\",upstream=\"tea\"} 0.0")
        .contains("lbkit_upstream_backends{availability=\"available\",upstream=\"coffee\"} 2.0");
  }

  @Test
  void otherPathsAndMethodsAreRefusedPlainly() throws Exception {
    demo = Demo.start(Cafe.config());
    int port = demo.gateway().port();
    Http.Response unknown = Http.get(port, "localhost", "/lbkit/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).contains("/lbkit/status");
    Http.Response post =
        Http.exchange(
            port,
            ("POST /lbkit/status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(AdminEndpoints.wantsJson("a=%zz&format=json")).isTrue();
    assertThat(AdminEndpoints.wantsJson("format=jsonx&&")).isFalse();
  }

  /**
   * The gateway listens on every address; a client connecting to this machine's own non-loopback
   * address is not local, and gets a 403 (while the same request over loopback gets the page).
   */
  @Test
  void aClientFromAnotherAddressIsRefused() throws Exception {
    InetAddress external = nonLoopbackAddress();
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address to connect from");
    String text = Cafe.onFreePorts().replace("listen: 127.0.0.1:0\n", "listen: 0.0.0.0:0\n");
    demo = Demo.start(GatewayConfigReader.read("cafe-any-address.yaml", text));
    int port = demo.gateway().port();

    assertThat(Http.get(port, "localhost", "/lbkit/status.json").status()).isEqualTo(200);
    String response = rawGet(external, port, "/lbkit/status.json");
    assertThat(response).startsWith("HTTP/1.1 403 ");
    assertThat(response).contains("local clients only").doesNotContain("\"routes\"");
    assertThat(rawGet(external, port, "/lbkit/metrics")).startsWith("HTTP/1.1 403 ");
  }

  private static Pattern backendJson(String id, String fields) {
    return Pattern.compile(
        "\\{\"id\":\""
            + Pattern.quote(id)
            + "\",\"address\":\"127\\.0\\.0\\.1:\\d+\",[^{}]*"
            + Pattern.quote(fields));
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a;
        }
      }
    }
    return null;
  }

  private static String rawGet(InetAddress address, int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
