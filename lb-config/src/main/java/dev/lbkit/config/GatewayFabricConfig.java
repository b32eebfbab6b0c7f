package dev.lbkit.config;

import dev.lbkit.config.internal.ConfigNode;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what NGINX Gateway Fabric configures about load balancing: the {@code loadBalancingMethod}
 * of an {@code UpstreamSettingsPolicy}, and a route rule's {@code sessionPersistence} as NGINX
 * Gateway Fabric translates it to {@code sticky cookie}.
 *
 * <pre>{@code
 * LoadBalancingMethod coffee = GatewayFabricConfig.upstreamSettings(policySpec); // ip_hash
 * SessionPersistence tea = GatewayFabricConfig.ruleSessionPersistence(rule);      // cookie-tea
 * }</pre>
 *
 * <p>Use {@link GatewayApiConfig} instead to get the Gateway API's behaviour as Envoy-based
 * gateways implement it; this class reproduces NGINX Gateway Fabric's choices, so that sessions and
 * cookies stay as they were when a gateway takes over from it.
 */
public final class GatewayFabricConfig {
  private static final Logger logger = LoggerFactory.getLogger(GatewayFabricConfig.class);

  /** NGINX Gateway Fabric's default method. */
  public static final String DEFAULT_METHOD = "random two least_conn";

  private static final List<String> SPEC_KEYS =
      List.of("targetRefs", "zoneSize", "keepAlive", "loadBalancingMethod", "hashMethodKey");
  private static final List<String> METHODS =
      List.of(
          "round_robin",
          "least_conn",
          "ip_hash",
          "random",
          "random two",
          "random two least_conn",
          "hash",
          "hash consistent");

  private GatewayFabricConfig() {}

  /**
   * Reads the {@code spec} of an {@code UpstreamSettingsPolicy}: {@code loadBalancingMethod}
   * ({@value #DEFAULT_METHOD} unless set) and, for {@code hash} and {@code hash consistent}, its
   * {@code hashMethodKey}. {@code targetRefs}, {@code zoneSize} and {@code keepAlive} are known but
   * not about which backend a request goes to, and are not read.
   *
   * @throws IllegalArgumentException naming the field that is unknown, malformed or not supported
   */
  public static LoadBalancingMethod upstreamSettings(Map<String, ?> spec) {
    ConfigNode node = ConfigNode.of("spec", spec);
    node.checkKeys(SPEC_KEYS);
    String method = node.string("loadBalancingMethod");
    return loadBalancingMethod(
        method == null ? DEFAULT_METHOD : method, node.string("hashMethodKey"));
  }

  /**
   * Reads a {@code loadBalancingMethod} value: {@code round_robin}, {@code least_conn}, {@code
   * ip_hash}, {@code random}, {@code random two}, {@code random two least_conn}, {@code hash} or
   * {@code hash consistent}. The NGINX Plus {@code least_time} methods are refused: they need
   * response times, which lbkit does not measure.
   *
   * @param hashMethodKey the nginx value to hash ({@code $remote_addr}), required for the hash
   *     methods and refused otherwise
   * @throws IllegalArgumentException if the method or key is malformed or not supported
   */
  public static LoadBalancingMethod loadBalancingMethod(
      String method, @Nullable String hashMethodKey) {
    Objects.requireNonNull(method, "method");
    boolean hash = method.equals("hash") || method.equals("hash consistent");
    if (hash && (hashMethodKey == null || hashMethodKey.isEmpty())) {
      throw new IllegalArgumentException(
          "spec.hashMethodKey: absent (expected: the nginx value to hash, such as $remote_addr,"
              + " with loadBalancingMethod "
              + method
              + ")");
    }
    if (!hash && hashMethodKey != null) {
      throw new IllegalArgumentException(
          "spec.hashMethodKey: \""
              + hashMethodKey
              + "\" (expected: only with loadBalancingMethod"
              + " hash or hash consistent, not "
              + method
              + ")");
    }
    if (method.startsWith("least_time") || method.contains("least_time")) {
      throw new IllegalArgumentException(
          "spec.loadBalancingMethod: \""
              + method
              + "\" (not supported, because least_time needs"
              + " response times, which lbkit does not measure; expected: "
              + String.join(", ", METHODS)
              + ")");
    }
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "spec.loadBalancingMethod: \""
              + method
              + "\" (expected: "
              + String.join(", ", METHODS)
              + ")");
    }
    String directive =
        hash
            ? "hash " + hashMethodKey + (method.equals("hash consistent") ? " consistent" : "")
            : method;
    return NginxConfig.method("spec.loadBalancingMethod", directive, true);
  }

  /**
   * Reads a route rule's {@code sessionPersistence} as NGINX Gateway Fabric turns it into {@code
   * sticky cookie NAME [expires=absoluteTimeout] path=PATH}: the cookie path from the rule's path
   * matches, {@code expires} only for {@code lifetimeType: Permanent} (a lifetime that every
   * response renews, as nginx does, so lbkit's {@code idleTimeout}), no {@code HttpOnly}, {@code
   * Secure} or {@code Domain}, re-sent with every response, and the cookies NGINX Plus issued read
   * and re-issued. As NGINX Gateway Fabric, {@code type: Header} is ignored (a warning, and no
   * session persistence) and so is {@code idleTimeout}.
   *
   * @return the session, or {@code null} when the rule has none or asks for a header session
   * @throws IllegalArgumentException naming the first field that breaks the Gateway API's rules
   */
  public static @Nullable SessionPersistence ruleSessionPersistence(Map<String, ?> rule) {
    SessionPersistence gateway = GatewayApiConfig.ruleSessionPersistence(rule);
    if (gateway == null) {
      return null;
    }
    if (gateway.type() == SessionPersistence.Type.HEADER) {
      logger.warn(
          "sessionPersistence type Header is ignored, as NGINX Gateway Fabric ignores it: only"
              + " cookie sessions translate to sticky cookie");
      return null;
    }
    if (gateway.idleTimeout() != null) {
      logger.warn(
          "sessionPersistence idleTimeout {} is ignored, as NGINX Gateway Fabric ignores it",
          gateway.idleTimeout());
    }
    CookieAttributes gatewayAttributes = Objects.requireNonNull(gateway.cookieAttributes());
    SessionPersistence.CookieBuilder b =
        NginxConfig.stickyCookie(gateway.name())
            .attributes(
                NginxConfig.stickyCookieAttributes().path(gatewayAttributes.path()).build());
    if (gateway.lifetime() == SessionPersistence.Lifetime.PERMANENT) {
      // NGINX Gateway Fabric writes expires=<absoluteTimeout>, which nginx renews with every
      // response: a sliding lifetime.
      b.lifetime(SessionPersistence.Lifetime.PERMANENT).idleTimeout(gateway.absoluteTimeout());
    }
    return b.build();
  }
}
