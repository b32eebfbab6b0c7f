package dev.lbkit.cookie.internal;

import org.jspecify.annotations.Nullable;

/**
 * Whether a user agent handles {@code SameSite=None}, by the same substring rules as
 * ingress-nginx's {@code same_site_none_compatible} (after Chromium's "SameSite=None: known
 * incompatible clients"): Chrome 40 to 69 reject the cookie, and Safari on iOS 12 and macOS 10.14
 * treat it as {@code Strict}. Plain {@code indexOf} calls: no regular expression, nothing allocated
 * per request.
 */
public final class SameSiteNone {
  private SameSiteNone() {}

  /** Whether {@code SameSite=None} may be sent to this user agent; true when it is unknown. */
  public static boolean isCompatible(@Nullable String userAgent) {
    if (userAgent == null) {
      return true;
    }
    if (userAgent.contains("Chrome/4")
        || userAgent.contains("Chrome/5")
        || userAgent.contains("Chrome/6")
        || userAgent.contains("CPU iPhone OS 12")
        || userAgent.contains("iPad; CPU OS 12")) {
      return false;
    }
    return !(userAgent.contains("Macintosh")
        && userAgent.contains("Intel Mac OS X 10_14")
        && userAgent.contains("Safari")
        && !userAgent.contains("Chrome"));
  }
}
