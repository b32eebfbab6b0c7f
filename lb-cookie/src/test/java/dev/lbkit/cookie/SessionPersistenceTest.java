package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence.Lifetime;
import dev.lbkit.cookie.SessionPersistence.Mode;
import dev.lbkit.cookie.SessionPersistence.Refresh;
import dev.lbkit.cookie.SessionPersistence.SameSite;
import dev.lbkit.cookie.SessionPersistence.Secure;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionPersistenceTest {
  private static final String SECRET = StickyFixtures.SECRET;

  @Test
  void defaults() {
    SessionPersistence p = SessionPersistence.cookie("srv_id").build();
    assertThat(p.type()).isEqualTo(SessionPersistence.Type.COOKIE);
    assertThat(p.mode()).isEqualTo(Mode.PERSISTENT);
    assertThat(p.onUnavailable()).isEqualTo(SessionPersistence.OnUnavailable.REBALANCE);
    assertThat(p.changeOnFailure()).isTrue();
    assertThat(p.absoluteTimeout()).isNull();
    assertThat(p.idleTimeout()).isNull();
    assertThat(p.lifetime()).isEqualTo(Lifetime.SESSION);
    assertThat(p.refresh()).isEqualTo(Refresh.ON_CHANGE);
    assertThat(p.path()).isEqualTo("/");
    assertThat(p.domain()).isNull();
    assertThat(p.secure()).isEqualTo(Secure.WHEN_REQUEST_SECURE);
    assertThat(p.httpOnly()).isTrue();
    assertThat(p.sameSite()).isNull();
    assertThat(p.omitSameSiteNoneForIncompatibleClients()).isFalse();
    assertThat(p.scope()).isNull();
    assertThat(p.secrets()).isEmpty();
    assertThat(p.macAlgorithm()).isEqualTo(SessionPersistence.MacAlgorithm.SIPHASH_2_4);
    assertThat(p.legacyCookies()).isEmpty();
    assertThat(p.clock()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void idleTimeoutImpliesRefreshOnEveryResponse() {
    SessionPersistence p =
        SessionPersistence.header("X-Session").idleTimeout(Duration.ofSeconds(10)).build();
    assertThat(p.refresh()).isEqualTo(Refresh.EVERY_RESPONSE);
    assertThat(p.toBuilder().idleTimeout(null).build().refresh()).isEqualTo(Refresh.ON_CHANGE);
    assertError(
        SessionPersistence.cookie("a")
            .idleTimeout(Duration.ofSeconds(10))
            .refresh(Refresh.ON_CHANGE),
        "refresh: ON_CHANGE (expected: EVERY_RESPONSE");
  }

  @Test
  void valueSemantics() {
    SessionPersistence a =
        SessionPersistence.cookie("srv_id")
            .path("/tea")
            .absoluteTimeout(Duration.ofHours(2))
            .lifetime(Lifetime.PERMANENT)
            .sameSite(SameSite.LAX)
            .secrets(SECRET)
            .build();
    assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.toBuilder().path("/coffee").build()).isNotEqualTo(a);
    assertThat(a.toBuilder().secrets(StickyFixtures.OTHER_SECRET).build()).isNotEqualTo(a);
    assertThat(a.toString())
        .contains("srv_id", "PERSISTENT", "path=/tea", "sameSite=LAX", "secrets=1 (redacted)")
        .doesNotContain(SECRET);
    assertThat(a.toAffinity().toString()).doesNotContain(SECRET);
  }

  @Test
  void routeCookiePathTakesLiteralPathsOnly() {
    assertThat(SessionPersistence.routeCookiePath("Exact", "/tea")).isEqualTo("/tea");
    assertThat(SessionPersistence.routeCookiePath("PathPrefix", "/tea/")).isEqualTo("/tea");
    assertThat(SessionPersistence.routeCookiePath("Prefix", "/")).isEqualTo("/");
    assertThatThrownBy(() -> SessionPersistence.routeCookiePath("RegularExpression", "/tea/.*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "route match type: RegularExpression (expected: Exact, PathPrefix or Prefix");
    assertThatThrownBy(() -> SessionPersistence.routeCookiePath("ImplementationSpecific", "/tea"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionPersistence.routeCookiePath("PathPrefix", "/tea/(.*)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route path: /tea/(.*) (expected: a literal path");
    assertThatThrownBy(() -> SessionPersistence.routeCookiePath("PathPrefix", "/api/*"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionPersistence.routeCookiePath("Exact", "tea"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: an absolute path");
  }

  @Test
  void badConfigurationNamesTheFieldTheValueAndWhatIsAllowed() {
    assertError(SessionPersistence.builder(), "name: null (expected: a cookie or header name)");
    assertError(SessionPersistence.cookie("srv id"), "name: \"srv id\" (expected: RFC 6265 token");
    assertError(SessionPersistence.cookie("a;b"), "name: \"a;b\"");
    assertError(SessionPersistence.cookie(""), "name: \"\"");
    assertError(
        SessionPersistence.cookie("a").absoluteTimeout(Duration.ofMillis(500)),
        "absoluteTimeout: PT0.5S (expected: whole seconds, 1s..3650d)");
    assertError(
        SessionPersistence.cookie("a").idleTimeout(Duration.ZERO), "idleTimeout: PT0S (expected:");
    assertError(
        SessionPersistence.cookie("a").idleTimeout(Duration.ofDays(3651)), "idleTimeout: PT87624H");
    assertError(
        SessionPersistence.cookie("a").lifetime(Lifetime.PERMANENT),
        "lifetime: PERMANENT (expected: an absoluteTimeout or an idleTimeout too");
    assertError(
        SessionPersistence.cookie("a").path("tea"), "path: tea (expected: an absolute path");
    assertError(SessionPersistence.cookie("a").path("/a;b"), "path: /a;b (expected: visible ASCII");
    assertError(SessionPersistence.cookie("a").path("/a b"), "path: /a b");
    assertError(
        SessionPersistence.cookie("a").domain("exa mple.com"), "domain: exa mple.com (expected:");
    assertError(SessionPersistence.cookie("a").domain("example.com;x"), "domain: example.com;x");
    assertError(SessionPersistence.cookie("a").domain("."), "domain: .");
    assertError(
        SessionPersistence.cookie("a").sameSite(SameSite.NONE).secure(Secure.NEVER),
        "secure: NEVER (expected: ALWAYS or WHEN_REQUEST_SECURE with sameSite NONE");
    assertError(
        SessionPersistence.cookie("a")
            .sameSite(SameSite.LAX)
            .omitSameSiteNoneForIncompatibleClients(true),
        "omitSameSiteNoneForIncompatibleClients: true (expected: only with sameSite NONE, got"
            + " LAX)");
    assertError(
        SessionPersistence.cookie("__Secure-id"),
        "secure: WHEN_REQUEST_SECURE (expected: ALWAYS for a cookie named __Secure-id");
    assertError(
        SessionPersistence.cookie("__Host-id").secure(Secure.ALWAYS).path("/tea"),
        "path and domain: /tea, null (expected: path / and no domain for a __Host- cookie)");
    assertThat(SessionPersistence.cookie("__Host-id").secure(Secure.ALWAYS).build().name())
        .isEqualTo("__Host-id");
    assertError(SessionPersistence.cookie("a").scope(""), "scope: \"\"");
    assertError(
        SessionPersistence.cookie("a").secrets("short"),
        "secrets[0]: 5 bytes (expected: at least 16 bytes");
    assertError(SessionPersistence.cookie("a").secrets(SECRET, SECRET), "secrets[1]: a repeat");
    assertError(
        SessionPersistence.cookie("a")
            .legacyCookies(LegacyCookie.nginxSticky(), LegacyCookie.nginxSticky()),
        "legacyCookies: [LegacyCookie.nginxSticky(), LegacyCookie.nginxSticky()] (expected: no"
            + " repeats)");
  }

  @Test
  void secretsAreNeverPrintedInErrors() {
    String weak = "hunter2-secret";
    assertThatThrownBy(() -> SessionPersistence.cookie("a").secrets(weak).build())
        .hasMessageNotContaining(weak);
  }

  @Test
  void headerSessionsTakeNoCookieAttributes() {
    assertError(
        SessionPersistence.header("X-S").path("/tea"),
        "type: HEADER (expected: no cookie attributes");
    assertError(SessionPersistence.header("X-S").domain("example.com"), "type: HEADER");
    assertError(SessionPersistence.header("X-S").secure(Secure.ALWAYS), "type: HEADER");
    assertError(SessionPersistence.header("X-S").httpOnly(false), "type: HEADER");
    assertError(SessionPersistence.header("X-S").sameSite(SameSite.LAX), "type: HEADER");
    assertError(
        SessionPersistence.header("X-S")
            .absoluteTimeout(Duration.ofSeconds(5))
            .lifetime(Lifetime.PERMANENT),
        "lifetime: PERMANENT (expected: SESSION for type HEADER");
    assertError(
        SessionPersistence.header("X-S").legacyCookies(LegacyCookie.nginxSticky()),
        "legacyCookies: [LegacyCookie.nginxSticky()] (expected: none for type HEADER");
    assertError(
        SessionPersistence.header("Set-Cookie"),
        "name: Set-Cookie (expected: a header name of its own");
    assertError(SessionPersistence.header("content-length"), "name: content-length");
    assertError(SessionPersistence.header("Proxy-Foo"), "name: Proxy-Foo");
    assertThat(SessionPersistence.header("Session-B").build().type())
        .isEqualTo(SessionPersistence.Type.HEADER);
  }

  private static void assertError(SessionPersistence.Builder builder, String message) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
