package dev.lbkit.config;

import dev.lbkit.config.internal.Annotations;
import dev.lbkit.config.internal.ConfigErrors;
import dev.lbkit.config.internal.CookiePaths;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.TrafficSplit;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load-balancing annotations of an ingress-nginx {@code Ingress}: cookie affinity, the hash
 * key, the load-balancing method and the canary weight, read from the object's annotations.
 *
 * <pre>{@code
 * IngressNginxConfig config = IngressNginxConfig.fromAnnotations(ingress.getMetadata().getAnnotations(), "/");
 * LoadBalancer lb = LoadBalancer.builder(upstream)
 *     .selector(config.method().selector())
 *     .affinity(config.sessionPersistence().toBuilder().secrets(secret).build().toAffinity())
 *     .build();
 * }</pre>
 *
 * <p>Keys are read with the {@value #PREFIX} prefix, or bare ({@code affinity}, as an init-param
 * would name it). Only the families this class reads are checked ({@code affinity*}, {@code
 * session-cookie-*}, {@code upstream-hash-by*}, {@code load-balance}, {@code canary*}): a typo in
 * them is an error that lists the known keys, and every other annotation (rewrites, TLS, another
 * tool's) is left alone.
 *
 * <p>Where ingress-nginx silently ignores a malformed value and falls back to its default, lbkit
 * refuses it: a configuration that does not do what it says is better found when it is loaded. The
 * behaviour otherwise follows ingress-nginx: the cookie is {@code HttpOnly}, {@code Secure} over
 * TLS or when {@code session-cookie-secure} says so, re-sent only when a session starts or moves,
 * in {@code balanced} mode unless {@code affinity-mode: persistent}, and a retry keeps the
 * session's backend unless {@code session-cookie-change-on-failure: "true"}.
 */
public final class IngressNginxConfig {
  private static final Logger logger = LoggerFactory.getLogger(IngressNginxConfig.class);

  /** The annotation prefix of ingress-nginx (its {@code --annotations-prefix} default). */
  public static final String PREFIX = "nginx.ingress.kubernetes.io/";

  /** The cookie name ingress-nginx uses when {@code session-cookie-name} is not set. */
  public static final String DEFAULT_COOKIE_NAME = "INGRESSCOOKIE";

  /** ingress-nginx's default {@code canary-weight-total}. */
  public static final int DEFAULT_CANARY_WEIGHT_TOTAL = 100;

  private static final List<String> FAMILIES =
      List.of("affinity", "session-cookie-", "upstream-hash-by", "load-balance", "canary");
  private static final List<String> KNOWN =
      List.of(
          "affinity",
          "affinity-mode",
          "affinity-canary-behavior",
          "session-cookie-name",
          "session-cookie-path",
          "session-cookie-domain",
          "session-cookie-samesite",
          "session-cookie-conditional-samesite-none",
          "session-cookie-secure",
          "session-cookie-expires",
          "session-cookie-max-age",
          "session-cookie-change-on-failure",
          "upstream-hash-by",
          "load-balance",
          "canary",
          "canary-weight",
          "canary-weight-total");
  private static final Map<String, String> UNSUPPORTED =
      Map.of(
          "upstream-hash-by-subset",
          "subset hashing spreads a key over a group of endpoints, and lbkit hashes a key to one"
              + " backend; consistent hashing with bounded load (lb-hash) spreads hot keys instead",
          "upstream-hash-by-subset-size",
          "subset hashing spreads a key over a group of endpoints, and lbkit hashes a key to one"
              + " backend; consistent hashing with bounded load (lb-hash) spreads hot keys instead",
          "canary-by-header",
          "lbkit splits traffic by weight only; route on the header before the split",
          "canary-by-header-value",
          "lbkit splits traffic by weight only; route on the header before the split",
          "canary-by-header-pattern",
          "lbkit splits traffic by weight only; route on the header before the split",
          "canary-by-cookie",
          "lbkit splits traffic by weight only; route on the cookie before the split",
          "session-cookie-hash",
          "ingress-nginx itself dropped it; the cookie value is lbkit's own token");

  private final @Nullable SessionPersistence sessionPersistence;
  private final LoadBalancingMethod method;
  private final TrafficSplit.CanaryBehavior canaryBehavior;
  private final boolean canary;
  private final int canaryWeight;
  private final int canaryWeightTotal;

  private IngressNginxConfig(
      @Nullable SessionPersistence sessionPersistence,
      LoadBalancingMethod method,
      TrafficSplit.CanaryBehavior canaryBehavior,
      boolean canary,
      int canaryWeight,
      int canaryWeightTotal) {
    this.sessionPersistence = sessionPersistence;
    this.method = method;
    this.canaryBehavior = canaryBehavior;
    this.canary = canary;
    this.canaryWeight = canaryWeight;
    this.canaryWeightTotal = canaryWeightTotal;
  }

  /**
   * Reads the annotations, with the cookie path {@code /} unless {@code session-cookie-path} says
   * otherwise.
   *
   * @throws IllegalArgumentException naming the annotation that is unknown, malformed or not
   *     supported (and why)
   */
  public static IngressNginxConfig fromAnnotations(Map<String, String> annotations) {
    return fromAnnotations(annotations, null, null);
  }

  /**
   * Reads the annotations of an Ingress whose rule matched {@code ingressPath}: as ingress-nginx,
   * the cookie path defaults to that path ({@code Prefix} and {@code Exact} paths; a regular
   * expression needs {@code session-cookie-path}).
   *
   * @param ingressPath the matched path of the Ingress rule, or {@code null} for {@code /}
   * @param upstreamName ingress-nginx's upstream name ({@code namespace-service-port}), or {@code
   *     null}; when given in {@code persistent} mode, live ingress-nginx cookies are read and
   *     re-issued as lbkit tokens ({@link LegacyCookie#ingressNginxPersistent})
   * @throws IllegalArgumentException naming the annotation that is unknown, malformed or not
   *     supported (and why)
   */
  public static IngressNginxConfig fromAnnotations(
      Map<String, String> annotations,
      @Nullable String ingressPath,
      @Nullable String upstreamName) {
    Map<String, String> a = Annotations.family(annotations, PREFIX, FAMILIES, KNOWN);
    for (String key : a.keySet()) {
      String why = UNSUPPORTED.get(key);
      if (why != null) {
        throw new IllegalArgumentException(
            "annotation \"" + PREFIX + key + "\": not supported, because " + why);
      }
      if (!KNOWN.contains(key)) {
        throw Annotations.unknown(PREFIX + key, PREFIX, KNOWN);
      }
    }

    String modeValue = a.get("affinity-mode");
    SessionPersistence.Mode mode = SessionPersistence.Mode.BALANCED;
    if (modeValue != null) {
      switch (modeValue) {
        case "balanced":
          break;
        case "persistent":
          mode = SessionPersistence.Mode.PERSISTENT;
          break;
        default:
          throw invalid("affinity-mode", modeValue, "balanced or persistent");
      }
    }
    TrafficSplit.CanaryBehavior canaryBehavior = TrafficSplit.CanaryBehavior.STICKY;
    String behaviorValue = a.get("affinity-canary-behavior");
    if (behaviorValue != null) {
      if (behaviorValue.equals("legacy")) {
        canaryBehavior = TrafficSplit.CanaryBehavior.LEGACY;
      } else if (!behaviorValue.equals("sticky")) {
        throw invalid("affinity-canary-behavior", behaviorValue, "sticky or legacy");
      }
    }

    SessionPersistence sessionPersistence = null;
    String affinity = a.get("affinity");
    if (affinity != null) {
      if (!affinity.equals("cookie")) {
        throw invalid(
            "affinity", affinity, "cookie, the only affinity ingress-nginx and lbkit support here");
      }
      sessionPersistence = cookie(a, mode, ingressPath, upstreamName);
    }

    LoadBalancingMethod method = LoadBalancingMethod.roundRobin();
    String loadBalance = a.get("load-balance");
    if (loadBalance != null) {
      if (loadBalance.equals("ewma")) {
        throw new IllegalArgumentException(
            "annotation \""
                + PREFIX
                + "load-balance\": \"ewma\" (not supported, because it"
                + " weighs backends by measured latency, which lbkit does not measure; expected:"
                + " round_robin, or least_conn through NginxConfig.parseMethod)");
      }
      if (!loadBalance.equals("round_robin")) {
        throw invalid("load-balance", loadBalance, "round_robin or ewma (ewma is not supported)");
      }
    }
    String hashBy = a.get("upstream-hash-by");
    if (hashBy != null) {
      LoadBalancingMethod hash =
          NginxConfig.method(
              "annotation \"" + PREFIX + "upstream-hash-by\"",
              "hash " + hashBy + " consistent",
              false);
      if (sessionPersistence != null) {
        // ingress-nginx picks its sticky balancer whenever affinity is cookie, and the hash key
        // then plays no part; do the same, but say so.
        logger.warn(
            "{}upstream-hash-by \"{}\" is ignored with affinity: cookie, as ingress-nginx ignores it",
            PREFIX,
            hashBy);
      } else {
        method = hash;
      }
    }

    boolean canary = flag(a, "canary", false);
    int total = (int) number(a, "canary-weight-total", DEFAULT_CANARY_WEIGHT_TOTAL, 1);
    int weight = (int) number(a, "canary-weight", 0, 0);
    if (weight > total) {
      throw invalid(
          "canary-weight",
          String.valueOf(a.get("canary-weight")),
          "0.." + total + " (canary-weight-total)");
    }
    return new IngressNginxConfig(
        sessionPersistence, method, canaryBehavior, canary, weight, total);
  }

  private static SessionPersistence cookie(
      Map<String, String> a,
      SessionPersistence.Mode mode,
      @Nullable String ingressPath,
      @Nullable String upstreamName) {
    String name = a.getOrDefault("session-cookie-name", DEFAULT_COOKIE_NAME);
    SessionPersistence.CookieBuilder b =
        SessionPersistence.cookie(name)
            .mode(mode)
            .refresh(SessionPersistence.Refresh.ON_CHANGE)
            .changeOnFailure(flag(a, "session-cookie-change-on-failure", false));
    CookieAttributes.Builder attributes = CookieAttributes.builder().httpOnly(true);
    String path = a.get("session-cookie-path");
    if (path != null) {
      attributes.path(path);
    } else if (ingressPath != null) {
      attributes.path(
          ConfigErrors.within(
              "Ingress path", () -> CookiePaths.routeCookiePath("Prefix", ingressPath)));
    }
    String domain = a.get("session-cookie-domain");
    if (domain != null) {
      attributes.domain(domain);
    }
    String sameSite = a.get("session-cookie-samesite");
    if (sameSite != null) {
      switch (sameSite.toLowerCase(Locale.ROOT)) {
        case "none":
          attributes.sameSite(CookieAttributes.SameSite.NONE);
          break;
        case "lax":
          attributes.sameSite(CookieAttributes.SameSite.LAX);
          break;
        case "strict":
          attributes.sameSite(CookieAttributes.SameSite.STRICT);
          break;
        default:
          throw invalid("session-cookie-samesite", sameSite, "None, Lax or Strict");
      }
    }
    if (flag(a, "session-cookie-conditional-samesite-none", false)) {
      if (!"none".equalsIgnoreCase(sameSite)) {
        throw invalid(
            "session-cookie-conditional-samesite-none",
            "true",
            "\"true\" only with session-cookie-samesite: None");
      }
      attributes.omitSameSiteNoneForIncompatibleClients(true);
    }
    if (flag(a, "session-cookie-secure", false)) {
      attributes.secure(CookieAttributes.Secure.ALWAYS);
    }
    // Max-Age is what browsers honour; the legacy Expires is written from the same value, so
    // max-age wins when both are given.
    long maxAge = number(a, "session-cookie-max-age", 0, 1);
    long expires = number(a, "session-cookie-expires", 0, 1);
    long seconds = maxAge > 0 ? maxAge : expires;
    if (seconds > 0) {
      b.lifetime(SessionPersistence.Lifetime.PERMANENT)
          .absoluteTimeout(Duration.ofSeconds(seconds));
    }
    if (upstreamName != null && mode == SessionPersistence.Mode.PERSISTENT) {
      b.legacyCookies(LegacyCookie.ingressNginxPersistent(upstreamName));
    }
    return ConfigErrors.within(
        "annotations of " + PREFIX + "affinity: cookie",
        () -> b.attributes(attributes.build()).build());
  }

  private static boolean flag(Map<String, String> a, String key, boolean fallback) {
    String value = a.get(key);
    if (value == null) {
      return fallback;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw invalid(key, value, "\"true\" or \"false\"");
    }
  }

  private static long number(Map<String, String> a, String key, long fallback, long min) {
    String value = a.get(key);
    if (value == null) {
      return fallback;
    }
    String s = value.trim();
    boolean digits = !s.isEmpty() && s.length() <= 10;
    for (int i = 0; digits && i < s.length(); i++) {
      digits = s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }
    // ingress-nginx reads these into 32-bit ints.
    if (!digits || Long.parseLong(s) < min || Long.parseLong(s) > Integer.MAX_VALUE) {
      throw invalid(key, value, "a whole number from " + min + " to " + Integer.MAX_VALUE);
    }
    return Long.parseLong(s);
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "annotation \"" + PREFIX + key + "\": \"" + value + "\" (expected: " + expected + ")");
  }

  /** The cookie affinity, or {@code null} when {@code affinity} is not set. No secrets. */
  public @Nullable SessionPersistence sessionPersistence() {
    return sessionPersistence;
  }

  /**
   * The method for requests without a session: {@code hash KEY consistent} from {@code
   * upstream-hash-by} (when there is no cookie affinity), otherwise round robin.
   */
  public LoadBalancingMethod method() {
    return method;
  }

  /** {@code affinity-canary-behavior}: sticky unless set to legacy. */
  public TrafficSplit.CanaryBehavior canaryBehavior() {
    return canaryBehavior;
  }

  /** Whether this Ingress is a canary ({@code canary: "true"}). */
  public boolean canary() {
    return canary;
  }

  /**
   * {@code canary-weight}: the canary's share of new sessions out of {@link #canaryWeightTotal()}.
   */
  public int canaryWeight() {
    return canaryWeight;
  }

  /** {@code canary-weight-total}, 100 unless set. */
  public int canaryWeightTotal() {
    return canaryWeightTotal;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof IngressNginxConfig)) {
      return false;
    }
    IngressNginxConfig that = (IngressNginxConfig) o;
    return canary == that.canary
        && canaryWeight == that.canaryWeight
        && canaryWeightTotal == that.canaryWeightTotal
        && Objects.equals(sessionPersistence, that.sessionPersistence)
        && method.equals(that.method)
        && canaryBehavior == that.canaryBehavior;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        sessionPersistence, method, canaryBehavior, canary, canaryWeight, canaryWeightTotal);
  }

  @Override
  public String toString() {
    return "IngressNginxConfig{"
        + (sessionPersistence == null ? "no affinity" : sessionPersistence.toString())
        + ", method="
        + method
        + ", canaryBehavior="
        + canaryBehavior
        + (canary ? ", canary " + canaryWeight + "/" + canaryWeightTotal : "")
        + '}';
  }
}
