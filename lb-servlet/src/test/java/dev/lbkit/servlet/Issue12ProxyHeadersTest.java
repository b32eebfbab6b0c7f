package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Upstream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: Jetty 12.1's proxy copies a backend's first {@code Set-Cookie} with {@code setHeader},
 * which dropped the session cookie the filter had written whenever the backend set a cookie of its
 * own; and the forwarding headers the docs promise must reach the backend. Runs on whichever Jetty
 * the build uses (12.1 by default, 12.0 with {@code -Pjetty-12.0}).
 */
class Issue12ProxyHeadersTest {
  private Cafe cafe;
  private Gateway standalone;

  @AfterEach
  void close() {
    if (standalone != null) {
      standalone.close();
    }
    if (cafe != null) {
      cafe.close();
    }
  }

  private static List<String> cookiesStartingWith(List<String> setCookies, String prefix) {
    List<String> matching = new ArrayList<>();
    for (String setCookie : setCookies) {
      if (setCookie.startsWith(prefix)) {
        matching.add(setCookie);
      }
    }
    return matching;
  }

  @Test
  void newSessionKeepsTheSessionCookieBesideTheBackendsOwnCookie() throws Exception {
    cafe = Cafe.open();
    HttpResponse<String> first = Http.get(cafe.gateway.uri("/tea?setCookie=app%3D1"));
    assertThat(first.statusCode()).isEqualTo(200);
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(cookiesStartingWith(setCookies, "cookie-tea=")).hasSize(1);
    assertThat(setCookies).contains("app=1").hasSize(2);

    // The session cookie that came with the backend's is the one that binds.
    String cookie = Http.cookiePair(cookiesStartingWith(setCookies, "cookie-tea=").get(0));
    String bound = HelloBackend.serverName(first.body());
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> next =
          Http.get(cafe.gateway.uri("/tea?setCookie=app%3D1"), "Cookie", cookie + "; app=1");
      assertThat(HelloBackend.serverName(next.body())).isEqualTo(bound);
      // A sticky hit writes no session cookie: the backend's alone comes through.
      assertThat(next.headers().allValues("Set-Cookie")).containsExactly("app=1");
    }
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void newSessionKeepsTheSessionCookieBesideTwoBackendCookies() throws Exception {
    cafe = Cafe.open();
    HttpResponse<String> first =
        Http.get(cafe.gateway.uri("/tea?setCookie=app%3D1&setCookie=pref%3Ddark%3B%20Path%3D%2F"));
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(3).contains("app=1", "pref=dark; Path=/");
    assertThat(cookiesStartingWith(setCookies, "cookie-tea=")).hasSize(1);
  }

  @Test
  void backendCookieWithAnExpiresDateIsRelayedByteForByte() throws Exception {
    cafe = Cafe.open();
    String appCookie = "app=1; Expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/";
    HttpResponse<String> first =
        Http.get(
            cafe.gateway.uri(
                "/tea?setCookie="
                    + java.net.URLEncoder.encode(
                        appCookie, java.nio.charset.StandardCharsets.UTF_8)));
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(2).contains(appCookie);
  }

  @Test
  void sessionMovedByARetryIsAnsweredWithTheNewCookieAndTheBackendsCookies() throws Exception {
    // Passive health off: every pick of the stopped backend goes through a retry.
    cafe = Cafe.open(UnaryOperator.identity(), PassiveHealth.disabled());
    cafe.get("tea-1").stop();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response =
          Http.get(cafe.gateway.uri("/tea?setCookie=app%3D1&setCookie=pref%3Ddark"));
      assertThat(HelloBackend.serverName(response.body())).isEqualTo("tea-2");
      List<String> setCookies = response.headers().allValues("Set-Cookie");
      assertThat(setCookies).hasSize(3).contains("app=1", "pref=dark");
      List<String> session = cookiesStartingWith(setCookies, "cookie-tea=");
      assertThat(session).hasSize(1);
      HttpResponse<String> again =
          Http.get(cafe.gateway.uri("/tea"), "Cookie", Http.cookiePair(session.get(0)));
      assertThat(HelloBackend.serverName(again.body())).isEqualTo("tea-2");
    }
    ProxyAssertions.assertNothingInFlight(cafe.lb("tea"));
  }

  @Test
  void standaloneProxyKeepsItsSessionCookieBesideTheBackendsOwn() throws Exception {
    cafe = Cafe.open();
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.of("tea", cafe.get("tea-1").backend(), cafe.get("tea-2").backend()))
            .affinity(Cafe.teaSession().build().toAffinity())
            .build();
    standalone =
        Gateway.start(
            context -> {
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet(lb));
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    HttpResponse<String> first = Http.get(standalone.uri("/tea?setCookie=app%3D1"));
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(2).contains("app=1");
    assertThat(cookiesStartingWith(setCookies, "cookie-tea=")).hasSize(1);
    ProxyAssertions.assertNothingInFlight(lb);
  }

  @Test
  void aSubclassFilteringResponseHeadersIsStillHonoured() throws Exception {
    cafe = Cafe.open();
    standalone =
        Gateway.start(
            context -> {
              ServletHolder proxy =
                  new ServletHolder(
                      new LoadBalancingProxyServlet(cafe.lb("latte")) {
                        private static final long serialVersionUID = 1L;

                        @Override
                        @SuppressWarnings("removal")
                        protected String filterServerResponseHeader(
                            jakarta.servlet.http.HttpServletRequest request,
                            org.eclipse.jetty.client.Response response,
                            String name,
                            String value) {
                          if (name.equalsIgnoreCase("Set-Cookie") && value.startsWith("drop=")) {
                            return null;
                          }
                          return value.equals("keep=1") ? "keep=2" : value;
                        }
                      });
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    HttpResponse<String> response =
        Http.get(standalone.uri("/latte?setCookie=drop%3D1&setCookie=keep%3D1"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("Set-Cookie")).containsExactly("keep=2");
  }

  @Test
  void backendReceivesTheForwardingHeaders() throws Exception {
    cafe = Cafe.open();
    HttpResponse<String> response = Http.get(cafe.gateway.uri("/latte"));
    String host = "127.0.0.1:" + cafe.gateway.port();
    assertThat(response.body())
        .contains("X-Forwarded-For: 127.0.0.1\n")
        .contains("X-Forwarded-Proto: http\n")
        .contains("X-Forwarded-Host: " + host + "\n")
        .contains(
            "Forwarded: by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"" + host + "\";proto=http\n")
        .containsPattern("Via: 1\\.1 ");
  }

  @Test
  void clientsForwardingHeadersAreExtendedOrReplacedAsDocumented() throws Exception {
    cafe = Cafe.open();
    HttpResponse<String> response =
        Http.get(
            cafe.gateway.uri("/latte"),
            "X-Forwarded-For",
            "203.0.113.7",
            "X-Forwarded-Proto",
            "https",
            "X-Forwarded-Host",
            "evil.example");
    String body = response.body();
    // X-Forwarded-For: the client's value kept and the peer appended ($proxy_add_x_forwarded_for);
    // Proto and Host: the gateway's own, replacing the client's.
    assertThat(body)
        .containsPattern(
            "X-Forwarded-For: 203\\.0\\.113\\.7(, |\nX-Forwarded-For: )127\\.0\\.0\\.1");
    assertThat(body).contains("X-Forwarded-Proto: http\n").doesNotContain("https");
    assertThat(body).doesNotContain("evil.example");
  }

  @Test
  void clientsForwardedIsExtendedWhenWellFormedAndReplacedWhenNot() throws Exception {
    cafe = Cafe.open();
    String ours =
        "by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"127.0.0.1:"
            + cafe.gateway.port()
            + "\";proto=http";
    String extended =
        Http.get(cafe.gateway.uri("/latte"), "Forwarded", "for=192.0.2.60;proto=https").body();
    assertThat(extended).contains("Forwarded: for=192.0.2.60;proto=https, " + ours + "\n");
    String replaced =
        Http.get(cafe.gateway.uri("/latte"), "Forwarded", "for=\"unterminated;by=x").body();
    assertThat(replaced).contains("Forwarded: " + ours + "\n").doesNotContain("unterminated");
  }
}
