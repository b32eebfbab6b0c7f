package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A sticky-cookie value format of another product that lbkit reads and re-issues in its own format,
 * so that a gateway can take over from that product without breaking the sessions it holds. Give
 * these to {@link SessionPersistence.CookieBuilder#legacyCookies}; the cookie name is the
 * session's.
 *
 * <p>A legacy value is not authenticated (the products did not sign them), so it only ever binds to
 * a backend of the current snapshot that it names exactly; anything else counts as no session. The
 * first response to a request that presented one carries a new lbkit token.
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
    INGRESS_NGINX_PERSISTENT
  }

  private static final LegacyCookie NGINX = new LegacyCookie(Format.NGINX_STICKY, null);

  private final Format format;
  private final @Nullable String upstreamName;

  private LegacyCookie(Format format, @Nullable String upstreamName) {
    this.format = format;
    this.upstreamName = upstreamName;
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
    return new LegacyCookie(Format.INGRESS_NGINX_PERSISTENT, upstreamName);
  }

  /** The format. */
  public Format format() {
    return format;
  }

  /** The ingress-nginx upstream name (the hash salt), or {@code null} for NGINX. */
  public @Nullable String upstreamName() {
    return upstreamName;
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
    return format == that.format && Objects.equals(upstreamName, that.upstreamName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, upstreamName);
  }

  @Override
  public String toString() {
    return format == Format.NGINX_STICKY
        ? "LegacyCookie.nginxSticky()"
        : "LegacyCookie.ingressNginxPersistent(" + upstreamName + ")";
  }
}
