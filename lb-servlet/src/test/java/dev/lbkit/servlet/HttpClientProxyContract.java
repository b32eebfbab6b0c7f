package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Availability;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpClientProxyServlet} in a servlet container, forwarding to real backends (the JDK's
 * HTTP server): the same tests in every supported container ({@link JettyHttpClientProxyTest},
 * {@link TomcatHttpClientProxyTest}).
 */
abstract class HttpClientProxyContract {
  private static final String SECRET = "proxy-test-secret-0123456789abcdef";
  private static final int LARGE = 20 * 1024 * 1024;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private JdkBackend one;
  private JdkBackend two;
  private FilterContainer container;

  abstract FilterContainer.Starter starter();

  @BeforeEach
  void startBackends() throws IOException {
    one = JdkBackend.start("tea-1");
    two = JdkBackend.start("tea-2");
  }

  @AfterEach
  void stopAll() {
    if (container != null) {
      container.close();
    }
    one.close();
    two.close();
  }

  private String backends() {
    return "tea-1 127.0.0.1:" + one.port() + ", tea-2 127.0.0.1:" + two.port();
  }

  /** The filter and the proxy both declared by class and init-params, as in web.xml. */
  private FilterContainer declared(Map<String, String> filterParams, String... servletParams)
      throws Exception {
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.filterName = "tea";
    app.filterParams = filterParams;
    app.filterPatterns = List.of("/*");
    app.servletClass = HttpClientProxyServlet.class;
    app.servletParams = params(servletParams);
    container = starter().start(app);
    return container;
  }

  /** The proxy alone, picking with {@code lb}. */
  private FilterContainer standalone(LoadBalancer lb, String... servletParams) throws Exception {
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.servlet = new HttpClientProxyServlet(lb);
    app.servletParams = params(servletParams);
    container = starter().start(app);
    return container;
  }

  private static Map<String, String> params(String... keysAndValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return params;
  }

  private Map<String, String> teaSession() {
    return params(
        "backends", backends(), "sessionPersistence.sessionName", "cookie-tea", "secret", SECRET);
  }

  private static List<String> startingWith(List<String> values, String prefix) {
    List<String> matching = new ArrayList<>();
    for (String value : values) {
      if (value.startsWith(prefix)) {
        matching.add(value);
      }
    }
    return matching;
  }

  private static List<Availability> availabilities(LoadBalancer lb) {
    PoolSnapshot pool = lb.upstream().snapshot();
    List<Availability> result = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      result.add(pool.availability(i));
    }
    return result;
  }

  @Test
  void sessionsStickThroughTheProxyBesideTheBackendsOwnCookie() throws Exception {
    FilterContainer c = declared(teaSession());
    HttpResponse<String> first = Http.get(c.uri("/tea?setCookie=app%3D1"));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("URI: /cafe/tea?setCookie=app%3D1\n");
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(2).contains("app=1");
    List<String> session = startingWith(setCookies, "cookie-tea=");
    assertThat(session).hasSize(1);
    assertThat(session.get(0)).contains("Path=/cafe");
    String cookie = Http.cookiePair(session.get(0));
    String bound = JdkBackend.serverName(first.body());
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> next = Http.get(c.uri("/tea"), "Cookie", cookie);
      assertThat(JdkBackend.serverName(next.body())).isEqualTo(bound);
      assertThat(next.headers().allValues("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void aDeadBackendIsRetriedOnAnotherWithTheWholeBodyAndFailed() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb);
    one.close();
    for (int i = 0; i < 6; i++) {
      String body = "one pot of tea, number " + i;
      HttpResponse<String> response = Http.post(c.uri("/order"), body);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(JdkBackend.serverName(response.body())).isEqualTo("tea-2");
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(StandardCharsets.UTF_8));
      assertThat(response.body()).contains("Body: " + body.length() + " crc=" + crc.getValue());
    }
    PoolSnapshot pool = lb.upstream().snapshot();
    assertThat(pool.availability(pool.indexOf("tea-1"))).isEqualTo(Availability.FAILED);
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aRetryMovesTheNewSessionsCookieToTheBackendThatServed() throws Exception {
    // Passive health off: every pick of the dead backend goes through a retry.
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.builder("tea")
                    .backends(one.backend(), two.backend())
                    .passiveHealth(PassiveHealth.disabled())
                    .build())
            .affinity(SessionPersistence.cookie("cookie-tea").secrets(SECRET).build().toAffinity())
            .build();
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.filterName = "tea";
    app.filter = LoadBalancingFilter.builder(lb).build();
    app.filterPatterns = List.of("/*");
    app.servletClass = HttpClientProxyServlet.class;
    container = starter().start(app);
    one.close();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = Http.get(container.uri("/tea?setCookie=app%3D1"));
      assertThat(JdkBackend.serverName(response.body())).isEqualTo("tea-2");
      List<String> setCookies = response.headers().allValues("Set-Cookie");
      assertThat(setCookies).hasSize(2).contains("app=1");
      List<String> session = startingWith(setCookies, "cookie-tea=");
      assertThat(session).hasSize(1);
      HttpResponse<String> again =
          Http.get(container.uri("/tea"), "Cookie", Http.cookiePair(session.get(0)));
      assertThat(JdkBackend.serverName(again.body())).isEqualTo("tea-2");
    }
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aNewSessionWhoseOnlyBackendIsDeadIsAnswered502WithoutItsCookie() throws Exception {
    // The filter wrote the new session's cookie before the chain; the retry finds no backend, so
    // the cookie, naming a backend that never answered, is taken back (on Servlet 6.0 containers,
    // which ignore setHeader(name, null), by a reset).
    Map<String, String> params = teaSession();
    params.put("backends", "tea-1 127.0.0.1:" + one.port());
    FilterContainer c = declared(params);
    one.close();
    HttpResponse<String> response = Http.get(c.uri("/tea?setCookie=app%3D1"));
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(response.body()).isEqualTo("502 Bad Gateway\n");
  }

  @Test
  void everyBackendUnreachableAnswers502() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb);
    one.close();
    two.close();
    HttpResponse<String> response = Http.get(c.uri("/tea"));
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).isEqualTo("502 Bad Gateway\n");
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void noBackendAnswers503WithRetryAfter() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    lb.upstream().setState("tea-1", BackendState.DOWN);
    lb.upstream().setState("tea-2", BackendState.DOWN);
    HttpResponse<String> response = Http.get(standalone(lb).uri("/tea"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
    assertThat(one.requests() + two.requests()).isZero();
  }

  @Test
  void aBackendTooSlowToAnswerIs504AndFailed() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb, "timeout", "300ms");
    HttpResponse<String> response = Http.get(c.uri("/tea?sleep=3000"));
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body()).isEqualTo("504 Gateway Timeout\n");
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void aResponseBodyThatStallsBreaksTheClientsConnectionAndFailsTheBackend() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb, "idleTimeout", "300ms");
    HttpRequest request =
        HttpRequest.newBuilder(c.uri("/tea?stall")).timeout(Duration.ofSeconds(10)).build();
    // The client must not take a truncated body for a whole one.
    assertThatThrownBy(() -> CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class);
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void aBackendsFailureStatusIsRelayedAndCountsAgainstIt() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb);
    HttpResponse<String> response = Http.get(c.uri("/tea?status=502"));
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).startsWith("Server name: tea-");
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb))
        .containsExactlyInAnyOrder(Availability.FAILED, Availability.AVAILABLE);
  }

  @Test
  void aLargeDownloadIsStreamedNotBuffered() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend()));
    FilterContainer c = standalone(lb);
    HttpRequest request =
        HttpRequest.newBuilder(c.uri("/bulk?size=" + LARGE + "&gate"))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<InputStream> response =
        CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream in = response.body()) {
      // The backend holds back everything after its first 64 KiB until the client has those:
      // a proxy that buffered the body would never pass them on.
      byte[] head =
          CompletableFuture.supplyAsync(() -> readExactly(in, JdkBackend.GATE_BYTES))
              .get(10, TimeUnit.SECONDS);
      assertThat(head).hasSize(JdkBackend.GATE_BYTES);
      one.openGate();
      byte[] buffer = new byte[65536];
      long total = head.length;
      long mismatches = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] != JdkBackend.pattern(total + i)) {
            mismatches++;
          }
        }
        total += n;
      }
      assertThat(total).isEqualTo(LARGE);
      assertThat(mismatches).isZero();
      for (int i = 0; i < head.length; i++) {
        assertThat(head[i]).isEqualTo(JdkBackend.pattern(i));
      }
    }
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aLargeUploadIsStreamedNotBuffered() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend()));
    FilterContainer c = standalone(lb);
    CRC32 crc = new CRC32();
    boolean[] backendSawTheStartFirst = new boolean[1];
    InputStream upload =
        new InputStream() {
          private long sent;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (sent >= LARGE) {
              return -1;
            }
            if (sent == 1024 * 1024) {
              // Hold back the rest until the backend has the first 64 KiB: a proxy that buffered
              // the whole body first would never send those.
              try {
                backendSawTheStartFirst[0] = one.uploadStarted.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            int n =
                (int)
                    Math.min(
                        Math.min(len, 8192),
                        Math.min(LARGE - sent, 1024 * 1024 - sent % (1024 * 1024)));
            for (int i = 0; i < n; i++) {
              b[off + i] = JdkBackend.pattern(sent + i);
            }
            crc.update(b, off, n);
            sent += n;
            return n;
          }
        };
    HttpRequest request =
        HttpRequest.newBuilder(c.uri("/upload"))
            .timeout(Duration.ofSeconds(60))
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> upload), LARGE))
            .build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(backendSawTheStartFirst[0]).isTrue();
    assertThat(response.body()).contains("Body: " + LARGE + " crc=" + crc.getValue() + "\n");
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aClientThatGoesAwayMidDownloadFailsNoBackend() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb);
    for (int i = 0; i < 2; i++) {
      try (Socket socket = new Socket("127.0.0.1", c.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET "
                    + FilterContainer.CONTEXT_PATH
                    + "/bulk?size="
                    + LARGE
                    + " HTTP/1.1\r\n"
                    + "Host: cafe\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        readExactly(socket.getInputStream(), 100_000);
      } // closed with most of the body unread
    }
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb)).containsOnly(Availability.AVAILABLE);
  }

  @Test
  void hopByHopHeadersAreRemovedBothWays() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend()));
    FilterContainer c = standalone(lb);
    String answer;
    try (Socket socket = new Socket("127.0.0.1", c.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + FilterContainer.CONTEXT_PATH
                  + "/tea?hop HTTP/1.1\r\n"
                  + "Host: cafe\r\n"
                  + "Connection: close, X-Client-Hop\r\n"
                  + "X-Client-Hop: secret\r\n"
                  + "Keep-Alive: timeout=300\r\n"
                  + "TE: trailers\r\n"
                  + "Proxy-Authorization: Basic eDp5\r\n"
                  + "Proxy-Connection: keep-alive\r\n"
                  + "X-End: yes\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Http.readAnswer(socket.getInputStream(), bytes);
      answer = bytes.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }
    int split = answer.indexOf("\r\n\r\n");
    String head = answer.substring(0, split);
    String body = answer.substring(split + 4);
    // To the backend: end-to-end headers only.
    assertThat(body).contains("> x-end: yes\n");
    assertThat(body)
        .doesNotContain("x-client-hop")
        .doesNotContain("timeout=300")
        .doesNotContain("> te:")
        .doesNotContain("proxy-authorization")
        .doesNotContain("proxy-connection");
    // To the client: the backend's end-to-end headers only.
    assertThat(head).startsWith("http/1.1 200").contains("\r\nx-end-to-end: kept");
    assertThat(head)
        .doesNotContain("x-backend-hop")
        .doesNotContain("timeout=5")
        .doesNotContain("proxy-authenticate");
  }

  @Test
  void forwardingHeadersAreAddedAsTheJettyProxyAddsThem() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend()));
    FilterContainer c = standalone(lb);
    String host = "127.0.0.1:" + c.port();
    String body =
        Http.get(
                c.uri("/tea"),
                "X-Forwarded-For",
                "203.0.113.7",
                "X-Forwarded-Host",
                "evil.example",
                "X-Forwarded-Proto",
                "https",
                "Forwarded",
                "for=192.0.2.60;proto=https")
            .body()
            .toLowerCase(Locale.ROOT);
    assertThat(body)
        .contains("> x-forwarded-for: 203.0.113.7\n")
        .contains("> x-forwarded-for: 127.0.0.1\n")
        .contains("> x-forwarded-proto: http\n")
        .contains("> x-forwarded-host: " + host + "\n")
        .contains(
            "> forwarded: for=192.0.2.60;proto=https, by=\"127.0.0.1\";for=\"127.0.0.1\";host=\""
                + host
                + "\";proto=http\n")
        .containsPattern("> via: 1\\.1 \\S+\n")
        .doesNotContain("evil.example")
        .doesNotContain("proto: https");
  }

  @Test
  void oddClientRequestsAreAnsweredWithoutFailingABackend() throws Exception {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend(), two.backend()));
    FilterContainer c = standalone(lb);
    String path = FilterContainer.CONTEXT_PATH + "/tea";
    List<String> heads =
        List.of(
            "FOO " + path + " HTTP/1.1\r\nHost: cafe\r\n",
            "GET " + path + "/a%7Cb?x=%ZZ&y=%00 HTTP/1.1\r\nHost: cafe\r\n",
            "GET " + path + " HTTP/1.1\r\nHost: cafe\r\nX-Obs: caf\u00e9 \u00ff\r\n",
            "GET "
                + path
                + " HTTP/1.1\r\nHost: cafe\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade, close\r\n",
            "GET "
                + path
                + " HTTP/1.1\r\nHost: cafe\r\nForwarded: for=\"\r\nVia: \"\r\n"
                + "X-Forwarded-For: nonsense, , 999.1.1.1\r\n",
            "POST "
                + path
                + " HTTP/1.1\r\nHost: cafe\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n",
            "POST "
                + path
                + " HTTP/1.1\r\nHost: cafe\r\nExpect: 100-continue\r\n"
                + "Content-Length: 5\r\n\r\nhello",
            "POST " + path + " HTTP/1.1\r\nHost: cafe\r\nContent-Length: 10\r\n\r\nshort");
    for (String head : heads) {
      String answer;
      try (Socket socket = new Socket("127.0.0.1", c.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        String request = head.contains("\r\n\r\n") ? head : head + "Connection: close\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (head.endsWith("short")) {
          socket.shutdownOutput(); // the body ends 5 bytes early
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
          Http.readAnswer(socket.getInputStream(), bytes);
        } catch (IOException e) {
          // What arrived before a reset is the answer.
        }
        answer = bytes.toString(StandardCharsets.ISO_8859_1);
      }
      // Answered (by the backend, or as the client's error), never a 5xx of the gateway's own.
      String status = answer.isEmpty() ? "none" : answer.substring(9, 12);
      assertThat(status).as(head).matches("[1-4]\\d\\d|none");
    }
    ProxyAssertions.assertNothingInFlight(lb);
    assertThat(availabilities(lb)).as("no backend failed").containsOnly(Availability.AVAILABLE);
  }

  @Test
  void aBadInitParamStopsTheApplication() {
    LoadBalancer lb = LoadBalancer.of(Upstream.of("tea", one.backend()));
    assertThatThrownBy(() -> standalone(lb, "timeout", "soon"))
        .hasStackTraceContaining("init-param timeout");
  }

  private static byte[] readExactly(InputStream in, int count) {
    try {
      return in.readNBytes(count);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
