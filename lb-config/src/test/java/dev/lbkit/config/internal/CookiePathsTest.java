package dev.lbkit.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CookiePathsTest {
  @Test
  void routeCookiePathTakesLiteralPathsOnly() {
    assertThat(CookiePaths.routeCookiePath("Exact", "/tea")).isEqualTo("/tea");
    assertThat(CookiePaths.routeCookiePath("PathPrefix", "/tea/")).isEqualTo("/tea");
    assertThat(CookiePaths.routeCookiePath("Prefix", "/")).isEqualTo("/");
    assertThatThrownBy(() -> CookiePaths.routeCookiePath("RegularExpression", "/tea/.*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "route match type: RegularExpression (expected: Exact, PathPrefix or Prefix");
    assertThatThrownBy(() -> CookiePaths.routeCookiePath("ImplementationSpecific", "/tea"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CookiePaths.routeCookiePath("PathPrefix", "/tea/(.*)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route path: /tea/(.*) (expected: a literal path");
    assertThatThrownBy(() -> CookiePaths.routeCookiePath("PathPrefix", "/api/*"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CookiePaths.routeCookiePath("Exact", "tea"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: an absolute path");
  }
}
