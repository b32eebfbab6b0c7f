package dev.lbkit.config.internal;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;

/**
 * The cookie path a route's path match gives a session cookie, as ingress-nginx defaults the cookie
 * path to the matched location. It lives with the readers because it translates another product's
 * route into a cookie attribute; lb-cookie itself takes a path as given.
 */
public final class CookiePaths {
  private CookiePaths() {}

  /**
   * The cookie path for a route rule matched by {@code matchType} and {@code value}: {@code Exact}
   * and {@code PathPrefix} (Gateway API) or {@code Prefix} (Kubernetes Ingress) give the path
   * itself, without a trailing slash ({@code /tea/} gives {@code /tea}, which a browser sends to
   * {@code /tea} and {@code /tea/...} alike). A regular expression or a wildcard never becomes a
   * cookie path.
   *
   * @throws IllegalArgumentException for {@code RegularExpression}, {@code ImplementationSpecific}
   *     or any other match type, and for a value that is not an absolute path or looks like a
   *     pattern
   */
  public static String routeCookiePath(String matchType, String value) {
    Objects.requireNonNull(matchType, "matchType");
    Objects.requireNonNull(value, "value");
    checkArgument(
        matchType.equals("Exact") || matchType.equals("PathPrefix") || matchType.equals("Prefix"),
        "route match type: %s (expected: Exact, PathPrefix or Prefix; a regular expression or an"
            + " implementation-specific path cannot be a cookie path, so set the cookie path"
            + " explicitly)",
        matchType);
    checkArgument(
        !looksLikePattern(value),
        "route path: %s (expected: a literal path; it looks like a regular expression or a"
            + " wildcard, so set the cookie path explicitly)",
        value);
    checkArgument(
        value.startsWith("/"),
        "route path: %s (expected: an absolute path starting with /)",
        value);
    String path = value;
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  private static boolean looksLikePattern(String value) {
    for (int i = 0; i < value.length(); i++) {
      if ("*^$()[]{}|\\?+".indexOf(value.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }
}
