package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VoyagerConfigTest {
  private static final String STICKY = "ingress.appscode.com/sticky-session";

  private static final SessionPersistence SERVERID =
      SessionPersistence.cookie("SERVERID")
          .refresh(SessionPersistence.Refresh.ON_CHANGE)
          .attributes(
              CookieAttributes.builder()
                  .httpOnly(false)
                  .secure(CookieAttributes.Secure.NEVER)
                  .build())
          .build();

  // "Sticky Ingress": the annotation on the Ingress makes s1, s2 and the TCP backend sticky.
  @Test
  void stickyIngress() {
    Map<String, String> ingress = Map.of(STICKY, "true");
    for (String service : new String[] {"s1", "s2"}) {
      assertThat(VoyagerConfig.sessionPersistence(ingress, Map.of()))
          .as(service)
          .isEqualTo(SERVERID);
    }
    assertThat(VoyagerConfig.isSticky(ingress, Map.of())).isTrue();
    assertThat(VoyagerConfig.tcpMethod(ingress, Map.of()).directive())
        .isEqualTo("hash $remote_addr consistent");
  }

  // "Sticky Backends": only s1's Service is annotated.
  @Test
  void stickyBackend() {
    Map<String, String> ingress = Map.of();
    Map<String, String> s1 = Map.of(STICKY, "true");
    Map<String, String> s2 = Map.of();
    assertThat(VoyagerConfig.sessionPersistence(ingress, s1)).isEqualTo(SERVERID);
    assertThat(VoyagerConfig.sessionPersistence(ingress, s2)).isNull();
    assertThat(VoyagerConfig.tcpMethod(ingress, Map.of())).isNull();
    assertThat(VoyagerConfig.isSticky(ingress, s2)).isFalse();
  }

  @Test
  void laterVoyagerAnnotations() {
    Map<String, String> ingress =
        Map.of(
            "ingress.appscode.com/affinity", "cookie",
            "ingress.appscode.com/session-cookie-name", "route",
            "ingress.appscode.com/session-cookie-hash", "md5");
    assertThat(VoyagerConfig.sessionPersistence(ingress, Map.of()).name()).isEqualTo("route");
    // The Service's name wins.
    assertThat(
            VoyagerConfig.sessionPersistence(
                    ingress, Map.of("ingress.appscode.com/session-cookie-name", "svc"))
                .name())
        .isEqualTo("svc");
  }

  @Test
  void goBooleansAndOtherAnnotations() {
    assertThat(VoyagerConfig.isSticky(Map.of(STICKY, "True"), Map.of())).isTrue();
    assertThat(VoyagerConfig.isSticky(Map.of(STICKY, "1"), Map.of())).isTrue();
    assertThat(VoyagerConfig.isSticky(Map.of(STICKY, "false"), Map.of())).isFalse();
    assertThat(
            VoyagerConfig.isSticky(
                Map.of(
                    "ingress.appscode.com/hsts", "true", "kubernetes.io/ingress.class", "voyager"),
                Map.of()))
        .isFalse();
  }

  @Test
  void badValues() {
    assertThatThrownBy(() -> VoyagerConfig.isSticky(Map.of(STICKY, "yes"), Map.of()))
        .hasMessage(
            "annotation \"ingress.appscode.com/sticky-session\": \"yes\" (expected: 'true' or"
                + " 'false')");
    assertThatThrownBy(
            () -> VoyagerConfig.isSticky(Map.of("ingress.appscode.com/affinity", "ip"), Map.of()))
        .hasMessage("annotation \"ingress.appscode.com/affinity\": \"ip\" (expected: cookie)");
    assertThatThrownBy(
            () ->
                VoyagerConfig.isSticky(
                    Map.of(), Map.of("ingress.appscode.com/session-cookie-hash", "crc32")))
        .hasMessage(
            "annotation \"ingress.appscode.com/session-cookie-hash\": \"crc32\" (expected: md5, sha"
                + " or index)");
    assertThatThrownBy(
            () ->
                VoyagerConfig.isSticky(
                    Map.of("ingress.appscode.com/sticky-sessions", "true"), Map.of()))
        .hasMessage(
            "annotation \"ingress.appscode.com/sticky-sessions\": unknown (expected one of:"
                + " sticky-session, affinity, session-cookie-name, session-cookie-hash, with or"
                + " without the prefix ingress.appscode.com/)");
    assertThatThrownBy(
            () ->
                VoyagerConfig.sessionPersistence(
                    Map.of(STICKY, "true", "ingress.appscode.com/session-cookie-name", "a;b"),
                    Map.of()))
        .hasMessageStartingWith("name: \"a;b\" (expected: RFC 6265 token");
  }
}
