package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionStore;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import org.junit.jupiter.api.Test;

/** NGINX Plus {@code sticky learn} read into learn mode, and the errors of a bad line. */
class NginxStickyLearnTest {
  private final SessionStore store = SessionStore.inMemory(1000);

  @Test
  void theDocumentedExampleLearnsTheApplicationsCookie() {
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.of(
                    "backend",
                    Backend.of("a", "10.0.0.1", 80),
                    Backend.of("b", "10.0.0.2", 80),
                    Backend.of("c", "10.0.0.3", 80)))
            .affinity(
                NginxConfig.parseStickyLearn(
                        "sticky learn create=$upstream_cookie_examplecookie"
                            + " lookup=$cookie_examplecookie zone=client_sessions:1m"
                            + " timeout=1h;",
                        store)
                    .toAffinity())
            .build();
    Decision first = lb.pick(RequestContext.empty());
    first.learn(name -> name.equalsIgnoreCase("Set-Cookie") ? "examplecookie=xyz; Path=/" : null);
    lb.report(first, Outcome.SUCCESS);
    assertThat(store.table("client_sessions").get("xyz")).isEqualTo(first.backend().id());
    for (int i = 0; i < 5; i++) {
      Decision d = lb.pick(Requests.cookie("examplecookie=xyz"));
      assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
      assertThat(d.backend()).isEqualTo(first.backend());
      lb.report(d, Outcome.SUCCESS);
    }
  }

  @Test
  void headersAndSeveralLookupsAreRead() {
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.of(
                    "api", Backend.of("a", "10.0.0.1", 80), Backend.of("b", "10.0.0.2", 80)))
            .affinity(
                NginxConfig.parseStickyLearn(
                        "sticky learn create=$upstream_http_x_session lookup=$http_x_session"
                            + " lookup=$arg_session zone=api:1m header sync",
                        store)
                    .toAffinity())
            .build();
    Decision first = lb.pick(RequestContext.empty());
    first.learn(name -> name.equalsIgnoreCase("X-Session") ? "s-1" : null);
    lb.report(first, Outcome.SUCCESS);
    Decision byArg = lb.pick(RequestContext.builder().query("session=s-1").build());
    assertThat(byArg.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
    assertThat(byArg.backend()).isEqualTo(first.backend());
  }

  @Test
  void aBadLineNamesTheParameter() {
    assertThatThrownBy(
            () -> NginxConfig.parseStickyLearn("sticky learn lookup=$cookie_a zone=z:1m", store))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sticky learn create: missing (expected: create=$upstream_cookie_NAME)");
    assertThatThrownBy(
            () ->
                NginxConfig.parseStickyLearn(
                    "sticky learn create=$upstream_cookie_a lookup=$remote_addr zone=z:1m", store))
        .hasMessage(
            "sticky learn lookup: \"$remote_addr\" (expected: $cookie_NAME, $http_NAME or"
                + " $arg_NAME)");
    assertThatThrownBy(
            () ->
                NginxConfig.parseStickyLearn(
                    "sticky learn create=$cookie_a lookup=$cookie_a zone=z:1m", store))
        .hasMessage(
            "sticky learn create: \"$cookie_a\" (expected: $upstream_cookie_NAME or"
                + " $upstream_http_NAME)");
    assertThatThrownBy(
            () ->
                NginxConfig.parseStickyLearn(
                    "sticky learn create=$upstream_cookie_a lookup=$cookie_a", store))
        .hasMessage("sticky learn zone: missing (expected: zone=NAME:SIZE)");
    assertThatThrownBy(
            () ->
                NginxConfig.parseStickyLearn(
                    "sticky learn create=$upstream_cookie_a lookup=$cookie_a zone=z:1m fast",
                    store))
        .hasMessage(
            "sticky learn: unknown parameter \"fast\" (expected: create=, lookup=, zone=,"
                + " timeout=, header, sync)");
    assertThatThrownBy(() -> NginxConfig.parseStickyLearn("sticky cookie a", store))
        .hasMessageStartingWith("sticky learn: \"sticky cookie a\"");
  }
}
