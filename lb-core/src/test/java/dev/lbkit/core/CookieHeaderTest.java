package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cookie lookup in a raw Cookie header, as RFC 6265 section 5.4 sends it. */
class CookieHeaderTest {

  @Test
  void findsCookiesByExactName() {
    String header = "srv_id=abc123; JSESSIONID=XYZ.node1; theme=dark";
    assertThat(CookieHeader.first(header, "srv_id")).isEqualTo("abc123");
    assertThat(CookieHeader.first(header, "JSESSIONID")).isEqualTo("XYZ.node1");
    assertThat(CookieHeader.first(header, "theme")).isEqualTo("dark");
    assertThat(CookieHeader.first(header, "jsessionid")).isNull();
    assertThat(CookieHeader.firstIgnoringCase(header, "jsessionid")).isEqualTo("XYZ.node1");
    assertThat(CookieHeader.first(header, "srv")).isNull();
    assertThat(CookieHeader.first(header, "srv_id2")).isNull();
  }

  @Test
  void duplicatesAreKeptInOrder() {
    String header = "route=a; other=1; route=b;route=c";
    assertThat(CookieHeader.first(header, "route")).isEqualTo("a");
    assertThat(CookieHeader.all(header, "route")).containsExactly("a", "b", "c");
    assertThat(CookieHeader.parse(header))
        .containsExactly(
            Map.entry("route", "a"), Map.entry("other", "1"), Map.entry("route", "b"),
            Map.entry("route", "c"));
  }

  @Test
  void quotesAndSpacesAreTrimmed() {
    assertThat(CookieHeader.first("a=\"quoted value\"", "a")).isEqualTo("quoted value");
    assertThat(CookieHeader.first("  a  =  b  ;c=d", "a")).isEqualTo("b");
    assertThat(CookieHeader.first("a=\t1\t", "a")).isEqualTo("1");
    assertThat(CookieHeader.first("a=\"", "a")).isEqualTo("\"");
    assertThat(CookieHeader.first("a=\"\"", "a")).isEmpty();
    assertThat(CookieHeader.first("a=", "a")).isEmpty();
    assertThat(CookieHeader.first("a==b", "a")).isEqualTo("=b");
  }

  @Test
  void pairsWithoutEqualsAreSkipped() {
    assertThat(CookieHeader.first("a; a=1", "a")).isEqualTo("1");
    assertThat(CookieHeader.parse("flag; =novalue; b=2")).containsExactly(Map.entry("b", "2"));
  }

  @Test
  void absentHeaders() {
    assertThat(CookieHeader.first(null, "a")).isNull();
    assertThat(CookieHeader.first("", "a")).isNull();
    assertThat(CookieHeader.all(null, "a")).isEmpty();
    assertThat(CookieHeader.parse(null)).isEmpty();
    assertThat(CookieHeader.parse(";;;")).isEmpty();
    assertThat(CookieHeader.all("x=1", "a")).isEqualTo(List.of());
  }
}
