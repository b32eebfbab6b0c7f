package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeadersTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "for=192.0.2.60",
        "for=192.0.2.60;proto=http;by=203.0.113.43",
        "for=\"_gazonk\"",
        "For=\"[2001:db8:cafe::17]:4711\"",
        "for=192.0.2.43, for=198.51.100.17",
        "for=192.0.2.43,for=198.51.100.17 ,  for=unknown",
        "by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"127.0.0.1:8080\";proto=http",
        "for=\"a \\\"quoted\\\" value\""
      })
  void wellFormedForwardedValues(String value) {
    assertThat(ProxyHeaders.isWellFormedForwarded(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "for",
        "for=",
        "=x",
        "for=\"unterminated",
        "for=a b",
        "for=192.0.2.1,",
        "for=192.0.2.1;",
        "for=192.0.2.1;;by=x",
        ", for=x",
        "for=[2001:db8::1]",
        "for=\"\u0001\"",
        "for=x\u0000"
      })
  void malformedForwardedValues(String value) {
    assertThat(ProxyHeaders.isWellFormedForwarded(value)).isFalse();
  }

  @Test
  void hopByHopHeadersInAnyCase() {
    for (String name :
        List.of(
            "Connection",
            "keep-alive",
            "Proxy-Connection",
            "Proxy-Authenticate",
            "PROXY-AUTHORIZATION",
            "TE",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade")) {
      assertThat(ProxyHeaders.isHopByHop(name)).as(name).isTrue();
    }
    for (String name : List.of("Set-Cookie", "Content-Length", "Trailers", "Proxy", "Host")) {
      assertThat(ProxyHeaders.isHopByHop(name)).as(name).isFalse();
    }
  }

  @Test
  void connectionNamesMoreHopByHopHeaders() {
    assertThat(ProxyHeaders.connectionOptions(List.of("close, X-Trace", " Keep-Alive ,,x-b ")))
        .containsExactlyInAnyOrder("close", "x-trace", "keep-alive", "x-b");
    assertThat(ProxyHeaders.connectionOptions(List.of())).isEmpty();
  }
}
