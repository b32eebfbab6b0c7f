package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * {@code web.xml} declares it: the same tests for every supported container, each subclass
 * starting its own ({@link JettyFilterContainerTest}, {@link TomcatFilterContainerTest}).
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
            attributes.get("Expires"), DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
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
    assertThat(moved.body()).isEqualTo("backend=" + other + " reason=REBALANCED_FAILED upstream=tea");
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
        start(
            Map.of("backends", "tea-1 10.0.0.1:8080 down", "noBackend", "chain"), "/tea");
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
        List.of("cookie-tea=", "cookie-tea=%%%", "cookie-tea=\"x", "cookie-tea=" + "A".repeat(3000))) {
      HttpResponse<String> response = Http.get(c.uri("/tea"), "Cookie", bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(200);
      assertThat(response.body()).as(bad).contains("reason=NEW_SESSION");
      assertThat(Http.cookiePair(sessionCookie(response))).as(bad).isNotEqualTo(bad);
    }
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
