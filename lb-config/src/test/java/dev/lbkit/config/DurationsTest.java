package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GEP-2257's test vectors, and nginx's time strings as ngx_parse_time reads them. */
class DurationsTest {

  private static Duration hms(long h, long m, long s, long ms) {
    return Duration.ofHours(h).plusMinutes(m).plusSeconds(s).plusMillis(ms);
  }

  /** GEP-2257 "Test Vectors / Parsing": input, canonical form, and components. */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "0h, 0s, 0, 0, 0, 0",
    "0s, 0s, 0, 0, 0, 0",
    "0h0m0s, 0s, 0, 0, 0, 0",
    "1h, 1h, 1, 0, 0, 0",
    "30m, 30m, 0, 30, 0, 0",
    "10s, 10s, 0, 0, 10, 0",
    "500ms, 500ms, 0, 0, 0, 500",
    "2h30m, 2h30m, 2, 30, 0, 0",
    "150m, 2h30m, 2, 30, 0, 0",
    "7230s, 2h30s, 2, 0, 30, 0",
    "1h30m10s, 1h30m10s, 1, 30, 10, 0",
    "10s30m1h, 1h30m10s, 1, 30, 10, 0",
    "100ms200ms300ms, 600ms, 0, 0, 0, 600",
  })
  void gatewayParsingVectors(String input, String canonical, long h, long m, long s, long ms) {
    Duration parsed = Durations.parseGatewayDuration(input);
    assertThat(parsed).isEqualTo(hms(h, m, s, ms));
    assertThat(Durations.formatGatewayDuration(parsed)).isEqualTo(canonical);
  }

  @Test
  void gatewayExamplesFromTheText() {
    assertThat(Durations.parseGatewayDuration("1h5m")).isEqualTo(hms(1, 5, 0, 0));
    assertThat(Durations.parseGatewayDuration("1h30m30s500ms")).isEqualTo(hms(1, 30, 30, 500));
    assertThat(Durations.parseGatewayDuration("01h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parseGatewayDuration("00060m")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parseGatewayDuration("1s500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parseGatewayDuration("1h500ms")).isEqualTo(hms(1, 0, 0, 500));
    assertThat(Durations.parseGatewayDuration("1h2h20m10m")).isEqualTo(hms(3, 30, 0, 0));
    assertThat(Durations.parseGatewayDuration("99999h")).isEqualTo(Duration.ofHours(99_999));
    assertThat(Durations.parseGatewayDuration("99999h99999m99999s99999ms"))
        .isEqualTo(hms(99_999, 99_999, 99_999, 99_999));
  }

  /** GEP-2257 "Invalid GEP-2257 Duration strings", the "0" and "", and more. */
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "1",
        "1m1",
        "1d",
        "1h30m10s20ms50h",
        "999999h",
        "1.5h",
        "-15m",
        "0",
        "",
        " 1h",
        "1h ",
        "1H",
        "h",
        "ms",
        "1us",
        "1ns",
        "1µs",
        "+1h",
        "1hh",
        "1 h",
        "1msx",
        "१h",
        "1h30m10s20ms1ms"
      })
  void gatewayInvalidStrings(String input) {
    assertThatThrownBy(() -> Durations.parseGatewayDuration(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration: \"" + input + "\" (expected: a Gateway API duration");
  }

  /** GEP-2257 "Test Vectors / Formatting". */
  @ParameterizedTest(name = "{4}")
  @CsvSource({
    "0, 0, 0, 0, 0s",
    "1, 0, 0, 0, 1h",
    "0, 30, 0, 0, 30m",
    "0, 0, 10, 0, 10s",
    "0, 0, 0, 500, 500ms",
    "2, 30, 0, 0, 2h30m",
    "1, 30, 10, 0, 1h30m10s",
    "0, 0, 0, 600, 600ms",
    "2, 0, 0, 600, 2h600ms",
    "2, 30, 0, 600, 2h30m600ms",
    "2, 30, 10, 600, 2h30m10s600ms",
  })
  void gatewayFormattingVectors(long h, long m, long s, long ms, String canonical) {
    assertThat(Durations.formatGatewayDuration(hms(h, m, s, ms))).isEqualTo(canonical);
    assertThat(Durations.parseGatewayDuration(canonical)).isEqualTo(hms(h, m, s, ms));
  }

  @Test
  void gatewayFormattingOfFractionsAndDays() {
    assertThat(Durations.formatGatewayDuration(Duration.ofSeconds(30))).isEqualTo("30s"); // 0.5m
    assertThat(Durations.formatGatewayDuration(Duration.ofMillis(500))).isEqualTo("500ms"); // 0.5s
    assertThat(Durations.formatGatewayDuration(Duration.ofDays(10))).isEqualTo("240h");
    assertThat(Durations.formatGatewayDuration(Durations.GATEWAY_MAX))
        .isEqualTo("99999h59m59s999ms");
  }

  @Test
  void gatewayFormattingRefusesWhatCannotBeWritten() {
    for (Duration invalid :
        new Duration[] {
          Duration.ofNanos(100_000), // 100 microseconds
          Duration.ofNanos(500_000), // 0.5 milliseconds
          Duration.ofDays(10_000),
          Duration.ofMinutes(-15),
          Durations.GATEWAY_MAX.plusMillis(1),
        }) {
      assertThatThrownBy(() -> Durations.formatGatewayDuration(invalid))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("duration: " + invalid + " (expected: 0 to 99999h59m59s999ms");
    }
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "0, 0",
    "60, 60000",
    "75, 75000",
    "10s, 10000",
    "500ms, 500",
    "1m, 60000",
    "1m30s, 90000",
    "1h30m, 5400000",
    "2h, 7200000",
    "1d, 86400000",
    "1w, 604800000",
    "1w2d3h4m5s6ms, 788645006",
    "1h 30m, 5400000",
    "'1h 30 ', 3630000",
    "1h30, 3630000",
    "'30 ', 30000",
    "'1h   ', 3600000",
    "1hm, 3600000",
    "007s, 7000",
    // nginx's quirk, kept: a number and a space are seconds, and a bare number may still follow.
    "'30 1', 31000",
  })
  void nginxTimes(String input, long millis) {
    assertThat(Durations.parseNginxTime(input)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "",
        "s",
        "h",
        " ",
        " 1h",
        "1y",
        "1M",
        "30m1h",
        "1s1s",
        "1ms1s",
        "1.5s",
        "-1s",
        "1x",
        "1S",
        "1H",
        "1 h",
        "9223372036854775808ms",
        "9999999999999999d"
      })
  void nginxTimeRefusals(String input) {
    assertThatThrownBy(() -> Durations.parseNginxTime(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration: \"" + input + "\" (expected: an nginx time:");
  }

  @ParameterizedTest(name = "{0} = {1} s")
  @CsvSource({
    "10, 10",
    "10s, 10",
    "2h, 7200",
    "1h30m, 5400",
    "1d, 86400",
    "1w, 604800",
    "1M, 2592000",
    "1y, 31536000",
    "1y1M1w1d1h1m1s, 34822861",
    "0s, 0",
  })
  void nginxSeconds(String input, long seconds) {
    assertThat(Durations.parseNginxSeconds(input)).isEqualTo(Duration.ofSeconds(seconds));
    assertThat(Durations.parseNginxCookieExpiry(input)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"500ms", "1M1y", "max", "", "1.5h", "-1"})
  void nginxSecondsRefusals(String input) {
    assertThatThrownBy(() -> Durations.parseNginxSeconds(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration: \"" + input + "\" (expected: an nginx time in seconds");
  }

  @Test
  void cookieExpiryMax() {
    assertThat(Durations.parseNginxCookieExpiry("max")).isEqualTo(Durations.NGINX_EXPIRES_MAX);
    assertThat(Durations.NGINX_EXPIRES_MAX).isEqualTo(Duration.ofDays(3650));
    assertThat(Durations.parseNginxCookieExpiry("2h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> Durations.parseNginxCookieExpiry("MAX"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration: \"MAX\" (expected: max, or an nginx time in seconds");
    assertThatThrownBy(() -> Durations.parseNginxCookieExpiry("epoch"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void seedExamples() {
    // The ingress and gateway guides' expiry and timeout values.
    assertThat(Durations.parseNginxCookieExpiry("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parseGatewayDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parseGatewayDuration("30m")).isEqualTo(Duration.ofMinutes(30));
  }
}
