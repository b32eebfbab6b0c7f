package dev.lbkit.config;

import dev.lbkit.config.internal.Annotations;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads Voyager's (HAProxy's) sticky sessions: {@code ingress.appscode.com/sticky-session: 'true'}
 * (or, in later Voyager versions, {@code ingress.appscode.com/affinity: cookie}) on an {@code
 * Ingress}, which makes every backend of that Ingress sticky, or on a {@code Service}, which makes
 * only that backend sticky.
 *
 * <pre>{@code
 * SessionPersistence s1 = VoyagerConfig.sessionPersistence(ingressAnnotations, s1Annotations);
 * if (s1 != null) { builder.affinity(s1.toBuilder().secrets(secret).build().toAffinity()); }
 * }</pre>
 *
 * <p>An HTTP backend gets the cookie HAProxy inserts ({@code cookie SERVERID insert indirect
 * nocache}): named {@value #DEFAULT_COOKIE_NAME} unless {@code session-cookie-name} says otherwise,
 * ending with the browser session, neither {@code HttpOnly} nor {@code Secure}, naming its server,
 * and set only when a session starts or moves. A TCP backend has no cookie; HAProxy sticks it by
 * source address, which {@link #tcpMethod} gives as consistent hashing of the client address.
 */
public final class VoyagerConfig {
  /** Voyager's annotation prefix. */
  public static final String PREFIX = "ingress.appscode.com/";

  /** The cookie HAProxy inserts when {@code session-cookie-name} is not set. */
  public static final String DEFAULT_COOKIE_NAME = "SERVERID";

  private static final List<String> FAMILIES = List.of("sticky", "affinity", "session-cookie");
  private static final List<String> KNOWN =
      List.of("sticky-session", "affinity", "session-cookie-name", "session-cookie-hash");
  private static final List<String> HASHES = List.of("md5", "sha", "index");
  // Voyager reads booleans with Go's strconv.ParseBool.
  private static final List<String> TRUE = List.of("true", "1", "t", "T", "TRUE", "True");
  private static final List<String> FALSE = List.of("false", "0", "f", "F", "FALSE", "False");

  private VoyagerConfig() {}

  /**
   * Whether a backend is sticky: its Ingress or its Service says so.
   *
   * @param ingressAnnotations the annotations of the Ingress (every backend)
   * @param serviceAnnotations the annotations of the backend's Service (that backend only)
   * @throws IllegalArgumentException naming an annotation of the sticky family that is unknown or
   *     malformed
   */
  public static boolean isSticky(
      Map<String, String> ingressAnnotations, Map<String, String> serviceAnnotations) {
    return sticky(read(ingressAnnotations)) || sticky(read(serviceAnnotations));
  }

  /**
   * The cookie session of an HTTP backend, or {@code null} when it is not sticky. A {@code
   * session-cookie-name} on the Service wins over one on the Ingress.
   *
   * @throws IllegalArgumentException naming an annotation of the sticky family that is unknown or
   *     malformed
   */
  public static @Nullable SessionPersistence sessionPersistence(
      Map<String, String> ingressAnnotations, Map<String, String> serviceAnnotations) {
    Map<String, String> ingress = read(ingressAnnotations);
    Map<String, String> service = read(serviceAnnotations);
    if (!sticky(ingress) && !sticky(service)) {
      return null;
    }
    String name = service.getOrDefault("session-cookie-name", ingress.get("session-cookie-name"));
    return SessionPersistence.cookie(name == null ? DEFAULT_COOKIE_NAME : name)
        .mode(SessionPersistence.Mode.PERSISTENT)
        .refresh(SessionPersistence.Refresh.ON_CHANGE)
        .attributes(
            CookieAttributes.builder()
                .httpOnly(false)
                .secure(CookieAttributes.Secure.NEVER)
                .build())
        .build();
  }

  /**
   * The method of a sticky TCP backend: {@code hash $remote_addr consistent}, lbkit's counterpart
   * of HAProxy's {@code stick on src}; {@code null} when the backend is not sticky. Unlike a stick
   * table, a hash remembers nothing: it survives restarts and needs no shared memory, and a change
   * of backends moves about 1/N of the clients.
   */
  public static @Nullable LoadBalancingMethod tcpMethod(
      Map<String, String> ingressAnnotations, Map<String, String> serviceAnnotations) {
    return isSticky(ingressAnnotations, serviceAnnotations)
        ? NginxConfig.method("tcp", "hash $remote_addr consistent", false)
        : null;
  }

  private static Map<String, String> read(Map<String, String> annotations) {
    Objects.requireNonNull(annotations, "annotations");
    Map<String, String> a = Annotations.family(annotations, PREFIX, FAMILIES, KNOWN);
    for (Map.Entry<String, String> e : a.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      switch (key) {
        case "sticky-session":
          if (!TRUE.contains(value) && !FALSE.contains(value)) {
            throw invalid(key, value, "'true' or 'false'");
          }
          break;
        case "affinity":
          if (!value.equals("cookie")) {
            throw invalid(key, value, "cookie");
          }
          break;
        case "session-cookie-name":
          if (value.isEmpty()) {
            throw invalid(key, value, "a cookie name");
          }
          break;
        case "session-cookie-hash":
          // HAProxy derives its server cookie value with it; lbkit's token replaces that value,
          // so any valid choice reads the same here.
          if (!HASHES.contains(value)) {
            throw invalid(key, value, "md5, sha or index");
          }
          break;
        default:
          throw Annotations.unknown(PREFIX + key, PREFIX, KNOWN);
      }
    }
    return a;
  }

  private static boolean sticky(Map<String, String> a) {
    String sticky = a.get("sticky-session");
    return (sticky != null && TRUE.contains(sticky)) || "cookie".equals(a.get("affinity"));
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "annotation \"" + PREFIX + key + "\": \"" + value + "\" (expected: " + expected + ")");
  }
}
