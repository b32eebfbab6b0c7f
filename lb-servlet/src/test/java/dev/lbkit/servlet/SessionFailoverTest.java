package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.PassiveHealth;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions when their backend fails, is refused (strict), or drains. */
class SessionFailoverTest {
  private Cafe cafe;

  @AfterEach
  void close() throws Exception {
    if (cafe != null) {
      cafe.close();
    }
  }

  private String startSession() throws Exception {
    HttpResponse<String> first = Http.get(cafe.gateway.uri("/tea"));
    assertThat(first.statusCode()).isEqualTo(200);
    return Http.cookiePair(first.headers().firstValue("Set-Cookie").orElseThrow());
  }

  private String servedBy(String cookie) throws Exception {
    HttpResponse<String> response = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
    assertThat(response.statusCode()).isEqualTo(200);
    return HelloBackend.serverName(response.body());
  }

  private static String other(String backend) {
    return backend.equals("tea-1") ? "tea-2" : "tea-1";
  }

  @Test
  void stoppedBackendSessionMovesWithANewCookie() throws Exception {
    cafe = Cafe.open();
    String cookie = startSession();
    String bound = servedBy(cookie);
    cafe.get(bound).stop();

    HttpResponse<String> moved = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(HelloBackend.serverName(moved.body())).isEqualTo(other(bound));
    List<String> setCookies = moved.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(1);
    String newCookie = Http.cookiePair(setCookies.get(0));
    assertThat(newCookie).startsWith("cookie-tea=").isNotEqualTo(cookie);
    for (int i = 0; i < 5; i++) {
      assertThat(servedBy(newCookie)).isEqualTo(other(bound));
    }
    // The bound backend comes back: the new cookie stays where it is.
    cafe.get(bound).restart();
    assertThat(servedBy(newCookie)).isEqualTo(other(bound));
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void newSessionOnAnUnreachableBackendIsAnsweredWithTheCookieOfTheBackendThatServed()
      throws Exception {
    // Passive health off: every pick of the stopped backend goes through a retry.
    cafe = Cafe.open(tea -> tea, PassiveHealth.disabled());
    cafe.get("tea-1").stop();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = Http.get(cafe.gateway.uri("/tea"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(HelloBackend.serverName(response.body())).isEqualTo("tea-2");
      List<String> setCookies = response.headers().allValues("Set-Cookie");
      // The Set-Cookie written for tea-1 before the attempt was replaced, not joined.
      assertThat(setCookies).hasSize(1);
      String cookie = Http.cookiePair(setCookies.get(0));
      for (int j = 0; j < 3; j++) {
        assertThat(servedBy(cookie)).isEqualTo("tea-2");
      }
    }
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void strictSessionIsRefusedRatherThanMoved() throws Exception {
    cafe =
        Cafe.open(
            tea ->
                tea.onUnavailable(SessionPersistence.OnUnavailable.STRICT).changeOnFailure(false),
            PassiveHealth.defaults());
    String cookie = startSession();
    String bound = servedBy(cookie);
    int otherBefore = cafe.get(other(bound)).requests();
    cafe.get(bound).stop();

    // The attempt that finds the backend gone is retried on it only, and fails as a proxy does.
    HttpResponse<String> failed = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.headers().allValues("Set-Cookie")).isEmpty();
    // From then on passive health knows: refused before any attempt.
    HttpResponse<String> refused = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
    assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(cafe.get(other(bound)).requests()).isEqualTo(otherBefore);

    // A backend taken DOWN is refused at once.
    cafe.get(bound).restart();
    String cookie2 = startSession();
    String bound2 = servedBy(cookie2);
    cafe.lb("tea").upstream().setState(bound2, BackendState.DOWN);
    assertThat(Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie2).statusCode()).isEqualTo(503);
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void strictSessionThatMayChangeOnFailureIsRefusedOnItsRetryNotMoved() throws Exception {
    // Passive health off: the stopped backend is still picked, and its connect failure retried.
    cafe =
        Cafe.open(
            tea -> tea.onUnavailable(SessionPersistence.OnUnavailable.STRICT).changeOnFailure(true),
            PassiveHealth.disabled());
    String cookie = startSession();
    String bound = servedBy(cookie);
    int otherBefore = cafe.get(other(bound)).requests();
    cafe.get(bound).stop();

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> refused = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
      assertThat(refused.body())
          .isEqualTo("503 Service Unavailable: no backend can take this request\n");
      // The session is not moved: no new cookie, and the other backend never saw the request.
      assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
    }
    assertThat(cafe.get(other(bound)).requests()).isEqualTo(otherBefore);

    cafe.get(bound).restart();
    assertThat(servedBy(cookie)).isEqualTo(bound);
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void drainingKeepsBoundClientsAndTakesNoNewOnes() throws Exception {
    cafe = Cafe.open();
    String cookie = startSession();
    String draining = servedBy(cookie);
    cafe.lb("tea").upstream().setState(draining, BackendState.DRAINING);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
      assertThat(HelloBackend.serverName(response.body())).isEqualTo(draining);
      assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> fresh = Http.get(cafe.gateway.uri("/tea"));
      assertThat(HelloBackend.serverName(fresh.body())).isEqualTo(other(draining));
    }
  }
}
