package dev.lbkit.config;

import dev.lbkit.config.internal.ConfigErrors;
import dev.lbkit.config.internal.ConfigNode;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the load balancing of an NGINX Ingress Controller {@code VirtualServer} upstream: its
 * {@code sessionCookie} (NGINX Plus {@code sticky cookie}) and its {@code lb-method}, given as the
 * plain maps a YAML or JSON library produces.
 *
 * <pre>{@code
 * // spec.upstreams[0] of a VirtualServer
 * VirtualServerConfig.UpstreamSettings tea = VirtualServerConfig.upstream(upstreamMap);
 * LoadBalancer lb = LoadBalancer.builder(teaUpstream)
 *     .selector(tea.method().selector())
 *     .affinity(tea.sessionPersistence().toBuilder().secrets(secret).build().toAffinity())
 *     .build();
 * }</pre>
 *
 * <p>The cookie behaves as the {@code sticky cookie} directive the controller generates (see {@link
 * NginxConfig#parseSticky}): persistent, re-sent with every response, {@code HttpOnly} and {@code
 * Secure} only when set, and reading the cookies NGINX Plus issued.
 */
public final class VirtualServerConfig {
  /** The controller's default {@code lb-method}. */
  public static final String DEFAULT_LB_METHOD = "random two least_conn";

  private static final List<String> SESSION_COOKIE_KEYS =
      List.of("enable", "name", "path", "expires", "domain", "httpOnly", "secure", "samesite");

  // The fields of a VirtualServer upstream: the two read here, and the rest, which configure
  // connections, timeouts, buffers and health rather than which backend a request goes to.
  private static final List<String> UPSTREAM_KEYS =
      List.of(
          "name",
          "service",
          "subselector",
          "use-cluster-ip",
          "port",
          "lb-method",
          "fail-timeout",
          "max-fails",
          "max-conns",
          "keepalive",
          "connect-timeout",
          "read-timeout",
          "send-timeout",
          "next-upstream",
          "next-upstream-timeout",
          "next-upstream-tries",
          "buffering",
          "buffers",
          "buffer-size",
          "client-max-body-size",
          "tls",
          "healthCheck",
          "slow-start",
          "queue",
          "sessionCookie",
          "type",
          "backup",
          "backupPort",
          "ntlm");

  private VirtualServerConfig() {}

  /**
   * The load balancing of one VirtualServer upstream.
   *
   * @param name the upstream's name ({@code tea})
   * @param method its {@code lb-method}, {@value VirtualServerConfig#DEFAULT_LB_METHOD} unless set
   * @param sessionPersistence its {@code sessionCookie}, or {@code null} when not enabled
   */
  public record UpstreamSettings(
      String name, LoadBalancingMethod method, @Nullable SessionPersistence sessionPersistence) {
    /** Checks the fields. */
    public UpstreamSettings {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * Reads one element of a VirtualServer's {@code spec.upstreams}: its {@code name}, {@code
   * lb-method} and {@code sessionCookie}. The other fields are known but not read here.
   *
   * @throws IllegalArgumentException naming the first field that is unknown, malformed or not
   *     supported
   */
  public static UpstreamSettings upstream(Map<String, ?> upstream) {
    ConfigNode node = ConfigNode.of("upstream", upstream);
    node.checkKeys(UPSTREAM_KEYS);
    String name = node.nonEmptyString("name");
    if (name == null) {
      throw node.invalid("name", "absent", "the upstream's name");
    }
    ConfigNode named = ConfigNode.of("upstream " + name, upstream);
    String lbMethod = named.string("lb-method");
    LoadBalancingMethod method =
        NginxConfig.method(
            named.pathOf("lb-method"), lbMethod == null ? DEFAULT_LB_METHOD : lbMethod, true);
    ConfigNode cookie = named.node("sessionCookie");
    SessionPersistence sp = cookie == null ? null : sessionCookie(cookie);
    return new UpstreamSettings(name, method, sp);
  }

  /**
   * Reads a {@code sessionCookie} object: {@code enable}, {@code name}, {@code path}, {@code
   * expires} (an nginx time, or {@code max}), {@code domain}, {@code httpOnly}, {@code secure} and
   * {@code samesite} ({@code strict}, {@code lax} or {@code none}).
   *
   * @return the session, or {@code null} when {@code enable} is false or absent
   * @throws IllegalArgumentException naming the first field that is unknown or malformed
   */
  public static @Nullable SessionPersistence sessionCookie(Map<String, ?> sessionCookie) {
    return sessionCookie(ConfigNode.of("sessionCookie", sessionCookie));
  }

  /**
   * Reads an upstream's {@code lb-method}: {@code round_robin} or an nginx method ({@code
   * least_conn}, {@code ip_hash}, {@code hash $request_uri consistent}, {@code random two
   * least_conn}, ...; see {@link NginxConfig#parseMethod}).
   *
   * @throws IllegalArgumentException if the method is malformed or not supported
   */
  public static LoadBalancingMethod lbMethod(String lbMethod) {
    Objects.requireNonNull(lbMethod, "lbMethod");
    return NginxConfig.method("lb-method", lbMethod, true);
  }

  private static @Nullable SessionPersistence sessionCookie(ConfigNode node) {
    node.checkKeys(SESSION_COOKIE_KEYS);
    Boolean enable = node.bool("enable");
    if (enable == null || !enable) {
      return null;
    }
    String name = node.nonEmptyString("name");
    if (name == null) {
      throw node.invalid("name", "absent", "the cookie name, required when enable is true");
    }
    SessionPersistence.CookieBuilder b = NginxConfig.stickyCookie(name);
    CookieAttributes.Builder attributes = NginxConfig.stickyCookieAttributes();
    String path = node.string("path");
    if (path != null) {
      NginxConfig.rejectVariable(node.pathOf("path"), path);
      attributes.path(path);
    }
    String expires = node.string("expires");
    if (expires != null) {
      String field = node.pathOf("expires");
      NginxConfig.rejectVariable(field, expires);
      Duration d = ConfigErrors.duration(field, expires, Durations::parseNginxCookieExpiry);
      ConfigErrors.wholeSeconds(field, ConfigNode.quote(expires), d);
      // As sticky cookie expires=: a sliding lifetime, renewed by every response.
      b.lifetime(SessionPersistence.Lifetime.PERMANENT).idleTimeout(d);
    }
    String domain = node.string("domain");
    if (domain != null) {
      NginxConfig.rejectVariable(node.pathOf("domain"), domain);
      attributes.domain(domain);
    }
    if (Boolean.TRUE.equals(node.bool("httpOnly"))) {
      attributes.httpOnly(true);
    }
    boolean secure = Boolean.TRUE.equals(node.bool("secure"));
    if (secure) {
      attributes.secure(CookieAttributes.Secure.ALWAYS);
    }
    String sameSite = node.string("samesite");
    if (sameSite != null) {
      CookieAttributes.SameSite s = NginxConfig.sameSite(node.pathOf("samesite"), sameSite);
      if (s == CookieAttributes.SameSite.NONE && !secure) {
        throw node.invalid(
            "samesite",
            ConfigNode.quote(sameSite),
            "secure: true too; browsers reject SameSite=None cookies that are not Secure");
      }
      attributes.sameSite(s);
    }
    return ConfigErrors.within(node.path(), () -> b.attributes(attributes.build()).build());
  }
}
