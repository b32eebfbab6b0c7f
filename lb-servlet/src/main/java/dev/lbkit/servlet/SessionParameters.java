package dev.lbkit.servlet;

import static dev.lbkit.servlet.InitParameters.invalid;

import dev.lbkit.config.GatewayApiConfig;
import dev.lbkit.config.IngressNginxConfig;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.config.NginxConfig;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.TokenSecrets;
import jakarta.servlet.ServletException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Session persistence from init-params, in one of three forms that lb-cookie reads, so that a
 * {@code web.xml} can be written from the configuration a user already has:
 *
 * <ul>
 *   <li>Gateway API: {@code sessionPersistence.sessionName}, {@code sessionPersistence.type},
 *       {@code sessionPersistence.absoluteTimeout}, {@code
 *       sessionPersistence.cookieConfig.lifetimeType}, ... (the fields of an {@code HTTPRoute}
 *       rule's {@code sessionPersistence}, flattened with dots);
 *   <li>ingress-nginx: the annotation names, bare or with their prefix ({@code affinity}, {@code
 *       affinity-mode}, {@code session-cookie-name}, {@code session-cookie-max-age}, ...);
 *   <li>NGINX Plus: {@code sticky}, the directive as written in an upstream block ({@code sticky
 *       cookie srv_id expires=1h path=/tea}).
 * </ul>
 *
 * <p>The token secrets are added to whichever form, from exactly one of {@code secret} (the value
 * itself, one or more comma-separated, the first signing), {@code secretEnv} (an environment
 * variable holding it) or {@code secretFile} (a file holding it, such as a mounted Kubernetes
 * Secret). Without any, session persistence is refused unless {@code insecureUnsignedTokens} is
 * {@code true}: unsigned tokens let a client choose its backend.
 */
final class SessionParameters {
  static final String GATEWAY_PREFIX = "sessionPersistence.";
  static final String STICKY = "sticky";
  static final String SECRET = "secret";
  static final String SECRET_ENV = "secretEnv";
  static final String SECRET_FILE = "secretFile";
  static final String INSECURE_UNSIGNED_TOKENS = "insecureUnsignedTokens";

  private SessionParameters() {}

  /** What the init-params say about sessions, and the method ingress-nginx annotations set. */
  static final class Result {
    final @Nullable SessionPersistence persistence;
    final @Nullable LoadBalancingMethod ingressMethod;
    final @Nullable String ingressMethodParameter;

    Result(
        @Nullable SessionPersistence persistence,
        @Nullable LoadBalancingMethod ingressMethod,
        @Nullable String ingressMethodParameter) {
      this.persistence = persistence;
      this.ingressMethod = ingressMethod;
      this.ingressMethodParameter = ingressMethodParameter;
    }
  }

  /**
   * Reads the session persistence, if any.
   *
   * @param cookiePath the path the filter or servlet is mapped to (context path included), the
   *     default cookie path of the Gateway API and ingress-nginx forms, as theirs default to the
   *     matched route path
   */
  static Result read(
      Function<String, @Nullable String> params, Collection<String> names, String cookiePath)
      throws ServletException {
    Map<String, Object> gateway = new LinkedHashMap<>();
    List<String> gatewayNames = new ArrayList<>();
    Map<String, String> ingress = new LinkedHashMap<>();
    List<String> ingressNames = new ArrayList<>();
    String ingressMethodParameter = null;
    for (String name : names) {
      String value = params.apply(name);
      if (value == null) {
        continue;
      }
      if (name.startsWith(GATEWAY_PREFIX)) {
        gatewayNames.add(name);
        put(gateway, name.substring(GATEWAY_PREFIX.length()), value.trim(), name);
        continue;
      }
      String bare =
          name.startsWith(IngressNginxConfig.PREFIX)
              ? name.substring(IngressNginxConfig.PREFIX.length())
              : name;
      if (bare.startsWith("affinity") || bare.startsWith("session-cookie-")) {
        ingressNames.add(name);
        ingress.put(name, value);
      } else if (bare.startsWith("upstream-hash-by") || bare.equals("load-balance")) {
        ingressMethodParameter = name;
        ingress.put(name, value);
      } else if (bare.startsWith("canary")) {
        throw invalid(
            name,
            "\""
                + value
                + "\" (expected: no canary annotations on a filter; split traffic between"
                + " load balancers with lb-core's TrafficSplit in code)");
      }
    }
    String sticky = params.apply(STICKY);
    List<String> forms = new ArrayList<>();
    if (!gatewayNames.isEmpty()) {
      forms.add(gatewayNames.get(0));
    }
    if (!ingressNames.isEmpty()) {
      forms.add(ingressNames.get(0));
    }
    if (sticky != null) {
      forms.add(STICKY);
    }
    if (forms.size() > 1) {
      throw invalid(
          forms.get(1),
          "set together with "
              + forms.get(0)
              + " (expected: session persistence in one form:"
              + " sessionPersistence.*, ingress-nginx annotations or sticky)");
    }

    SessionPersistence persistence = null;
    LoadBalancingMethod ingressMethod = null;
    if (!gatewayNames.isEmpty()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      // As NGINX Gateway Fabric: the cookie's Path is the rule's matched path.
      rule.put(
          "matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", cookiePath))));
      rule.put("sessionPersistence", gateway);
      try {
        persistence = GatewayApiConfig.ruleSessionPersistence(rule);
      } catch (IllegalArgumentException e) {
        throw invalid(gatewayNames.get(0), e.getMessage());
      }
    } else if (!ingress.isEmpty()) {
      try {
        IngressNginxConfig config = IngressNginxConfig.fromAnnotations(ingress, cookiePath, null);
        persistence = config.sessionPersistence();
        if (ingressMethodParameter != null) {
          ingressMethod = config.method();
        }
      } catch (IllegalArgumentException e) {
        throw invalid(culprit(ingress.keySet(), e.getMessage()), e.getMessage());
      }
    } else if (sticky != null) {
      try {
        persistence = NginxConfig.parseSticky(sticky);
      } catch (IllegalArgumentException e) {
        throw invalid(STICKY, e.getMessage());
      }
    }

    persistence = withSecrets(params, persistence);
    return new Result(persistence, ingressMethod, ingressMethodParameter);
  }

  /** The session persistence with the secrets the init-params name, or refused without any. */
  private static @Nullable SessionPersistence withSecrets(
      Function<String, @Nullable String> params, @Nullable SessionPersistence persistence)
      throws ServletException {
    List<String> given = new ArrayList<>();
    for (String name : List.of(SECRET, SECRET_ENV, SECRET_FILE)) {
      String value = params.apply(name);
      if (value != null && !value.isBlank()) {
        given.add(name);
      }
    }
    boolean insecure = InitParameters.bool(params, INSECURE_UNSIGNED_TOKENS, false);
    if (persistence == null) {
      if (!given.isEmpty()) {
        throw invalid(
            given.get(0), "set without session persistence (expected: it signs session tokens)");
      }
      return null;
    }
    if (given.size() > 1) {
      throw invalid(
          given.get(1),
          "set together with "
              + given.get(0)
              + " (expected: one of secret, secretEnv, secretFile)");
    }
    if (given.isEmpty()) {
      if (!insecure) {
        throw invalid(
            SECRET,
            "absent (expected: session tokens need a secret: secretEnv=VARIABLE or"
                + " secretFile=/path/to/file holding 32 random bytes, e.g. from"
                + " `openssl rand -base64 32`, the same on every replica; or"
                + " insecureUnsignedTokens=true to accept tokens any client can forge)");
      }
      try {
        return persistence.toBuilder().insecureUnsignedTokens().build();
      } catch (IllegalArgumentException e) {
        throw invalid(INSECURE_UNSIGNED_TOKENS, e.getMessage());
      }
    }
    String option = given.get(0);
    if (insecure) {
      throw invalid(
          INSECURE_UNSIGNED_TOKENS,
          "true together with " + option + " (expected: a secret or unsigned tokens, not both)");
    }
    String value = params.apply(option).trim();
    try {
      List<String> secrets =
          option.equals(SECRET_ENV)
              ? TokenSecrets.fromEnvironment(option, value)
              : option.equals(SECRET_FILE)
                  ? TokenSecrets.fromFile(option, Path.of(value))
                  : TokenSecrets.parse(option, value);
      return persistence.toBuilder().secrets(secrets).build();
    } catch (IllegalArgumentException e) {
      throw invalid(option, e.getMessage());
    }
  }

  /** The init-param an ingress-nginx error is about: lb-cookie names the annotation in full. */
  private static String culprit(Collection<String> names, @Nullable String message) {
    String first = names.iterator().next();
    if (message == null) {
      return first;
    }
    for (String name : names) {
      String bare =
          name.startsWith(IngressNginxConfig.PREFIX)
              ? name.substring(IngressNginxConfig.PREFIX.length())
              : name;
      if (message.contains(IngressNginxConfig.PREFIX + bare + "\"")) {
        return name;
      }
    }
    return first;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String dotted, String value, String name)
      throws ServletException {
    String[] keys = dotted.split("\\.", -1);
    Map<String, Object> node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      Object child = node.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
      if (!(child instanceof Map)) {
        throw invalid(
            name, "\"" + value + "\" (expected: no value at " + keys[i] + ", which has fields)");
      }
      node = (Map<String, Object>) child;
    }
    String last = keys[keys.length - 1];
    if (last.isEmpty() || node.get(last) instanceof Map) {
      throw invalid(name, "\"" + value + "\" (expected: a field of sessionPersistence)");
    }
    node.put(last, value);
  }

  /**
   * The cookie path for a filter or servlet mapped to {@code patterns} in a context at {@code
   * contextPath}: the longest common segment prefix of its path mappings ({@code /tea} for {@code
   * /tea} and {@code /tea/*}), {@code /} for an extension or default mapping.
   */
  static String cookiePath(String contextPath, Collection<String> patterns) {
    String common = null;
    for (String pattern : patterns) {
      String path;
      if (pattern.isEmpty() || pattern.equals("/") || pattern.equals("/*")) {
        path = "/";
      } else if (pattern.startsWith("/")) {
        path = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        if (path.indexOf('*') >= 0) {
          path = "/";
        }
      } else {
        path = "/"; // *.jsp and the like
      }
      common = common == null ? path : commonSegments(common, path);
    }
    String base = contextPath == null || contextPath.equals("/") ? "" : contextPath;
    String mapped = common == null ? "/" : common;
    String full = base + (mapped.equals("/") ? "" : mapped);
    return full.isEmpty() ? "/" : full;
  }

  private static String commonSegments(String a, String b) {
    String[] x = a.split("/");
    String[] y = b.split("/");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < Math.min(x.length, y.length) && x[i].equals(y[i]); i++) {
      sb.append('/').append(x[i]);
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }
}
