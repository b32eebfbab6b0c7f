package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The small values: response headers and bindings. */
class ValuesTest {

  @Test
  void responseHeadersRefuseInjection() {
    ResponseHeader header = new ResponseHeader("Set-Cookie", "srv_id=abc; Path=/");
    assertThat(header.name()).isEqualTo("Set-Cookie");
    assertThat(header).isEqualTo(new ResponseHeader("Set-Cookie", "srv_id=abc; Path=/"));
    assertThat(header.toString())
        .isEqualTo("ResponseHeader[name=Set-Cookie, value=srv_id=abc; Path=/]");
    assertThatThrownBy(() -> new ResponseHeader("Set-Cookie", "a\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "value of header Set-Cookie: contains a control character (expected: visible characters,"
                + " spaces or tabs)");
    assertThatThrownBy(() -> new ResponseHeader("Set Cookie", "a"))
        .hasMessage("header name: \"Set Cookie\" (expected: an RFC 9110 token)");
    assertThatThrownBy(() -> new ResponseHeader("", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseHeader("X", "\u0000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ResponseHeader("X", "tab\tok").value()).isEqualTo("tab\tok");
  }

  @Test
  void bindings() {
    assertThat(Binding.none().kind()).isEqualTo(Binding.Kind.NONE);
    assertThat(Binding.none().index()).isEqualTo(-1);
    assertThat(Binding.bound(2, "s").index()).isEqualTo(2);
    assertThat(Binding.bound(2, "s").session()).isEqualTo("s");
    assertThat(Binding.gone("s").kind()).isEqualTo(Binding.Kind.GONE);
    assertThat(Binding.bound(2, null).toString()).isEqualTo("Binding{BOUND 2}");
    assertThat(Binding.gone(null).toString()).isEqualTo("Binding{GONE}");
    assertThatThrownBy(() -> Binding.bound(-1, null)).hasMessage("index: -1 (expected: >= 0)");
  }

  @Test
  void selectorNames() {
    assertThat(Selector.roundRobin().toString()).isEqualTo("round_robin");
    assertThat(Selector.leastConn().toString()).isEqualTo("least_conn");
    assertThat(Selector.random().toString()).isEqualTo("random");
    assertThat(Selector.randomTwoLeastConn().toString()).isEqualTo("random two least_conn");
    assertThat(SessionAffinity.none().toString()).isEqualTo("none");
  }
}
