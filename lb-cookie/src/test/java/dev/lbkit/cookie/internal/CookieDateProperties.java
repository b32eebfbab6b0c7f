package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class CookieDateProperties {
  /** IMF-fixdate with English names, as RFC 9110 defines it; the reference to agree with. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  @Property(tries = 1000)
  void agreesWithDateTimeFormatter(@ForAll @LongRange(min = 0, max = 253402300799L) long second) {
    assertThat(format(second)).isEqualTo(IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
  }

  @Example
  void formatsTheSeedExpiry() {
    // NGINX Gateway Fabric's walkthrough: a 24 h cookie set at 2025-12-10 01:39:55 UTC.
    long second = Instant.parse("2025-12-11T01:39:55Z").getEpochSecond();
    assertThat(format(second)).isEqualTo("Thu, 11 Dec 2025 01:39:55 GMT");
  }

  @Example
  void formatsLeapDaysAndTheEpoch() {
    assertThat(format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
    assertThat(format(Instant.parse("2024-02-29T23:59:59Z").getEpochSecond()))
        .isEqualTo("Thu, 29 Feb 2024 23:59:59 GMT");
    assertThat(format(Instant.parse("2100-03-01T00:00:00Z").getEpochSecond()))
        .isEqualTo("Mon, 01 Mar 2100 00:00:00 GMT");
  }

  private static String format(long second) {
    byte[] out = new byte[CookieDate.LENGTH + 2];
    int end = CookieDate.write(second, out, 1);
    assertThat(end).isEqualTo(CookieDate.LENGTH + 1);
    return new String(out, 1, CookieDate.LENGTH, StandardCharsets.US_ASCII);
  }
}
