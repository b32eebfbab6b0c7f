package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class ProxyHeadersProperties {
  /**
   * A client's Forwarded value is judged, never thrown on; one judged well-formed can be extended.
   */
  @Property
  void anyForwardedValueIsJudgedWithoutThrowing(@ForAll String value) {
    if (ProxyHeaders.isWellFormedForwarded(value)) {
      assertThat(ProxyHeaders.isWellFormedForwarded(value.trim() + ", for=\"127.0.0.1\"")).isTrue();
    }
  }
}
