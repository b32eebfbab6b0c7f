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
            Map.entry("route", "a"),
            Map.entry("other", "1"),
            Map.entry("route", "b"),
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

  @Test
  void nextValueGivesWhereEachValueStandsWithoutTheQuotes() {
    String header = "srv_id=abc; other=1;  srv_id = \"def\" ;srv_id2=x; SRV_ID=up";
    long first = CookieHeader.nextValue(header, "srv_id", 0);
    assertThat(header.substring(CookieHeader.valueStart(first), CookieHeader.valueEnd(first)))
        .isEqualTo("abc");
    long second = CookieHeader.nextValue(header, "srv_id", CookieHeader.valueEnd(first));
    assertThat(header.substring(CookieHeader.valueStart(second), CookieHeader.valueEnd(second)))
        .isEqualTo("def");
    assertThat(CookieHeader.nextValue(header, "srv_id", CookieHeader.valueEnd(second)))
        .isEqualTo(-1);

    long upper =
        CookieHeader.nextValueIgnoringCase(header, "srv_id", CookieHeader.valueEnd(second));
    assertThat(header.substring(CookieHeader.valueStart(upper), CookieHeader.valueEnd(upper)))
        .isEqualTo("up");
    assertThat(CookieHeader.nextValue(null, "a", 0)).isEqualTo(-1);
    assertThat(CookieHeader.nextValue("a=1", "a", 99)).isEqualTo(-1);
    assertThat(CookieHeader.nextValueIgnoringCase("a=1", "A", -5)).isNotEqualTo(-1);
  }

  @Test
  void aNameInsideAValueOrAnotherNameIsNotACookie() {
    assertThat(CookieHeader.nextValue("x=srv_id=1", "srv_id", 0)).isEqualTo(-1);
    assertThat(CookieHeader.nextValue("x=a srv_id=1", "srv_id", 0)).isEqualTo(-1);
    assertThat(CookieHeader.nextValue("my_srv_id=1", "srv_id", 0)).isEqualTo(-1);
    assertThat(CookieHeader.first("srv_id; x=srv_id=2; srv_id=3", "srv_id")).isEqualTo("3");
  }
}
