package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Reading a created session id out of a backend's Set-Cookie headers. */
class SetCookieValuesTest {
  @Test
  void findsTheNamedCookieAmongJoinedValues() {
    String joined =
        "lang=en; Path=/; Expires=Thu, 01 Jan 2027 00:00:00 GMT, JSESSIONID=A1B2C3; Path=/shop;"
            + " HttpOnly, other=x";
    assertThat(SetCookieValues.first(joined, "JSESSIONID")).isEqualTo("A1B2C3");
    assertThat(SetCookieValues.first("JSESSIONID=\"q1\"; Path=/", "JSESSIONID")).isEqualTo("q1");
    assertThat(SetCookieValues.first("JSESSIONID=abc", "JSESSIONID")).isEqualTo("abc");
  }

  @Test
  void ignoresAttributesLookalikesAndBadValues() {
    assertThat(SetCookieValues.first("x=1; JSESSIONID=abc", "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first("XJSESSIONID=abc", "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first("JSESSIONID=; Max-Age=0", "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first("JSESSIONID=a b", "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first("JSESSIONID=a\r\nX: y", "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first(null, "JSESSIONID")).isNull();
    assertThat(SetCookieValues.first("JSESSIONID", "JSESSIONID")).isNull();
  }

  @Property
  void anyHeaderIsReadWithoutThrowingAndYieldsOnlyCookieOctets(@ForAll String header) {
    String v = SetCookieValues.first(header, "sid");
    if (v != null) {
      assertThat(SetCookieValues.isToken(v)).isTrue();
      assertThat(header).contains("sid=");
    }
  }
}
