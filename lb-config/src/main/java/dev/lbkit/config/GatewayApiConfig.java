package dev.lbkit.config;

import dev.lbkit.config.internal.ConfigErrors;
import dev.lbkit.config.internal.ConfigNode;
import dev.lbkit.config.internal.CookiePaths;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Gateway API's {@code sessionPersistence} (of an {@code HTTPRoute} or {@code GRPCRoute}
 * rule, or a {@code BackendLBPolicy}) and a rule's weighted {@code backendRefs}, given as the plain
 * maps and lists a YAML or JSON library produces.
 *
 * <pre>{@code
 * // rules[0] of an HTTPRoute, parsed by any YAML library
 * SessionPersistence tea = GatewayApiConfig.ruleSessionPersistence(rule);
 * List<GatewayApiConfig.BackendRef> refs = GatewayApiConfig.backendRefs(rule);
 * }</pre>
 *
 * <p>Both shapes of {@code sessionPersistence} are read:
 *
 * <ul>
 *   <li>v1.x: {@code sessionName}, {@code type} ({@code Cookie} or {@code Header}), {@code
 *       absoluteTimeout}, {@code idleTimeout}, {@code cookieConfig.lifetimeType} ({@code Permanent}
 *       or {@code Session});
 *   <li>the newer one: {@code type}, {@code absoluteTimeout}, {@code idleTimeout}, {@code
 *       cookie.name}, {@code cookie.lifetimeType}, {@code cookie.path} (default {@code /}) and
 *       {@code header.name}.
 * </ul>
 *
 * <p>The API's validation rules are enforced as a cluster would: {@code Permanent} requires {@code
 * absoluteTimeout}; cookie settings only with {@code type: Cookie}; header settings only with
 * {@code type: Header}. Durations use GEP-2257's form ({@code 10s}, {@code 1h30m}) and must be
 * whole seconds here, because lbkit's tokens count seconds.
 *
 * <p>What the API leaves to implementations, lbkit decides as Envoy-based gateways do: sessions are
 * persistent (the token names the backend), the cookie is {@code HttpOnly} and {@code Secure} when
 * the request arrived over TLS, and a missing name is {@value #DEFAULT_SESSION_NAME}. In the v1.x
 * shape the cookie's {@code Path} comes from the rule's path matches (as NGINX Gateway Fabric
 * derives {@code sticky cookie ... path=}); see {@link #ruleSessionPersistence}. The result has no
 * secrets: add them with {@code toBuilder().secrets(...)}.
 */
public final class GatewayApiConfig {
  /** The session name used when the configuration gives none (the API leaves it optional). */
  public static final String DEFAULT_SESSION_NAME = "lbkit-session";

  /** The longest {@code sessionName} the API accepts. */
  public static final int MAX_SESSION_NAME_LENGTH = 128;

  /** The largest {@code backendRef} weight the API accepts. */
  public static final int MAX_WEIGHT = 1_000_000;

  private static final List<String> KEYS =
      List.of(
          "sessionName",
          "type",
          "absoluteTimeout",
          "idleTimeout",
          "cookieConfig",
          "cookie",
          "header");
  private static final List<String> COOKIE_CONFIG_KEYS = List.of("lifetimeType");
  private static final List<String> COOKIE_KEYS = List.of("name", "lifetimeType", "path");
  private static final List<String> HEADER_KEYS = List.of("name");

  private GatewayApiConfig() {}

  /**
   * A rule's {@code backendRef}: the backend's name, namespace and port as written, and its weight
   * (1 unless set), the share of new sessions it takes in a {@link dev.lbkit.core.TrafficSplit}.
   *
   * @param name the Service (or other backend) name
   * @param namespace the namespace, or {@code null} for the route's own
   * @param port the port, or {@code null} when not given
   * @param weight 0..{@value GatewayApiConfig#MAX_WEIGHT}
   */
  public record BackendRef(
      String name, @Nullable String namespace, @Nullable Integer port, int weight) {
    /** Checks the fields. */
    public BackendRef {
      Objects.requireNonNull(name, "name");
      if (weight < 0 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "weight of backendRef " + name + ": " + weight + " (expected: 0..1000000)");
      }
    }
  }

  /**
   * Reads a {@code sessionPersistence} object. The cookie path is {@code cookie.path} in the newer
   * shape and {@code /} otherwise.
   *
   * @throws IllegalArgumentException naming the first field that is unknown, malformed or breaks
   *     one of the API's rules
   */
  public static SessionPersistence sessionPersistence(Map<String, ?> sessionPersistence) {
    return read(ConfigNode.of("sessionPersistence", sessionPersistence), null);
  }

  /**
   * Reads the {@code sessionPersistence} of a route rule, or returns {@code null} when the rule has
   * none. In the v1.x shape the cookie path is derived from the rule's {@code matches}: the path of
   * its {@code Exact} or {@code PathPrefix} match ({@code /tea} for {@code PathPrefix /tea/}), the
   * longest common segment prefix of several, and {@code /} when any match is a regular expression
   * or the rule has no path match. The newer shape says its path itself.
   *
   * @param rule one element of a route's {@code spec.rules}
   * @throws IllegalArgumentException naming the first field that is unknown, malformed or breaks
   *     one of the API's rules
   */
  public static @Nullable SessionPersistence ruleSessionPersistence(Map<String, ?> rule) {
    ConfigNode node = ConfigNode.of("rule", rule);
    ConfigNode sp = node.node("sessionPersistence");
    if (sp == null) {
      return null;
    }
    return read(sp, matchedPath(node));
  }

  /**
   * Reads a route rule's {@code backendRefs}, in order; none when the rule has none.
   *
   * @throws IllegalArgumentException if a name is missing or a port or weight is out of range
   */
  public static List<BackendRef> backendRefs(Map<String, ?> rule) {
    ConfigNode node = ConfigNode.of("rule", rule);
    List<BackendRef> refs = new ArrayList<>();
    for (ConfigNode ref : node.nodes("backendRefs")) {
      String name = ref.nonEmptyString("name");
      if (name == null) {
        throw ref.invalid("name", "absent", "the backend's name");
      }
      Long port = ref.integer("port", "a port number 1..65535");
      if (port != null && (port < 1 || port > 65535)) {
        throw ref.invalid("port", port, "a port number 1..65535");
      }
      Long weight = ref.integer("weight", "a whole number 0..1000000");
      if (weight != null && (weight < 0 || weight > MAX_WEIGHT)) {
        throw ref.invalid("weight", weight, "a whole number 0..1000000");
      }
      refs.add(
          new BackendRef(
              name,
              ref.string("namespace"),
              port == null ? null : port.intValue(),
              weight == null ? 1 : weight.intValue()));
    }
    return refs;
  }

  private static SessionPersistence read(ConfigNode sp, @Nullable String matchedPath) {
    sp.checkKeys(KEYS);
    boolean v1 = sp.has("sessionName") || sp.has("cookieConfig");
    boolean newer = sp.has("cookie") || sp.has("header");
    if (v1 && newer) {
      throw new IllegalArgumentException(
          sp.path()
              + ": both v1.x fields (sessionName, cookieConfig) and newer ones (cookie, header)"
              + " (expected: one shape: sessionName and cookieConfig, or cookie and header)");
    }

    String typeValue = sp.string("type");
    SessionPersistence.Type type;
    if (typeValue == null || typeValue.equals("Cookie")) {
      type = SessionPersistence.Type.COOKIE;
    } else if (typeValue.equals("Header")) {
      type = SessionPersistence.Type.HEADER;
    } else {
      throw sp.invalid("type", ConfigNode.quote(typeValue), "Cookie or Header");
    }

    Duration absolute = timeout(sp, "absoluteTimeout");
    Duration idle = timeout(sp, "idleTimeout");

    String name;
    String lifetimeValue = null;
    String lifetimeField = null;
    String path = matchedPath == null ? "/" : matchedPath;
    if (newer) {
      ConfigNode cookie = sp.node("cookie");
      ConfigNode header = sp.node("header");
      if (cookie != null && type != SessionPersistence.Type.COOKIE) {
        throw new IllegalArgumentException(
            cookie.path() + ": set with type Header (expected: cookie only with type Cookie)");
      }
      if (header != null && type != SessionPersistence.Type.HEADER) {
        throw new IllegalArgumentException(
            header.path() + ": set with type Cookie (expected: header only with type Header)");
      }
      if (cookie != null) {
        cookie.checkKeys(COOKIE_KEYS);
        name = sessionName(cookie, "name");
        lifetimeValue = cookie.string("lifetimeType");
        lifetimeField = cookie.pathOf("lifetimeType");
        String cookiePath = cookie.string("path");
        path = cookiePath == null ? "/" : cookiePath;
        if (!path.startsWith("/")) {
          throw cookie.invalid("path", ConfigNode.quote(path), "an absolute path starting with /");
        }
      } else {
        if (header == null) {
          throw sp.invalid("header", "not a mapping", "a mapping with the header name");
        }
        header.checkKeys(HEADER_KEYS);
        if (!header.has("name")) {
          throw header.invalid("name", "absent", "the header name");
        }
        name = sessionName(header, "name");
      }
    } else {
      name = sessionName(sp, "sessionName");
      ConfigNode cookieConfig = sp.node("cookieConfig");
      if (cookieConfig != null) {
        if (type != SessionPersistence.Type.COOKIE) {
          throw new IllegalArgumentException(
              cookieConfig.path()
                  + ": set with type Header (expected: cookieConfig only with type Cookie)");
        }
        cookieConfig.checkKeys(COOKIE_CONFIG_KEYS);
        lifetimeValue = cookieConfig.string("lifetimeType");
        lifetimeField = cookieConfig.pathOf("lifetimeType");
      }
    }

    SessionPersistence.Lifetime lifetime = SessionPersistence.Lifetime.SESSION;
    if (lifetimeValue != null) {
      if (lifetimeValue.equals("Permanent")) {
        lifetime = SessionPersistence.Lifetime.PERMANENT;
      } else if (!lifetimeValue.equals("Session")) {
        throw new IllegalArgumentException(
            lifetimeField
                + ": "
                + ConfigNode.quote(lifetimeValue)
                + " (expected: Permanent or Session)");
      }
    }
    if (lifetime == SessionPersistence.Lifetime.PERMANENT && absolute == null) {
      throw new IllegalArgumentException(
          lifetimeField
              + ": \"Permanent\" (expected: an absoluteTimeout too, which sets the cookie's"
              + " Max-Age; the Gateway API requires it for Permanent)");
    }

    if (type == SessionPersistence.Type.HEADER) {
      SessionPersistence.HeaderBuilder header =
          SessionPersistence.header(name).absoluteTimeout(absolute).idleTimeout(idle);
      return ConfigErrors.within(sp.path(), header::build);
    }
    String cookiePath = path;
    SessionPersistence.Lifetime cookieLifetime = lifetime;
    return ConfigErrors.within(
        sp.path(),
        () ->
            SessionPersistence.cookie(name)
                .attributes(CookieAttributes.builder().path(cookiePath).build())
                .lifetime(cookieLifetime)
                .absoluteTimeout(absolute)
                .idleTimeout(idle)
                .build());
  }

  private static String sessionName(ConfigNode node, String key) {
    String name = node.nonEmptyString(key);
    if (name == null) {
      return DEFAULT_SESSION_NAME;
    }
    if (name.length() > MAX_SESSION_NAME_LENGTH) {
      throw node.invalid(key, name.length() + " characters", "at most " + MAX_SESSION_NAME_LENGTH);
    }
    return name;
  }

  private static @Nullable Duration timeout(ConfigNode sp, String key) {
    String value = sp.string(key);
    if (value == null) {
      return null;
    }
    String field = sp.pathOf(key);
    Duration d = ConfigErrors.duration(field, value, Durations::parseGatewayDuration);
    return ConfigErrors.wholeSeconds(field, ConfigNode.quote(value), d);
  }

  /** The cookie path the rule's path matches share, or {@code null} for {@code /}. */
  private static @Nullable String matchedPath(ConfigNode rule) {
    List<ConfigNode> matches = rule.nodes("matches");
    String common = null;
    for (ConfigNode match : matches) {
      ConfigNode path = match.node("path");
      String type = path == null ? "PathPrefix" : path.string("type");
      String value = path == null ? "/" : path.string("value");
      if (type == null) {
        type = "PathPrefix"; // the API's default
      }
      if (value == null) {
        value = "/";
      }
      if (!type.equals("Exact") && !type.equals("PathPrefix")) {
        return null; // a regular expression is never a cookie path
      }
      String literal;
      try {
        literal = CookiePaths.routeCookiePath(type, value);
      } catch (IllegalArgumentException e) {
        return null;
      }
      common = common == null ? literal : commonSegmentPrefix(common, literal);
    }
    return common;
  }

  /** The longest path both start with that ends at a segment boundary ({@code /} at least). */
  static String commonSegmentPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    boolean aEnds = i == a.length() || a.charAt(i) == '/';
    boolean bEnds = i == b.length() || b.charAt(i) == '/';
    if (aEnds && bEnds) {
      return i == 0 ? "/" : a.substring(0, i);
    }
    int slash = a.lastIndexOf('/', i - 1);
    return slash <= 0 ? "/" : a.substring(0, slash);
  }
}
