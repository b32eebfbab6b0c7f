package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class JvmRouteAffinityTest {
  private final Upstream upstream =
      Upstream.of(
          "app",
          Backend.of("a", "10.0.0.5", 8080).withRoute("node1"),
          Backend.of("b", "10.0.0.6", 8080).withRoute("node2"),
          Backend.of("c", "10.0.0.7", 8080).withRoute("node3"));

  private final LoadBalancer lb =
      LoadBalancer.builder(upstream).affinity(JvmRouteAffinity.ofDefaults()).build();

  static RequestContext request(@Nullable String cookie, String path) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase("Cookie") ? cookie : null)
        .path(path)
        .build();
  }

  static RequestContext cookie(String cookie) {
    return request(cookie, "/");
  }

  private Decision pick(RequestContext request) {
    Decision d = lb.pick(request);
    lb.report(d, dev.lbkit.core.Outcome.SUCCESS);
    return d;
  }

  @Test
  void routeFromCookie() {
    for (int i = 0; i < 10; i++) {
      Decision d = pick(cookie("JSESSIONID=8F3A21C1B5E0D4.node2"));
      assertThat(d.backend().id()).isEqualTo("b");
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(d.responseHeaders()).isEmpty();
    }
  }

  @Test
  void cookieNameMatchesIgnoringCase() {
    assertThat(pick(cookie("jsessionid=ABC.node3")).backend().id()).isEqualTo("c");
    assertThat(pick(cookie("JSessionId=ABC.node1")).backend().id()).isEqualTo("a");
    assertThat(pick(cookie("theme=dark; JSESSIONID = \"ABC.node2\" ; x=y")).backend().id())
        .isEqualTo("b");
  }

  @Test
  void routeIsTheTextAfterTheLastDot() {
    assertThat(pick(cookie("JSESSIONID=abc.def.node3")).backend().id()).isEqualTo("c");
    // Tomcat's jvmRoute is case-sensitive, so is the label.
    assertThat(pick(cookie("JSESSIONID=abc.NODE3")).reason())
        .isEqualTo(Decision.Reason.NEW_SESSION);
  }

  @Test
  void routeFromPathParameter() {
    assertThat(pick(request(null, "/shop/cart;jsessionid=ABC.node2")).backend().id())
        .isEqualTo("b");
    assertThat(pick(request(null, "/shop;JSESSIONID=ABC.node3/cart")).backend().id())
        .isEqualTo("c");
    assertThat(pick(request(null, "/shop;other=1;JSessionID=ABC.node1;x=2")).backend().id())
        .isEqualTo("a");
    assertThat(pick(request(null, "/shop;jsessionid=ABC.node1#frag")).backend().id())
        .isEqualTo("a");
  }

  @Test
  void pathParameterIsReadBeforeTheCookieAsModProxyBalancer() {
    assertThat(pick(request("JSESSIONID=X.node1", "/p;jsessionid=Y.node3")).backend().id())
        .isEqualTo("c");
    // An unknown route in the URL does not hide a known one in the cookie.
    assertThat(pick(request("JSESSIONID=X.node1", "/p;jsessionid=Y.gone")).backend().id())
        .isEqualTo("a");
  }

  @Test
  void missingRouteLeavesTheSelectorToDecide() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Decision d = pick(cookie("JSESSIONID=8F3A21C1B5E0D4"));
      assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
      assertThat(d.responseHeaders()).isEmpty();
      seen.add(d.backend().id());
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b", "c"); // round robin, not stuck
    assertThat(pick(cookie("JSESSIONID=ABC.")).reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(pick(request(null, "/p;jsessionid=")).reason())
        .isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(pick(request(null, "/")).reason()).isEqualTo(Decision.Reason.NEW_SESSION);
  }

  @Test
  void unknownRouteLeavesTheSelectorToDecide() {
    Decision d = pick(cookie("JSESSIONID=ABC.node9"));
    assertThat(d.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(d.binding().kind()).isEqualTo(dev.lbkit.core.Binding.Kind.NONE);
  }

  @Test
  void firstCookieWithAKnownRouteWins() {
    assertThat(
            pick(cookie("JSESSIONID=A.stale; JSESSIONID=B.node2; JSESSIONID=C.node3"))
                .backend()
                .id())
        .isEqualTo("b");
  }

  @Test
  void customSessionCookieName() {
    LoadBalancer custom =
        LoadBalancer.builder(upstream)
            .affinity(
                JvmRouteAffinity.builder().sessionCookie("APPSESSION").pathParameter(null).build())
            .build();
    assertThat(custom.pick(cookie("appsession=A.node3")).backend().id()).isEqualTo("c");
    assertThat(custom.pick(cookie("JSESSIONID=A.node3")).reason())
        .isEqualTo(Decision.Reason.NEW_SESSION);
    assertThat(custom.pick(request(null, "/x;jsessionid=A.node3")).reason())
        .isEqualTo(Decision.Reason.NEW_SESSION);
  }

  @Test
  void downRouteFailsOverAndDrainingRouteKeepsItsSessions() {
    upstream.setState("b", BackendState.DRAINING);
    Decision draining = pick(cookie("JSESSIONID=A.node2"));
    assertThat(draining.backend().id()).isEqualTo("b");
    assertThat(draining.reason()).isEqualTo(Decision.Reason.STICKY_HIT);

    upstream.setState("b", BackendState.DOWN);
    Decision down = pick(cookie("JSESSIONID=A.node2"));
    assertThat(down.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
    assertThat(down.backend().id()).isNotEqualTo("b");
  }

  @Test
  void noFailoverRefusesAsModProxyBalancerNofailover() {
    LoadBalancer strict =
        LoadBalancer.builder(upstream)
            .affinity(JvmRouteAffinity.builder().failover(false).build())
            .build();
    upstream.setState("b", BackendState.DOWN);
    Decision d = strict.pick(cookie("JSESSIONID=A.node2"));
    assertThat(d.hasBackend()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.REFUSED_UNAVAILABLE);
  }

  @Test
  void duplicateLabelsPreferTheOneThatCanTakeTheSession() {
    Upstream twins =
        Upstream.of(
            "twins",
            Backend.of("a", "10.0.0.5", 8080).withRoute("n").withState(BackendState.DOWN),
            Backend.of("b", "10.0.0.6", 8080).withRoute("n"),
            Backend.of("c", "10.0.0.7", 8080));
    LoadBalancer twinsLb =
        LoadBalancer.builder(twins).affinity(JvmRouteAffinity.ofDefaults()).build();
    Decision d = twinsLb.pick(cookie("JSESSIONID=s.n"));
    assertThat(d.backend().id()).isEqualTo("b");
    assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
  }

  @Test
  void routeCookieIsWrittenForNewAndMovedSessionsOnly() {
    LoadBalancer withCookie =
        LoadBalancer.builder(upstream)
            .affinity(
                JvmRouteAffinity.builder()
                    .routeCookie(JvmRouteAffinity.DEFAULT_ROUTE_COOKIE)
                    .routeCookieAttributes(
                        CookieAttributes.builder()
                            .secure(CookieAttributes.Secure.ALWAYS)
                            .sameSite(CookieAttributes.SameSite.LAX)
                            .build())
                    .build())
            .build();
    Decision fresh = withCookie.pick(cookie("JSESSIONID=NOROUTE"));
    assertThat(fresh.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    String route = fresh.backend().route();
    assertThat(fresh.responseHeaders())
        .containsExactly(
            new ResponseHeader(
                "Set-Cookie", "ROUTEID=." + route + "; Path=/; Secure; HttpOnly; SameSite=Lax"));

    Decision hit = withCookie.pick(cookie("ROUTEID=." + route + "; JSESSIONID=NOROUTE"));
    assertThat(hit.backend()).isEqualTo(fresh.backend());
    assertThat(hit.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    assertThat(hit.responseHeaders()).isEmpty();

    // The route cookie is read before the application's session id.
    assertThat(withCookie.pick(cookie("JSESSIONID=S.node1; ROUTEID=.node3")).backend().id())
        .isEqualTo("c");
    // The application's route still works, and then nothing is written.
    Decision appRoute = withCookie.pick(cookie("JSESSIONID=S.node1"));
    assertThat(appRoute.backend().id()).isEqualTo("a");
    assertThat(appRoute.responseHeaders()).isEmpty();

    upstream.setState("c", BackendState.DOWN);
    Decision moved = withCookie.pick(cookie("ROUTEID=.node3"));
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_DOWN);
    assertThat(moved.responseHeaders())
        .extracting(ResponseHeader::value)
        .containsExactly(
            "ROUTEID=." + moved.backend().route() + "; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void routeCookieAttributes() {
    JvmRouteAffinity affinity =
        JvmRouteAffinity.builder()
            .routeCookie("LBROUTE")
            .routeCookieAttributes(
                CookieAttributes.builder()
                    .path("/shop")
                    .domain("example.com")
                    .httpOnly(false)
                    .build())
            .build();
    Upstream one = Upstream.of("one", Backend.of("a", "10.0.0.5", 8080).withRoute("n1"));
    Decision d = LoadBalancer.builder(one).affinity(affinity).build().pick(cookie(null));
    assertThat(d.responseHeaders())
        .extracting(ResponseHeader::value)
        .containsExactly("LBROUTE=.n1; Path=/shop; Domain=example.com");
  }

  @Test
  void routeCookieIsSecureWhenTheRequestIsByDefault() {
    Upstream one = Upstream.of("one", Backend.of("a", "10.0.0.5", 8080).withRoute("n1"));
    LoadBalancer lb =
        LoadBalancer.builder(one)
            .affinity(JvmRouteAffinity.builder().routeCookie("ROUTEID").build())
            .build();
    RequestContext overTls = RequestContext.builder().path("/").secure(true).build();
    assertThat(lb.pick(overTls).responseHeaders())
        .extracting(ResponseHeader::value)
        .containsExactly("ROUTEID=.n1; Path=/; Secure; HttpOnly");
    assertThat(lb.pick(cookie(null)).responseHeaders())
        .extracting(ResponseHeader::value)
        .containsExactly("ROUTEID=.n1; Path=/; HttpOnly");
  }

  @Test
  void backendWithoutRouteGetsNoCookie() {
    Upstream plain = Upstream.of("plain", Backend.of("a", "10.0.0.5", 8080));
    Decision d =
        LoadBalancer.builder(plain)
            .affinity(JvmRouteAffinity.builder().routeCookie("ROUTEID").build())
            .build()
            .pick(cookie("ROUTEID=.x"));
    assertThat(d.backend().id()).isEqualTo("a");
    assertThat(d.responseHeaders()).isEmpty();
  }

  @Test
  void malformedInputIsAbsent() {
    for (String header :
        List.of(
            "",
            ";;;",
            "JSESSIONID",
            "JSESSIONID=",
            "JSESSIONID=\"",
            "JSESSIONID=.",
            "=.node1",
            "JSESSIONID=a.node1\r\nX: y",
            "JSESSIONIDX=a.node1",
            "XJSESSIONID=a.node1")) {
      Decision d = pick(cookie(header));
      assertThat(d.hasBackend()).as(header).isTrue();
      assertThat(d.reason()).as(header).isEqualTo(Decision.Reason.NEW_SESSION);
    }
    for (String path : List.of(";", ";jsessionid", ";jsessionid=", "/;jsessionid=.", "/a;=b")) {
      assertThat(pick(request(null, path)).reason())
          .as(path)
          .isEqualTo(Decision.Reason.NEW_SESSION);
    }
  }

  @Test
  void invalidConfigurationNamesTheField() {
    assertThatThrownBy(() -> JvmRouteAffinity.builder().sessionCookie("JSESSION ID"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sessionCookie: \"JSESSION ID\" (expected: an RFC 6265 cookie name token)");
    assertThatThrownBy(() -> JvmRouteAffinity.builder().routeCookie(""))
        .hasMessage("routeCookie: \"\" (expected: an RFC 6265 cookie name token)");
    assertThatThrownBy(
            () ->
                JvmRouteAffinity.builder()
                    .routeCookie("__Host-route")
                    .routeCookieAttributes(
                        CookieAttributes.builder().secure(CookieAttributes.Secure.NEVER).build())
                    .build())
        .hasMessageStartingWith(
            "routeCookieAttributes.secure: NEVER (expected: ALWAYS for a cookie named"
                + " __Host-route");
  }

  @Test
  void accessorsAndToString() {
    JvmRouteAffinity affinity =
        JvmRouteAffinity.builder().routeCookie("ROUTEID").failover(false).build();
    assertThat(affinity.sessionCookie()).isEqualTo("JSESSIONID");
    assertThat(affinity.pathParameter()).isEqualTo("jsessionid");
    assertThat(affinity.routeCookie()).isEqualTo("ROUTEID");
    assertThat(affinity.failover()).isFalse();
    assertThat(affinity.toString())
        .isEqualTo(
            "JvmRouteAffinity{cookie=JSESSIONID, pathParameter=jsessionid, routeCookie=ROUTEID,"
                + " nofailover}");
    assertThat(JvmRouteAffinity.ofDefaults().routeCookie()).isNull();
  }
}
