package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes.SameSite;
import dev.lbkit.cookie.CookieAttributes.Secure;
import dev.lbkit.cookie.SessionPersistence.Lifetime;
import dev.lbkit.cookie.SessionPersistence.Mode;
import dev.lbkit.cookie.SessionPersistence.Refresh;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
    assertThat(p.cookieAttributes()).isEqualTo(CookieAttributes.ofDefaults());
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
            .attributes(CookieAttributes.builder().path("/tea").sameSite(SameSite.LAX).build())
            .absoluteTimeout(Duration.ofHours(2))
            .lifetime(Lifetime.PERMANENT)
            .secrets(SECRET)
            .build();
    assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.toBuilder()).isInstanceOf(SessionPersistence.CookieBuilder.class);
    assertThat(
            ((SessionPersistence.CookieBuilder) a.toBuilder())
                .attributes(a.cookieAttributes().toBuilder().path("/coffee").build())
                .build())
        .isNotEqualTo(a);
    assertThat(a.toBuilder().secrets(StickyFixtures.OTHER_SECRET).build()).isNotEqualTo(a);
    assertThat(a.toString())
        .contains("srv_id", "PERSISTENT", "path=/tea", "sameSite=LAX", "secrets=1 (redacted)")
        .doesNotContain(SECRET);
    assertThat(a.toAffinity().toString()).doesNotContain(SECRET);
  }

  @Test
  void badConfigurationNamesTheFieldTheValueAndWhatIsAllowed() {
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
        SessionPersistence.cookie("__Secure-id"),
        "attributes.secure: WHEN_REQUEST_SECURE (expected: ALWAYS for a cookie named"
            + " __Secure-id");
    CookieAttributes secure = CookieAttributes.builder().secure(Secure.ALWAYS).build();
    assertError(
        SessionPersistence.cookie("__Host-id").attributes(secure.toBuilder().path("/tea").build()),
        "attributes.path and domain: /tea, null (expected: path / and no domain for a __Host-"
            + " cookie)");
    assertThat(SessionPersistence.cookie("__Host-id").attributes(secure).build().name())
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
  void theVerifiedTokenCacheIsAPowerOfTwoOrNone() {
    assertThat(SessionPersistence.cookie("a").build().verifiedTokenCache())
        .isEqualTo(SessionPersistence.DEFAULT_VERIFIED_TOKEN_CACHE);
    assertThat(SessionPersistence.cookie("a").verifiedTokenCache(0).build().verifiedTokenCache())
        .isZero();
    SessionPersistence small = SessionPersistence.cookie("a").verifiedTokenCache(64).build();
    assertThat(small.toBuilder().build()).isEqualTo(small);
    assertThat(small).isNotEqualTo(SessionPersistence.cookie("a").build());
    assertThat(small.toString()).contains("verifiedTokenCache=64");
    for (int bad : new int[] {-1, 3, 1000, (1 << 20) + 1, 1 << 21}) {
      assertThatThrownBy(() -> SessionPersistence.cookie("a").verifiedTokenCache(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "verifiedTokenCache: " + bad + " (expected: 0, or a power of two from 1 to 1048576)");
    }
  }

  @Test
  void anUnsetSecretNamesTheOptionNotANullPointer() {
    String unset = System.getenv("LBKIT_NO_SUCH_VARIABLE_FOR_TESTS");
    assertThatThrownBy(() -> SessionPersistence.cookie("a").secrets(unset))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "secrets[0]: null (expected: a secret of at least 16 bytes; is the"
                + " environment variable or file that should hold it set?)");
    assertThatThrownBy(() -> SessionPersistence.cookie("a").secrets((String[]) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets: null (expected:");
    assertThatThrownBy(() -> SessionPersistence.cookie("a").secrets((java.util.List<String>) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets: null (expected:");
  }

  @Test
  void anUnresolvedPlaceholderIsRefused() {
    // What Tomcat passes from web.xml for ${env.X} without an org.apache.tomcat.util.digester
    // property source: a public string, so anyone could mint tokens with it.
    assertError(
        SessionPersistence.cookie("a").secrets("${env.LBKIT_SESSION_SECRET}"),
        "secrets[0]: an unresolved ${...} placeholder (expected: the secret itself; the container"
            + " passed the placeholder through, so read the secret with secretEnv or secretFile"
            + " instead)");
    assertError(
        SessionPersistence.header("X-S").secrets(SECRET, "prefix-${LBKIT_OLD_SECRET}-suffix"),
        "secrets[1]: an unresolved ${...} placeholder");
  }

  @Test
  void secretsAreNeverPrintedInErrors() {
    String weak = "hunter2-secret";
    assertThatThrownBy(() -> SessionPersistence.cookie("a").secrets(weak).build())
        .hasMessageNotContaining(weak);
  }

  @Test
  void headerSessionsCannotExpressCookieOptions() {
    assertThat(SessionPersistence.header("X-S").build().cookieAttributes()).isNull();
    assertThat(SessionPersistence.header("X-S").build().lifetime()).isEqualTo(Lifetime.SESSION);
    assertThat(
            Arrays.stream(SessionPersistence.HeaderBuilder.class.getMethods()).map(Method::getName))
        .doesNotContain("attributes", "lifetime", "legacyCookies")
        .contains("secrets", "idleTimeout", "build");
    assertThat(SessionPersistence.header("X-S").build().toBuilder())
        .isInstanceOf(SessionPersistence.HeaderBuilder.class);
    assertError(
        SessionPersistence.header("Set-Cookie"),
        "name: Set-Cookie (expected: a header name of its own");
    assertError(SessionPersistence.header("content-length"), "name: content-length");
    assertError(SessionPersistence.header("Proxy-Foo"), "name: Proxy-Foo");
    assertThat(SessionPersistence.header("Session-B").build().type())
        .isEqualTo(SessionPersistence.Type.HEADER);
  }

  private static void assertError(SessionPersistence.Builder<?> builder, String message) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
