package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A sticky-cookie value format of another product that lbkit reads and re-issues in its own format,
 * so that a gateway can take over from that product without breaking the sessions it holds. Give
 * these to {@link SessionPersistence.CookieBuilder#legacyCookies}. The NGINX and ingress-nginx
 * values are read under the session's cookie name; Spring Cloud LoadBalancer's under a {@linkplain
 * #cookieName() name of its own}.
 *
 * <p>A legacy value is not authenticated (the products did not sign them), so it only ever binds to
 * a backend of the current snapshot that it names exactly; anything else counts as no session, and
 * a valid lbkit token of the session in the same request always wins. The first response to a
 * request that presented one carries a new lbkit token.
 */
public final class LegacyCookie {
  /** The formats lbkit can read. */
  public enum Format {
    /**
     * NGINX {@code sticky cookie}: the lowercase hex MD5 of the server's {@code ip:port} (an IPv6
     * address in brackets), or the server's {@code route=} value when it has one (matched against
     * {@link dev.lbkit.core.Backend#route()}).
     */
    NGINX_STICKY,
    /**
     * ingress-nginx {@code affinity-mode: persistent}: the lowercase hex MD5 of the upstream name
     * followed by the endpoint's {@code address:port}, then, since the canary-aware versions,
     * {@code |} and the hex MD5 of (hex MD5 of the upstream name, then the upstream name).
     */
    INGRESS_NGINX_PERSISTENT,
    /**
     * Spring Cloud LoadBalancer's request-based sticky session: the raw, unsigned {@code
     * ServiceInstance} instance id, matched exactly against {@link dev.lbkit.core.Backend#id()}, in
     * a cookie of its own name ({@value LegacyCookie#SPRING_COOKIE_NAME} unless configured
     * otherwise).
     */
    SPRING_INSTANCE_ID
  }

  /** The name Spring Cloud LoadBalancer gives its sticky-session cookie unless told otherwise. */
  public static final String SPRING_COOKIE_NAME = "sc-lb-instance-id";

  private static final LegacyCookie NGINX = new LegacyCookie(Format.NGINX_STICKY, null, null);
  private static final LegacyCookie SPRING =
      new LegacyCookie(Format.SPRING_INSTANCE_ID, null, SPRING_COOKIE_NAME);

  private final Format format;
  private final @Nullable String upstreamName;
  private final @Nullable String cookieName;

  private LegacyCookie(Format format, @Nullable String upstreamName, @Nullable String cookieName) {
    this.format = format;
    this.upstreamName = upstreamName;
    this.cookieName = cookieName;
  }

  /** NGINX {@code sticky cookie} values: MD5 hex of {@code ip:port}, or the server's route. */
  public static LegacyCookie nginxSticky() {
    return NGINX;
  }

  /**
   * ingress-nginx persistent-mode values of the upstream named {@code upstreamName} (the salt
   * ingress-nginx uses: {@code namespace-service-port}, such as {@code default-tea-svc-80}).
   * Balanced-mode values cannot be read: ingress-nginx maps their random key through its own ring
   * over its endpoint list, so those sessions are balanced afresh once.
   *
   * @throws IllegalArgumentException if {@code upstreamName} is empty
   */
  public static LegacyCookie ingressNginxPersistent(String upstreamName) {
    Objects.requireNonNull(upstreamName, "upstreamName");
    checkArgument(
        !upstreamName.isEmpty(),
        "upstreamName: \"\" (expected: the ingress-nginx upstream name, e.g. default-tea-svc-80)");
    return new LegacyCookie(Format.INGRESS_NGINX_PERSISTENT, upstreamName, null);
  }

  /**
   * Spring Cloud LoadBalancer sticky sessions under their default cookie name, {@value
   * #SPRING_COOKIE_NAME}: as {@link #springInstanceId(String)}.
   */
  public static LegacyCookie springInstanceId() {
    return SPRING;
  }

  /**
   * Spring Cloud LoadBalancer sticky sessions ({@code
   * spring.cloud.loadbalancer.sticky-session.instance-id-cookie-name}) read from the cookie named
   * {@code cookieName}: its value is the instance id of the Spring {@code ServiceInstance}, which
   * must be the {@link dev.lbkit.core.Backend#id()} of the backend it stands for. Values longer
   * than 256 characters are never read.
   *
   * <p>When such a value binds a request to a backend and its cookie name is not the session's, the
   * response also expires it ({@code Set-Cookie: NAME=; Path=/; Max-Age=0}) next to the new lbkit
   * cookie, so that the client stops sending it. Spring sets the cookie without a {@code Path}, so
   * a browser files it under the directory of the request that received it; the expiry names {@code
   * Path=/}, which covers cookies set from a top-level path. One set deeper stays with the client,
   * harmlessly: the lbkit token sent beside it always wins.
   *
   * @throws IllegalArgumentException if {@code cookieName} is not an RFC 6265 token
   */
  public static LegacyCookie springInstanceId(String cookieName) {
    Objects.requireNonNull(cookieName, "cookieName");
    checkArgument(
        SessionPersistence.isToken(cookieName),
        "cookieName: \"%s\" (expected: RFC 6265 token characters: letters, digits and"
            + " !#$%%&'*+-.^_`|~, e.g. %s)",
        cookieName,
        SPRING_COOKIE_NAME);
    return cookieName.equals(SPRING_COOKIE_NAME)
        ? SPRING
        : new LegacyCookie(Format.SPRING_INSTANCE_ID, null, cookieName);
  }

  /** The format. */
  public Format format() {
    return format;
  }

  /** The ingress-nginx upstream name (the hash salt), or {@code null} for the other formats. */
  public @Nullable String upstreamName() {
    return upstreamName;
  }

  /**
   * The name of the cookie the values are read from, or {@code null} for the session's own (NGINX
   * and ingress-nginx).
   */
  public @Nullable String cookieName() {
    return cookieName;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LegacyCookie)) {
      return false;
    }
    LegacyCookie that = (LegacyCookie) o;
    return format == that.format
        && Objects.equals(upstreamName, that.upstreamName)
        && Objects.equals(cookieName, that.cookieName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, upstreamName, cookieName);
  }

  @Override
  public String toString() {
    switch (format) {
      case NGINX_STICKY:
        return "LegacyCookie.nginxSticky()";
      case INGRESS_NGINX_PERSISTENT:
        return "LegacyCookie.ingressNginxPersistent(" + upstreamName + ")";
      default:
        return "LegacyCookie.springInstanceId(" + cookieName + ")";
    }
  }
}
