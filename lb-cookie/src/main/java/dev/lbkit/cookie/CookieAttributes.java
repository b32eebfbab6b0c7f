package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The attributes of a cookie lbkit writes: {@code Path}, {@code Domain}, {@code Secure}, {@code
 * HttpOnly} and {@code SameSite}. One immutable value, used by {@link SessionPersistence}'s session
 * cookie and by {@link JvmRouteAffinity}'s route cookie alike.
 *
 * <pre>{@code
 * CookieAttributes tea = CookieAttributes.builder()
 *     .path("/tea")
 *     .secure(CookieAttributes.Secure.ALWAYS)
 *     .sameSite(CookieAttributes.SameSite.LAX)
 *     .build();
 * }</pre>
 *
 * <p>{@link #ofDefaults()} is what ingress-nginx sends unless told otherwise: {@code Path=/}, a
 * host-only cookie, {@code Secure} when the request arrived over TLS, {@code HttpOnly}, no {@code
 * SameSite}. Values are checked when built, so nothing that reaches a {@code Set-Cookie} header can
 * end the attribute or start another.
 */
public final class CookieAttributes {
  private static final CookieAttributes DEFAULTS = new Builder().build();

  /** When the cookie carries the {@code Secure} attribute. */
  public enum Secure {
    /** Always (required by the {@code __Secure-} and {@code __Host-} name prefixes). */
    ALWAYS,
    /** Never. */
    NEVER,
    /** When the request arrived over TLS, as ingress-nginx does by default. */
    WHEN_REQUEST_SECURE
  }

  /** The cookie's {@code SameSite} attribute. */
  public enum SameSite {
    /** {@code SameSite=Strict}. */
    STRICT("Strict"),
    /** {@code SameSite=Lax}. */
    LAX("Lax"),
    /** {@code SameSite=None}; browsers require {@code Secure} with it. */
    NONE("None");

    private final String attributeValue;

    SameSite(String attributeValue) {
      this.attributeValue = attributeValue;
    }

    /** The attribute value as sent: {@code Strict}, {@code Lax} or {@code None}. */
    public String attributeValue() {
      return attributeValue;
    }
  }

  private final String path;
  private final @Nullable String domain;
  private final Secure secure;
  private final boolean httpOnly;
  private final @Nullable SameSite sameSite;
  private final boolean omitSameSiteNoneForIncompatibleClients;

  private CookieAttributes(Builder b) {
    this.path = b.path;
    this.domain = b.domain;
    this.secure = b.secure;
    this.httpOnly = b.httpOnly;
    this.sameSite = b.sameSite;
    this.omitSameSiteNoneForIncompatibleClients = b.omitSameSiteNoneForIncompatibleClients;
  }

  /**
   * {@code Path=/}, host-only, {@code Secure} when the request is, {@code HttpOnly}, no {@code
   * SameSite}.
   */
  public static CookieAttributes ofDefaults() {
    return DEFAULTS;
  }

  /** Starts from {@link #ofDefaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these attributes. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.domain = domain;
    b.secure = secure;
    b.httpOnly = httpOnly;
    b.sameSite = sameSite;
    b.omitSameSiteNoneForIncompatibleClients = omitSameSiteNoneForIncompatibleClients;
    return b;
  }

  /** The cookie's {@code Path}. */
  public String path() {
    return path;
  }

  /** The cookie's {@code Domain}, or {@code null} for a host-only cookie. */
  public @Nullable String domain() {
    return domain;
  }

  /** When the cookie is {@code Secure}. */
  public Secure secure() {
    return secure;
  }

  /** Whether the cookie is {@code HttpOnly}. */
  public boolean httpOnly() {
    return httpOnly;
  }

  /** The cookie's {@code SameSite}, or {@code null} to send none. */
  public @Nullable SameSite sameSite() {
    return sameSite;
  }

  /**
   * Whether {@code SameSite=None} is left out for user agents known to reject or mishandle it
   * (ingress-nginx {@code session-cookie-conditional-samesite-none}).
   */
  public boolean omitSameSiteNoneForIncompatibleClients() {
    return omitSameSiteNoneForIncompatibleClients;
  }

  /**
   * Checks that a cookie named {@code name} may carry these attributes: the {@code __Secure-} and
   * {@code __Host-} prefixes require {@code Secure} always, and {@code __Host-} also {@code Path=/}
   * and no {@code Domain} (RFC 6265bis).
   *
   * @throws IllegalArgumentException naming {@code field} when they may not
   */
  void checkFitsName(String field, String name) {
    if (name.startsWith("__Secure-") || name.startsWith("__Host-")) {
      checkArgument(
          secure == Secure.ALWAYS,
          "%s.secure: %s (expected: ALWAYS for a cookie named %s, as its prefix requires)",
          field,
          secure,
          name);
    }
    if (name.startsWith("__Host-")) {
      checkArgument(
          path.equals("/") && domain == null,
          "%s.path and domain: %s, %s (expected: path / and no domain for a __Host- cookie)",
          field,
          path,
          domain);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CookieAttributes)) {
      return false;
    }
    CookieAttributes that = (CookieAttributes) o;
    return path.equals(that.path)
        && Objects.equals(domain, that.domain)
        && secure == that.secure
        && httpOnly == that.httpOnly
        && sameSite == that.sameSite
        && omitSameSiteNoneForIncompatibleClients == that.omitSameSiteNoneForIncompatibleClients;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        path, domain, secure, httpOnly, sameSite, omitSameSiteNoneForIncompatibleClients);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CookieAttributes{path=").append(path);
    if (domain != null) {
      sb.append(", domain=").append(domain);
    }
    sb.append(", secure=").append(secure).append(", httpOnly=").append(httpOnly);
    if (sameSite != null) {
      sb.append(", sameSite=").append(sameSite);
      if (omitSameSiteNoneForIncompatibleClients) {
        sb.append(" (omitted for incompatible clients)");
      }
    }
    return sb.append('}').toString();
  }

  /** Builds {@link CookieAttributes}; every setter may be called in any order. */
  public static final class Builder {
    private String path = "/";
    private @Nullable String domain;
    private Secure secure = Secure.WHEN_REQUEST_SECURE;
    private boolean httpOnly = true;
    private @Nullable SameSite sameSite;
    private boolean omitSameSiteNoneForIncompatibleClients;

    private Builder() {}

    /**
     * The cookie's {@code Path}: {@code /} unless set. An absolute path of visible ASCII without
     * {@code ;}, {@code ,}, {@code "} or {@code \}.
     */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The cookie's {@code Domain}; {@code null} (the default) for a host-only cookie. */
    public Builder domain(@Nullable String domain) {
      this.domain = domain;
      return this;
    }

    /** When the cookie is {@code Secure}: {@link Secure#WHEN_REQUEST_SECURE} unless set. */
    public Builder secure(Secure secure) {
      this.secure = Objects.requireNonNull(secure, "secure");
      return this;
    }

    /** Whether the cookie is {@code HttpOnly}: true unless set. */
    public Builder httpOnly(boolean httpOnly) {
      this.httpOnly = httpOnly;
      return this;
    }

    /** The cookie's {@code SameSite}; {@code null} (the default) sends none. */
    public Builder sameSite(@Nullable SameSite sameSite) {
      this.sameSite = sameSite;
      return this;
    }

    /**
     * Leave out {@code SameSite=None} for user agents known to reject or mishandle it, by the list
     * ingress-nginx uses: Chrome 40 to 69, iOS 12 (iPhone and iPad), and Safari on macOS 10.14.
     * False unless set; only with {@link SameSite#NONE}.
     */
    public Builder omitSameSiteNoneForIncompatibleClients(boolean omit) {
      this.omitSameSiteNoneForIncompatibleClients = omit;
      return this;
    }

    /**
     * Checks the attributes against each other and builds them.
     *
     * @throws IllegalArgumentException naming the first attribute that is not allowed
     */
    public CookieAttributes build() {
      checkPath("path", path);
      if (domain != null) {
        checkDomain(domain);
      }
      checkArgument(
          sameSite != SameSite.NONE || secure != Secure.NEVER,
          "secure: NEVER (expected: ALWAYS or WHEN_REQUEST_SECURE with sameSite NONE, which"
              + " browsers reject without Secure)");
      checkArgument(
          !omitSameSiteNoneForIncompatibleClients || sameSite == SameSite.NONE,
          "omitSameSiteNoneForIncompatibleClients: true (expected: only with sameSite NONE, got"
              + " %s)",
          sameSite);
      return new CookieAttributes(this);
    }

    private static void checkPath(String field, String path) {
      checkArgument(
          path.startsWith("/"), "%s: %s (expected: an absolute path starting with /)", field, path);
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        checkArgument(
            c > 0x20 && c < 0x7f && c != ';' && c != '"' && c != '\\' && c != ',',
            "%s: %s (expected: visible ASCII without ';', ',', '\"' or '\\', percent-encoded"
                + " otherwise)",
            field,
            path);
      }
    }

    private static void checkDomain(String domain) {
      String d = domain.startsWith(".") ? domain.substring(1) : domain;
      boolean ok = !d.isEmpty() && d.length() <= 253 && !d.startsWith("-") && !d.endsWith(".");
      int labelLength = 0;
      for (int i = 0; ok && i < d.length(); i++) {
        char c = d.charAt(i);
        if (c == '.') {
          ok = labelLength > 0;
          labelLength = 0;
        } else {
          ok =
              (c >= 'a' && c <= 'z')
                  || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9')
                  || c == '-';
          labelLength++;
          ok &= labelLength <= 63;
        }
      }
      checkArgument(
          ok, "domain: %s (expected: a host name such as example.com or .example.com)", domain);
    }
  }
}
