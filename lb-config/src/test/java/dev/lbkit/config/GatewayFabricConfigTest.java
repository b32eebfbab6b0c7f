package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayFabricConfigTest {
  private static final Map<String, Object> TARGET_COFFEE =
      Map.of("group", "core", "kind", "Service", "name", "coffee");

  // The lb-method UpstreamSettingsPolicy of the NGINX Gateway Fabric guide.
  @Test
  void ipHashPolicyForCoffee() {
    LoadBalancingMethod method =
        GatewayFabricConfig.upstreamSettings(
            Map.of("targetRefs", List.of(TARGET_COFFEE), "loadBalancingMethod", "ip_hash"));
    assertThat(method).isEqualTo(NginxConfig.parseMethod("ip_hash;"));
  }

  // latte has no policy: NGINX Gateway Fabric writes random two least_conn.
  @Test
  void defaultForLatte() {
    assertThat(GatewayFabricConfig.upstreamSettings(Map.of("targetRefs", List.of())).directive())
        .isEqualTo("random two least_conn");
  }

  // The tea HTTPRoute: sticky cookie cookie-tea expires=24h path=/tea.
  @Test
  void cookieTeaRouteAsNginxGatewayFabricTranslatesIt() {
    Map<String, Object> rule =
        Map.of(
            "matches", List.of(Map.of("path", Map.of("type", "Exact", "value", "/tea"))),
            "backendRefs", List.of(Map.of("name", "tea", "port", 80)),
            "sessionPersistence",
                Map.of(
                    "sessionName", "cookie-tea",
                    "type", "Cookie",
                    "absoluteTimeout", "24h",
                    "cookieConfig", Map.of("lifetimeType", "Permanent")));
    assertThat(GatewayFabricConfig.ruleSessionPersistence(rule))
        .isEqualTo(NginxConfig.parseSticky("sticky cookie cookie-tea expires=24h path=/tea;"));
  }

  @Test
  void sessionLifetimeDropsTheAbsoluteTimeoutAndIdleTimeoutIsIgnored() {
    Map<String, Object> rule =
        Map.of(
            "sessionPersistence",
            Map.of("sessionName", "s", "absoluteTimeout", "1h", "idleTimeout", "10m"));
    assertThat(GatewayFabricConfig.ruleSessionPersistence(rule))
        .isEqualTo(NginxConfig.parseSticky("sticky cookie s path=/"));
  }

  @Test
  void headerSessionsAreIgnoredAsNginxGatewayFabricIgnoresThem() {
    assertThat(
            GatewayFabricConfig.ruleSessionPersistence(
                Map.of("sessionPersistence", Map.of("sessionName", "s", "type", "Header"))))
        .isNull();
    assertThat(GatewayFabricConfig.ruleSessionPersistence(Map.of())).isNull();
  }

  @Test
  void everyMethod() {
    assertThat(GatewayFabricConfig.loadBalancingMethod("round_robin", null))
        .isEqualTo(LoadBalancingMethod.roundRobin());
    assertThat(GatewayFabricConfig.loadBalancingMethod("least_conn", null).directive())
        .isEqualTo("least_conn");
    assertThat(GatewayFabricConfig.loadBalancingMethod("random", null).directive())
        .isEqualTo("random");
    assertThat(GatewayFabricConfig.loadBalancingMethod("random two", null).directive())
        .isEqualTo("random two least_conn");
    assertThat(GatewayFabricConfig.loadBalancingMethod("hash", "$remote_addr").directive())
        .isEqualTo("hash $remote_addr");
    assertThat(
            GatewayFabricConfig.upstreamSettings(
                    Map.of(
                        "loadBalancingMethod", "hash consistent", "hashMethodKey", "$http_x_user"))
                .directive())
        .isEqualTo("hash $http_x_user consistent");
  }

  @Test
  void badValues() {
    assertThatThrownBy(() -> GatewayFabricConfig.loadBalancingMethod("hash", null))
        .hasMessage(
            "spec.hashMethodKey: absent (expected: the nginx value to hash, such as $remote_addr,"
                + " with loadBalancingMethod hash)");
    assertThatThrownBy(() -> GatewayFabricConfig.loadBalancingMethod("ip_hash", "$remote_addr"))
        .hasMessage(
            "spec.hashMethodKey: \"$remote_addr\" (expected: only with loadBalancingMethod hash or"
                + " hash consistent, not ip_hash)");
    assertThatThrownBy(() -> GatewayFabricConfig.loadBalancingMethod("least_time header", null))
        .hasMessageStartingWith(
            "spec.loadBalancingMethod: \"least_time header\" (not supported, because least_time"
                + " needs response times");
    assertThatThrownBy(
            () -> GatewayFabricConfig.loadBalancingMethod("random two least_time=header", null))
        .hasMessageStartingWith(
            "spec.loadBalancingMethod: \"random two least_time=header\" (not" + " supported");
    assertThatThrownBy(() -> GatewayFabricConfig.loadBalancingMethod("Round_Robin", null))
        .hasMessage(
            "spec.loadBalancingMethod: \"Round_Robin\" (expected: round_robin, least_conn, ip_hash,"
                + " random, random two, random two least_conn, hash, hash consistent)");
    assertThatThrownBy(() -> GatewayFabricConfig.loadBalancingMethod("hash", "$request_id"))
        .hasMessageContaining("$request_id is not supported");
    assertThatThrownBy(
            () -> GatewayFabricConfig.upstreamSettings(Map.of("loadBalancing", "ip_hash")))
        .hasMessage(
            "spec: unknown key \"loadBalancing\" (expected one of: targetRefs, zoneSize, keepAlive,"
                + " loadBalancingMethod, hashMethodKey)");
  }

  @Test
  void notReadFieldsAreAccepted() {
    assertThat(
            GatewayFabricConfig.upstreamSettings(
                Map.of(
                    "targetRefs", List.of(TARGET_COFFEE),
                    "zoneSize", "1m",
                    "keepAlive", Map.of("connections", 32, "timeout", "60s"))))
        .isEqualTo(NginxConfig.parseMethod("random two least_conn"));
  }
}
