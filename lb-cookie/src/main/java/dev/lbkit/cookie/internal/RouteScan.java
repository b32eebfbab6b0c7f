package dev.lbkit.cookie.internal;

import dev.lbkit.core.Binding;
import dev.lbkit.core.CookieHeader;
import dev.lbkit.core.PoolSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Finds a route in a raw {@code Cookie} header or request path without allocating: a session id
 * such as {@code 8F3A...C1.node1} carries its route after the last dot (Tomcat appends {@code "." +
 * jvmRoute}; mod_proxy_balancer's own {@code ROUTEID} cookie holds {@code ".route"}).
 *
 * <p>Everything here is lenient and total: any input, however malformed, yields a binding or {@code
 * null}, never an exception.
 */
public final class RouteScan {
  private RouteScan() {}

  /**
   * The binding for the first cookie named {@code name} whose value ends in a known route, or
   * {@code null}. Several cookies of that name may be sent (one per path or domain); an unknown or
   * missing route in one does not hide a known one in the next.
   *
   * @param ignoreCase whether the name matches ignoring ASCII case (as for {@code JSESSIONID},
   *     which servers and clients spell variously)
   */
  public static @Nullable Binding inCookies(
      PoolSnapshot pool,
      RouteTable<?> table,
      @Nullable String header,
      String name,
      boolean ignoreCase) {
    if (header == null) {
      return null;
    }
    long region = next(header, name, 0, ignoreCase);
    while (region >= 0) {
      int to = CookieHeader.valueEnd(region);
      Binding binding = routeOf(pool, table, header, CookieHeader.valueStart(region), to);
      if (binding != null) {
        return binding;
      }
      region = next(header, name, to, ignoreCase);
    }
    return null;
  }

  private static long next(@Nullable String header, String name, int from, boolean ignoreCase) {
    return ignoreCase
        ? CookieHeader.nextValueIgnoringCase(header, name, from)
        : CookieHeader.nextValue(header, name, from);
  }

  /**
   * The binding for the first {@code ;name=value} path parameter (name matched ignoring ASCII case)
   * whose value ends in a known route, or {@code null}. The value ends at the next {@code ;},
   * {@code /}, {@code ?} or {@code #}, as a servlet container reads {@code ;jsessionid=}.
   */
  public static @Nullable Binding inPathParameters(
      PoolSnapshot pool, RouteTable<?> table, String path, String name) {
    int length = path.length();
    int nameLength = name.length();
    int semi = path.indexOf(';');
    while (semi >= 0 && semi < length) {
      int nameStart = semi + 1;
      int eq = nameStart + nameLength;
      if (eq < length
          && path.charAt(eq) == '='
          && path.regionMatches(true, nameStart, name, 0, nameLength)) {
        int from = eq + 1;
        int to = from;
        while (to < length && !isParameterEnd(path.charAt(to))) {
          to++;
        }
        Binding binding = routeOf(pool, table, path, from, to);
        if (binding != null) {
          return binding;
        }
      }
      semi = path.indexOf(';', semi + 1);
    }
    return null;
  }

  private static @Nullable Binding routeOf(
      PoolSnapshot pool, RouteTable<?> table, String s, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (s.charAt(i) == '.') {
        return table.lookup(pool, s, i + 1, to);
      }
    }
    return null; // no dot: the session id names no route
  }

  private static boolean isParameterEnd(char c) {
    return c == ';' || c == '/' || c == '?' || c == '#';
  }
}
