package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.core.RequestContext;

/**
 * The attributes that follow a cookie's value in {@code Set-Cookie}, written once per variant so
 * that a response picks a ready string: whether the request makes the cookie {@code Secure}, and
 * whether {@code SameSite=None} is left out for the client's user agent.
 */
public final class CookieSuffix {
  /** The number of variants; {@link #variant} returns one of {@code 0..VARIANTS-1}. */
  public static final int VARIANTS = 4;

  private static final String USER_AGENT = "User-Agent";

  private CookieSuffix() {}

  /** {@code ; Path=P[; Domain=D][; Secure][; HttpOnly][; SameSite=S]} for one variant. */
  public static String of(CookieAttributes attributes, int variant) {
    StringBuilder sb = new StringBuilder();
    sb.append("; Path=").append(attributes.path());
    if (attributes.domain() != null) {
      sb.append("; Domain=").append(attributes.domain());
    }
    if ((variant & 1) != 0) {
      sb.append("; Secure");
    }
    if (attributes.httpOnly()) {
      sb.append("; HttpOnly");
    }
    CookieAttributes.SameSite sameSite = attributes.sameSite();
    if (sameSite != null && (variant & 2) == 0) {
      sb.append("; SameSite=").append(sameSite.attributeValue());
    }
    return sb.toString();
  }

  /**
   * The variant for this request: bit 0 set when the cookie is {@code Secure}, bit 1 when {@code
   * SameSite=None} is left out. Allocates nothing.
   */
  public static int variant(CookieAttributes attributes, RequestContext request) {
    CookieAttributes.Secure secure = attributes.secure();
    boolean isSecure =
        secure == CookieAttributes.Secure.ALWAYS
            || (secure == CookieAttributes.Secure.WHEN_REQUEST_SECURE && request.isSecure());
    boolean omitSameSite =
        attributes.omitSameSiteNoneForIncompatibleClients()
            && !SameSiteNone.isCompatible(request.header(USER_AGENT));
    return (isSecure ? 1 : 0) | (omitSameSite ? 2 : 0);
  }
}
