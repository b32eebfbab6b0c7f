package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed guides' walkthroughs (coffee, tea, latte), over real HTTP through the proxy. */
class CafeWalkthroughTest {
  private Cafe cafe;

  @BeforeEach
  void open() throws Exception {
    cafe = Cafe.open();
  }

  @AfterEach
  void close() throws Exception {
    cafe.close();
  }

  @Test
  void coffeeFiveRequestsFromOneClientReachOneBackend() throws Exception {
    Set<String> servedBy = new HashSet<>();
    for (int i = 1; i <= 5; i++) {
      HttpResponse<String> response =
          Http.get(cafe.gateway.uri("/coffee"), "X-Forwarded-For", "198.51.100.7");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("URI: /coffee\n");
      servedBy.add(HelloBackend.serverName(response.body()));
    }
    assertThat(servedBy).hasSize(1);
    ProxyAssertions.assertNothingInFlight(cafe.lb("coffee"));
  }

  @Test
  void coffeeClientsAreTheForwardedAddressesFromTheTrustedProxy() throws Exception {
    // ip_hash hashes the first three octets: different /24 networks spread over both backends,
    // which could not happen if the gateway hashed its peer, always 127.0.0.1.
    Set<String> servedBy = new HashSet<>();
    for (int net = 0; net < 20; net++) {
      HttpResponse<String> response =
          Http.get(cafe.gateway.uri("/coffee"), "X-Forwarded-For", "10.9." + net + ".1");
      servedBy.add(HelloBackend.serverName(response.body()));
    }
    assertThat(servedBy).containsExactlyInAnyOrder("coffee-1", "coffee-2");
  }

  @Test
  void teaFirstResponseSetsExactlyTheConfiguredCookieAndFiveRequestsStick() throws Exception {
    HttpResponse<String> first = Http.get(cafe.gateway.uri("/tea"));
    assertThat(first.statusCode()).isEqualTo(200);
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(1);
    String setCookie = setCookies.get(0);

    String[] parts = setCookie.split("; ");
    assertThat(parts[0]).matches("cookie-tea=[A-Za-z0-9_-]+");
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      attributes.put(
          eq < 0 ? parts[i] : parts[i].substring(0, eq), eq < 0 ? "" : parts[i].substring(eq + 1));
    }
    // sessionName cookie-tea, Permanent, absoluteTimeout 24h, path /tea; HttpOnly is lbkit's
    // default; no Secure over plain HTTP.
    assertThat(attributes.keySet())
        .containsExactlyInAnyOrder("Max-Age", "Expires", "Path", "HttpOnly");
    assertThat(attributes).containsEntry("Max-Age", "86400").containsEntry("Path", "/tea");
    ZonedDateTime expires =
        ZonedDateTime.parse(
            attributes.get("Expires"),
            DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
    assertThat(expires).isCloseTo(ZonedDateTime.now().plusHours(24), within(2, ChronoUnit.MINUTES));

    String cookie = Http.cookiePair(setCookie);
    String firstBackend = HelloBackend.serverName(first.body());
    for (int i = 1; i <= 5; i++) {
      HttpResponse<String> response = Http.get(cafe.gateway.uri("/tea"), "Cookie", cookie);
      assertThat(HelloBackend.serverName(response.body())).isEqualTo(firstBackend);
      assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void pathNoRouteMatchesIsNotForwardedAnywhere() throws Exception {
    // /tea is Exact: /tea/more matches no filter, and the proxy has no load balancer of its own.
    HttpResponse<String> response = Http.get(cafe.gateway.uri("/tea/more"));
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void latteReachesBothBackendsWithinTwentyRequests() throws Exception {
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = Http.get(cafe.gateway.uri("/latte"));
      assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
      servedBy.add(HelloBackend.serverName(response.body()));
    }
    assertThat(new HashSet<>(servedBy)).containsExactlyInAnyOrder("latte-1", "latte-2");
  }

  @Test
  void headerSessionComesBackWhenTheSessionStartsAndEchoingItSticks() throws Exception {
    HttpResponse<String> first = Http.get(cafe.gateway.uri("/header"));
    String token = first.headers().firstValue(Cafe.SESSION_HEADER).orElseThrow();
    assertThat(first.headers().allValues("Set-Cookie")).isEmpty();
    String bound = HelloBackend.serverName(first.body());
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response =
          Http.get(cafe.gateway.uri("/header"), Cafe.SESSION_HEADER, token);
      assertThat(HelloBackend.serverName(response.body())).isEqualTo(bound);
      assertThat(response.headers().firstValue(Cafe.SESSION_HEADER)).isEmpty();
    }
    // Without the echo, each request starts a session of its own and round robin spreads them.
    Set<String> unbound = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> response = Http.get(cafe.gateway.uri("/header"));
      assertThat(response.headers().firstValue(Cafe.SESSION_HEADER)).isPresent();
      unbound.add(HelloBackend.serverName(response.body()));
    }
    assertThat(unbound).containsExactlyInAnyOrder("header-1", "header-2");
  }
}
