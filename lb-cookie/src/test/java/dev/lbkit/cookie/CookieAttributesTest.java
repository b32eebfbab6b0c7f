package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes.SameSite;
import dev.lbkit.cookie.CookieAttributes.Secure;
import org.junit.jupiter.api.Test;

class CookieAttributesTest {
  @Test
  void defaultsAreIngressNginxs() {
    CookieAttributes a = CookieAttributes.ofDefaults();
    assertThat(a.path()).isEqualTo("/");
    assertThat(a.domain()).isNull();
    assertThat(a.secure()).isEqualTo(Secure.WHEN_REQUEST_SECURE);
    assertThat(a.httpOnly()).isTrue();
    assertThat(a.sameSite()).isNull();
    assertThat(a.omitSameSiteNoneForIncompatibleClients()).isFalse();
    assertThat(CookieAttributes.builder().build()).isEqualTo(a).hasSameHashCodeAs(a);
  }

  @Test
  void valueSemantics() {
    CookieAttributes a =
        CookieAttributes.builder()
            .path("/tea")
            .domain("example.com")
            .secure(Secure.ALWAYS)
            .httpOnly(false)
            .sameSite(SameSite.NONE)
            .omitSameSiteNoneForIncompatibleClients(true)
            .build();
    assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.toBuilder().path("/coffee").build()).isNotEqualTo(a);
    assertThat(a.toBuilder().httpOnly(true).build()).isNotEqualTo(a);
    assertThat(a.toString())
        .contains("path=/tea", "domain=example.com", "secure=ALWAYS", "httpOnly=false")
        .contains("sameSite=NONE (omitted for incompatible clients)");
  }

  @Test
  void badAttributesNameTheFieldTheValueAndWhatIsAllowed() {
    assertError(CookieAttributes.builder().path("tea"), "path: tea (expected: an absolute path");
    assertError(CookieAttributes.builder().path("/a;b"), "path: /a;b (expected: visible ASCII");
    assertError(CookieAttributes.builder().path("/a b"), "path: /a b");
    assertError(CookieAttributes.builder().path("/a\r\nX: y"), "path: /a");
    assertError(
        CookieAttributes.builder().domain("exa mple.com"), "domain: exa mple.com (expected:");
    assertError(CookieAttributes.builder().domain("example.com;x"), "domain: example.com;x");
    assertError(CookieAttributes.builder().domain("."), "domain: .");
    assertError(
        CookieAttributes.builder().sameSite(SameSite.NONE).secure(Secure.NEVER),
        "secure: NEVER (expected: ALWAYS or WHEN_REQUEST_SECURE with sameSite NONE");
    assertError(
        CookieAttributes.builder()
            .sameSite(SameSite.LAX)
            .omitSameSiteNoneForIncompatibleClients(true),
        "omitSameSiteNoneForIncompatibleClients: true (expected: only with sameSite NONE, got"
            + " LAX)");
  }

  private static void assertError(CookieAttributes.Builder builder, String message) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
