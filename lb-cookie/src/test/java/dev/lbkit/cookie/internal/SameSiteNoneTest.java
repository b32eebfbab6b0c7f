package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameSiteNoneTest {
  @Test
  void refusesTheUserAgentsIngressNginxRefuses() {
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                    + " Chrome/66.0.3359.181 Safari/537.36"))
        .isFalse();
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (Linux; Android 7.0) AppleWebKit/537.36 Chrome/51.0.2704.81 Mobile"
                    + " Safari/537.36"))
        .isFalse();
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15"
                    + " (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1"))
        .isFalse();
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
                    + " Gecko) Mobile/15E148"))
        .isFalse();
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like"
                    + " Gecko) Version/12.1.2 Safari/605.1.15"))
        .isFalse();
  }

  @Test
  void acceptsCurrentBrowsersAndUnknownClients() {
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                    + " Chrome/120.0.0.0 Safari/537.36"))
        .isTrue();
    // Chrome on macOS 10.14 handles SameSite=None; only Safari there does not.
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/537.36 (KHTML, like"
                    + " Gecko) Chrome/120.0.0.0 Safari/537.36"))
        .isTrue();
    assertThat(
            SameSiteNone.isCompatible(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"))
        .isTrue();
    assertThat(SameSiteNone.isCompatible("curl/8.7.1")).isTrue();
    assertThat(SameSiteNone.isCompatible(null)).isTrue();
  }
}
