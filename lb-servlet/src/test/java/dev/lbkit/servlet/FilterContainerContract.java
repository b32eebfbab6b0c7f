package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Upstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link LoadBalancingFilter} does in a servlet container, declared only by init-params as
 * {@code web.xml} declares it: the same tests for every supported container, each subclass starting
 * its own ({@link JettyFilterContainerTest}, {@link TomcatFilterContainerTest}).
 */
abstract class FilterContainerContract {
  static final String SECRET = "container-test-secret-0123456789abcdef";
  static final String BACKENDS = "tea-1 10.0.0.1:8080, tea-2 10.0.0.2:8080";

  private FilterContainer container;

  /** How this container is started. */
  abstract FilterContainer.Starter starter();

  @AfterEach
  void stopContainer() {
    if (container != null) {
      container.close();
    }
  }

  private FilterContainer start(Map<String, String> params, String... patterns) throws Exception {
    if (container != null) {
      container.close();
    }
    container = starter().start("tea", params, List.of(patterns));
    return container;
  }

  /** The tea route's session as Gateway API init-params: 24 h permanent cookie-tea, signed. */
  static Map<String, String> teaSession() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("backends", BACKENDS);
    params.put("sessionPersistence.sessionName", "cookie-tea");
    params.put("sessionPersistence.absoluteTimeout", "24h");
    params.put("sessionPersistence.cookieConfig.lifetimeType", "Permanent");
    params.put("secret", SECRET);
    return params;
  }

  private static Map<String, String> with(Map<String, String> params, String... more) {
    Map<String, String> copy = new LinkedHashMap<>(params);
    for (int i = 0; i < more.length; i += 2) {
      copy.put(more[i], more[i + 1]);
    }
    return copy;
  }

  private static String sessionCookie(HttpResponse<String> response) {
    List<String> setCookies = response.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(1);
    return setCookies.get(0);
  }

  @Test
  void initParamsConfigureTheFilter() throws Exception {
    FilterContainer c =
        start(
            Map.of(
                "backends", "tea-1 10.0.0.1:8080, tea-2 10.0.0.2:8080 drain",
                "method", "least_conn"),
            "/tea/*");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = Http.get(c.uri("/tea/menu"));
      assertThat(response.statusCode()).isEqualTo(200);
      // tea-2 drains: every new request goes to tea-1; the upstream is named after the filter.
      assertThat(response.body()).isEqualTo("backend=tea-1 reason=BALANCED upstream=tea");
    }
    // Outside the filter's patterns the application runs without a decision.
    assertThat(Http.get(c.uri("/coffee")).body()).isEqualTo("no decision");
  }

  @Test
  void cookieAttributesFollowTheInitParamsAndTheMapping() throws Exception {
    FilterContainer c = start(teaSession(), "/tea", "/tea/*");
    HttpResponse<String> first = Http.get(c.uri("/tea"));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("reason=NEW_SESSION");
    String setCookie = sessionCookie(first);
    String[] parts = setCookie.split("; ");
    assertThat(parts[0]).matches("cookie-tea=[A-Za-z0-9_-]+");
    Map<String, String> attributes = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      attributes.put(
          eq < 0 ? parts[i] : parts[i].substring(0, eq), eq < 0 ? "" : parts[i].substring(eq + 1));
    }
    // The mapping's common path, after the context path; HttpOnly by default; no Secure on http.
    assertThat(attributes.keySet())
        .containsExactlyInAnyOrder("Max-Age", "Expires", "Path", "HttpOnly");
    assertThat(attributes)
        .containsEntry("Max-Age", "86400")
        .containsEntry("Path", FilterContainer.CONTEXT_PATH + "/tea");
    ZonedDateTime expires =
        ZonedDateTime.parse(
            attributes.get("Expires"),
            DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
    assertThat(expires).isCloseTo(ZonedDateTime.now().plusHours(24), within());

    String cookie = Http.cookiePair(setCookie);
    String bound = DecisionServlet.backend(first.body());
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> next = Http.get(c.uri("/tea/cup"), "Cookie", cookie);
      assertThat(next.body()).isEqualTo("backend=" + bound + " reason=STICKY_HIT upstream=tea");
      assertThat(next.headers().allValues("Set-Cookie")).isEmpty();
    }
  }

  private static org.assertj.core.data.TemporalUnitOffset within() {
    return org.assertj.core.api.Assertions.within(2, ChronoUnit.MINUTES);
  }

  @Test
  void aFailedBackendsSessionMovesWithANewCookie() throws Exception {
    FilterContainer c = start(teaSession(), "/tea");
    HttpResponse<String> first = Http.get(c.uri("/tea"));
    String cookie = Http.cookiePair(sessionCookie(first));
    String bound = DecisionServlet.backend(first.body());
    String other = bound.equals("tea-1") ? "tea-2" : "tea-1";

    // The application answers 502 for the bound backend: a failure (failureStatuses), maxFails 1.
    HttpResponse<String> failed = Http.get(c.uri("/tea?status=502"), "Cookie", cookie);
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.headers().allValues("Set-Cookie")).isEmpty();

    HttpResponse<String> moved = Http.get(c.uri("/tea"), "Cookie", cookie);
    assertThat(moved.body())
        .isEqualTo("backend=" + other + " reason=REBALANCED_FAILED upstream=tea");
    String newCookie = Http.cookiePair(sessionCookie(moved));
    assertThat(newCookie).startsWith("cookie-tea=").isNotEqualTo(cookie);
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(c.uri("/tea"), "Cookie", newCookie).body())
          .isEqualTo("backend=" + other + " reason=STICKY_HIT upstream=tea");
    }
  }

  @Test
  void noBackendAnswers503WithRetryAfter() throws Exception {
    FilterContainer c =
        start(
            Map.of(
                "backends", "tea-1 10.0.0.1:8080 down, tea-2 10.0.0.2:8080 down",
                "retryAfter", "5s"),
            "/tea");
    HttpResponse<String> response = Http.get(c.uri("/tea"));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body())
        .isEqualTo("503 Service Unavailable: no backend can take this request\n");
  }

  @Test
  void noBackendCanBeLeftToTheApplication() throws Exception {
    FilterContainer c =
        start(Map.of("backends", "tea-1 10.0.0.1:8080 down", "noBackend", "chain"), "/tea");
    HttpResponse<String> response = Http.get(c.uri("/tea"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("backend=none reason=NO_BACKEND upstream=tea");
  }

  @Test
  void aRestartedContainerHonoursTheCookiesItIssued() throws Exception {
    FilterContainer c = start(teaSession(), "/tea");
    HttpResponse<String> first = Http.get(c.uri("/tea"));
    String cookie = Http.cookiePair(sessionCookie(first));
    String bound = DecisionServlet.backend(first.body());

    // A new container, as after a redeploy: nothing is shared but the init-params (the secret).
    c = start(teaSession(), "/tea");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = Http.get(c.uri("/tea"), "Cookie", cookie);
      assertThat(response.body()).isEqualTo("backend=" + bound + " reason=STICKY_HIT upstream=tea");
      assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }
    // Another secret does not honour it: the session starts again.
    c = start(with(teaSession(), "secret", "another-secret-0123456789abcdef"), "/tea");
    assertThat(Http.get(c.uri("/tea"), "Cookie", cookie).body()).contains("reason=NEW_SESSION");
  }

  @Test
  void malformedSessionCookiesStartANewSession() throws Exception {
    FilterContainer c = start(teaSession(), "/tea");
    for (String bad :
        List.of(
            "cookie-tea=", "cookie-tea=%%%", "cookie-tea=\"x", "cookie-tea=" + "A".repeat(3000))) {
      HttpResponse<String> response = Http.get(c.uri("/tea"), "Cookie", bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(200);
      assertThat(response.body()).as(bad).contains("reason=NEW_SESSION");
      assertThat(Http.cookiePair(sessionCookie(response))).as(bad).isNotEqualTo(bad);
    }
  }

  /**
   * A user's own forwarder ({@link UserForwarder}) behind a filter whose first backend is down:
   * each new session the retry moves is answered with one cookie, the served backend's.
   */
  private FilterContainer userForwarder(JdkBackend live, int deadPort) throws Exception {
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.builder("tea")
                    .backends(Backend.of("tea-1", "127.0.0.1", deadPort), live.backend())
                    // Off: each pick of the dead backend goes through a retry.
                    .passiveHealth(PassiveHealth.disabled())
                    .build())
            .affinity(SessionPersistence.cookie("cookie-tea").secrets(SECRET).build().toAffinity())
            .build();
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.filterName = "tea";
    app.filter = LoadBalancingFilter.builder(lb).build();
    app.filterPatterns = List.of("/*");
    app.servlet = new UserForwarder();
    if (container != null) {
      container.close();
    }
    container = starter().start(app);
    return container;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aUsersForwarderMovesTheSessionOnRetry() throws Exception {
    try (JdkBackend live = JdkBackend.start("tea-2")) {
      for (String mode : List.of("library", "own")) {
        FilterContainer c = userForwarder(live, closedPort());
        int retried = 0;
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> response = Http.get(c.uri("/tea?mode=" + mode));
          assertThat(response.statusCode()).as(mode).isEqualTo(200);
          assertThat(response.body()).as(mode).startsWith("served-by=tea-2 ");
          if (response.body().contains("attempt=2")) {
            retried++;
            assertThat(response.body())
                .contains("reason=FAILOVER")
                .endsWith(mode.equals("own") ? "moved=true," : "moved=");
          }
          // One session cookie, the backend's that served: the dead one's was replaced.
          String cookie = Http.cookiePair(sessionCookie(response));
          HttpResponse<String> again = Http.get(c.uri("/tea?mode=" + mode), "Cookie", cookie);
          assertThat(again.body())
              .as(mode)
              .isEqualTo("served-by=tea-2 attempt=1 reason=STICKY_HIT moved=");
          assertThat(again.headers().allValues("Set-Cookie")).isEmpty();
        }
        // Round robin starts new sessions on the dead backend too: those went through a retry.
        assertThat(retried).as(mode).isPositive();
      }
    }
  }

  @Test
  void aCommittedResponseKeepsItsSessionHeadersAndSaysSo() throws Exception {
    try (JdkBackend live = JdkBackend.start("tea-2")) {
      FilterContainer c = userForwarder(live, closedPort());
      int retried = 0;
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> response = Http.get(c.uri("/tea?mode=commit"));
        assertThat(response.body()).startsWith("committed served-by=tea-2 ");
        // Exactly one session cookie either way: the first decision's when it could not move.
        assertThat(sessionCookie(response)).startsWith("cookie-tea=");
        if (response.body().contains("attempt=2")) {
          retried++;
          assertThat(response.body()).endsWith("moved=false,");
        }
      }
      assertThat(retried).isPositive();
    }
  }

  @Test
  void theSessionApiRefusesMisuseWithClearErrors() throws Exception {
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.filterName = "tea";
    app.filterParams = Map.of("backends", BACKENDS);
    app.filterPatterns = List.of("/tea");
    app.servlet =
        new jakarta.servlet.http.HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(
              jakarta.servlet.http.HttpServletRequest request,
              jakarta.servlet.http.HttpServletResponse response)
              throws IOException {
            String answer;
            try {
              Decision foreign =
                  LoadBalancer.of(Upstream.of("other", Backend.of("x", "10.0.0.9", 80)))
                      .pick(dev.lbkit.core.RequestContext.builder().path("/").build());
              LoadBalancingFilter.moveSession(request, response, foreign);
              answer = "accepted";
            } catch (IllegalArgumentException | IllegalStateException e) {
              answer = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            response.getWriter().print(answer);
          }
        };
    container = starter().start(app);
    assertThat(Http.get(container.uri("/tea")).body())
        .startsWith("IllegalArgumentException: next: ")
        .contains("expected: a retry of this request's decision");
    assertThat(Http.get(container.uri("/elsewhere")).body())
        .startsWith("IllegalStateException: no LoadBalancingFilter routed this request");
  }

  @Test
  void aWebXmlApplicationChangesItsUpstreamsAtRunTime() throws Exception {
    Map<String, String> params = teaSession();
    FilterContainer.WebApp app =
        FilterContainer.WebApp.declared("tea", params, List.of("/tea"), new DecisionServlet());
    container = starter().start(app);
    FilterContainer c = container;
    assertThat(Http.get(c.uri("/admin?admin=list")).body())
        .isEqualTo("tea=tea(tea-1 UP w1,tea-2 UP w1);");

    // Drain the backend a session is bound to: the session stays, new ones go elsewhere.
    HttpResponse<String> first = Http.get(c.uri("/tea"));
    String cookie = Http.cookiePair(sessionCookie(first));
    String bound = DecisionServlet.backend(first.body());
    String other = bound.equals("tea-1") ? "tea-2" : "tea-1";
    assertThat(Http.get(c.uri("/admin?admin=state&backend=" + bound + "&value=DRAINING")).body())
        .isEqualTo("changed=true");
    assertThat(Http.get(c.uri("/tea"), "Cookie", cookie).body())
        .isEqualTo("backend=" + bound + " reason=STICKY_HIT upstream=tea");
    for (int i = 0; i < 4; i++) {
      assertThat(DecisionServlet.backend(Http.get(c.uri("/tea")).body())).isEqualTo(other);
    }

    // Weights: smooth weighted round robin over 3:1 gives exactly 6 and 2 of 8 new sessions.
    Http.get(c.uri("/admin?admin=state&backend=" + bound + "&value=UP"));
    assertThat(Http.get(c.uri("/admin?admin=weight&backend=tea-1&value=3")).body())
        .isEqualTo("changed=true");
    int toOne = 0;
    for (int i = 0; i < 8; i++) {
      if ("tea-1".equals(DecisionServlet.backend(Http.get(c.uri("/tea")).body()))) {
        toOne++;
      }
    }
    assertThat(toOne).isEqualTo(6);

    // Removing a backend: its sessions move, new ones never reach it.
    assertThat(Http.get(c.uri("/admin?admin=remove&backend=tea-2")).body())
        .isEqualTo("changed=true");
    assertThat(Http.get(c.uri("/admin?admin=list")).body()).isEqualTo("tea=tea(tea-1 UP w3);");
    for (int i = 0; i < 3; i++) {
      assertThat(DecisionServlet.backend(Http.get(c.uri("/tea")).body())).isEqualTo("tea-1");
    }
    assertThat(Http.get(c.uri("/admin?admin=state&filter=nope&backend=x&value=UP")).body())
        .isEqualTo("no filter nope");
  }

  @Test
  void aDestroyedFilterLeavesTheRegistry() throws Exception {
    LoadBalancingFilter filter =
        LoadBalancingFilter.builder(
                LoadBalancer.of(Upstream.of("code", Backend.of("c-1", "10.0.0.3", 80))))
            .build();
    jakarta.servlet.ServletContext[] context = new jakarta.servlet.ServletContext[1];
    FilterContainer.WebApp app = new FilterContainer.WebApp();
    app.filterName = "coded";
    app.filter = filter;
    app.filterPatterns = List.of("/coded");
    app.servlet =
        new jakarta.servlet.http.HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          public void init() {
            context[0] = getServletContext();
          }
        };
    container = starter().start(app);
    // A filter built in code is registered under the name it was added with.
    assertThat(LoadBalancingFilter.upstreams(context[0])).containsOnlyKeys("coded");
    assertThat(LoadBalancingFilter.upstream(context[0], "coded").name()).isEqualTo("code");
    filter.destroy();
    assertThat(LoadBalancingFilter.upstreams(context[0])).isEmpty();
    assertThat(LoadBalancingFilter.upstream(context[0], "coded")).isNull();
  }

  @Test
  void aBadInitParamStopsTheApplicationNamingTheParameter() {
    assertThatThrownBy(() -> start(Map.of("backends", BACKENDS, "maxTries", "zero"), "/tea"))
        .hasStackTraceContaining("init-param maxTries: \"zero\" (expected: an integer in 1..100)");
  }

  @Test
  void sessionPersistenceWithoutASecretIsRefused() {
    Map<String, String> params = teaSession();
    params.remove("secret");
    assertThatThrownBy(() -> start(params, "/tea"))
        .hasStackTraceContaining("init-param secret: absent");
  }
}
