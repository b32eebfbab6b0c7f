package dev.lbkit.demo;

import dev.lbkit.config.GatewayApiConfig;
import dev.lbkit.config.IngressNginxConfig;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.PathMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds a route's session persistence with lb-cookie's parsers from the plain maps of the file,
 * and turns lb-cookie's errors (which name the field within what it was given) into errors that
 * point at the file, line and field.
 */
final class Sessions {
  private Sessions() {}

  /**
   * A Gateway API {@code sessionPersistence}, read as the rule of an HTTPRoute with this route's
   * path match, so that the cookie path follows the match as NGINX Gateway Fabric derives it
   * ({@code Path=/tea} for {@code Exact /tea}).
   */
  static SessionPersistence gatewayApi(
      ConfigNode node, PathMatch path, String route, Signing secrets) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put(
        "matches",
        List.of(Map.of("path", Map.of("type", path.type().name(), "value", path.value()))));
    rule.put("sessionPersistence", plainMapping(node));
    SessionPersistence parsed =
        read(node, "rule.sessionPersistence", () -> GatewayApiConfig.ruleSessionPersistence(rule));
    return withRouteSettings(node, parsed, route, secrets);
  }

  /**
   * How the file's session tokens are signed: its secrets, or none when it says {@code
   * insecureUnsignedTokens: true}.
   */
  record Signing(List<String> secrets, boolean insecureUnsignedTokens) {
    Signing {
      secrets = List.copyOf(secrets);
    }
  }

  /** What a route's ingress-nginx annotations configure: its session and its canary behavior. */
  record Ingress(
      @Nullable SessionPersistence session, TrafficSplit.CanaryBehavior canaryBehavior) {}

  /**
   * The ingress-nginx {@code affinity} annotations of an Ingress whose rule matched this route's
   * path, so that the cookie path defaults to it as in ingress-nginx; no session when the
   * annotations ask for no affinity. {@code affinity-canary-behavior} says whether a session keeps
   * its upstream when the route splits across several.
   *
   * <p>Only the affinity annotations are read: the method belongs to the upstream here ({@code
   * method:}), and a route's split is its weighted {@code backendRefs}, so {@code load-balance},
   * {@code upstream-hash-by} and the canary annotations are refused rather than silently ignored.
   */
  static Ingress ingressNginx(ConfigNode node, PathMatch path, String route, Signing secrets) {
    Map<String, String> annotations = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : plainMapping(node).entrySet()) {
      ConfigNode value = node.get(e.getKey());
      if (!(e.getValue() instanceof String)) {
        throw value.error("%s (expected: a string, as annotations are)", value.quoted());
      }
      String bare =
          e.getKey().startsWith(IngressNginxConfig.PREFIX)
              ? e.getKey().substring(IngressNginxConfig.PREFIX.length())
              : e.getKey();
      if (bare.equals("load-balance") || bare.startsWith("upstream-hash-by")) {
        throw value.error(
            "set on the route (expected: the load-balancing method on the upstream, as method:"
                + " and key:; these annotations configure affinity only)");
      }
      if (bare.startsWith("canary")) {
        throw value.error(
            "set on the route (expected: affinity annotations only; a canary is a second"
                + " upstream in the route's backendRefs, with its weight)");
      }
      annotations.put(e.getKey(), (String) e.getValue());
    }
    IngressNginxConfig parsed =
        read(node, "", () -> IngressNginxConfig.fromAnnotations(annotations, path.value(), null));
    SessionPersistence session =
        parsed.sessionPersistence() == null
            ? null
            : withRouteSettings(node, parsed.sessionPersistence(), route, secrets);
    return new Ingress(session, parsed.canaryBehavior());
  }

  /**
   * The route's own scope (so that two routes never share sessions, while replicas of one file do)
   * and the file's secrets, which every replica and restart shares.
   */
  static SessionPersistence withRouteSettings(
      ConfigNode node, @Nullable SessionPersistence parsed, String route, Signing signing) {
    if (parsed == null) {
      throw node.error("empty (expected: session persistence settings)");
    }
    SessionPersistence.Builder<?> b = parsed.toBuilder().scope(route);
    if (!signing.secrets().isEmpty()) {
      b.secrets(signing.secrets());
    } else if (signing.insecureUnsignedTokens()) {
      b.insecureUnsignedTokens();
    } else {
      throw node.error(
          "a session without a token secret (expected: tokenSecretEnv: VARIABLE or"
              + " tokenSecretFile: /path/to/file at the top of the file, holding 32 random bytes"
              + " from `openssl rand -base64 32`, or tokenSecrets; or insecureUnsignedTokens: true"
              + " to accept tokens any client can forge)");
    }
    return read(node, "", b::build);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> plainMapping(ConfigNode node) {
    if (!node.isMapping()) {
      throw node.error("%s (expected: a mapping)", node.quoted());
    }
    return (Map<String, Object>) Objects.requireNonNull(node.plain());
  }

  /** Runs an lb-config reader, pointing its refusal at the field in the file. */
  static <T> T read(ConfigNode node, String root, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw refused(node, root, e);
    }
  }

  /**
   * lb-cookie names the field it refuses at the start of its message ({@code
   * rule.sessionPersistence.absoluteTimeout: ...}): point at that field in the file when it is
   * there, else at the whole mapping.
   */
  static ConfigException refused(ConfigNode node, String root, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    if (colon > 0) {
      String field = message.substring(0, colon);
      if (field.startsWith("annotation \"") && field.endsWith("\"")) {
        field = field.substring("annotation \"".length(), field.length() - 1);
      }
      ConfigNode at = null;
      if (!node.get(field).isMissing()) {
        at = node.get(field); // an annotation name, dots and all
      } else if (!root.isEmpty() && (field.equals(root) || field.startsWith(root + '.'))) {
        at = node;
        for (String part : field.substring(root.length()).split("\\.")) {
          if (!part.isEmpty()) {
            at = at.get(part);
          }
        }
      }
      if (at != null) {
        return new ConfigException(
            node.file(), at.line(), at.path(), message.substring(colon + 2), e);
      }
    }
    return node.error(e);
  }
}
