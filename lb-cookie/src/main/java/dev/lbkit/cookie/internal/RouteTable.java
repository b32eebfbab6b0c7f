package dev.lbkit.cookie.internal;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.PoolSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The route labels of one backend set ({@link Backend#route()}), looked up by a region of a request
 * string without building a substring, with a ready {@link Binding} and route cookie per backend
 * (of the type {@code C} the affinity writes). Built once per snapshot; immutable.
 *
 * <p>Several backends may carry the same label (a misconfiguration, but not one an upstream change
 * may fail on): the lookup then prefers the first that can take a session, as mod_proxy_balancer's
 * {@code find_route_worker} skips unusable workers of a route.
 */
public final class RouteTable<C> {
  private static final int[] NO_INDEXES = new int[0];

  private final String[] keys;
  private final int[][] indexes;
  private final int mask;
  private final Binding[] bindings;
  private final List<@Nullable C> routeCookies;

  private RouteTable(Map<String, List<Integer>> byRoute, int size, Function<String, C> cookie) {
    int capacity = Integer.highestOneBit(Math.max(4, byRoute.size() * 2 + 1)) << 1;
    this.keys = new String[capacity];
    this.indexes = new int[capacity][];
    this.mask = capacity - 1;
    for (Map.Entry<String, List<Integer>> e : byRoute.entrySet()) {
      String route = e.getKey();
      int slot = route.hashCode() & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = route;
      int[] values = new int[e.getValue().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = e.getValue().get(i);
      }
      indexes[slot] = values;
    }
    this.bindings = new Binding[size];
    for (int i = 0; i < size; i++) {
      bindings[i] = Binding.bound(i, null);
    }
    this.routeCookies = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      routeCookies.add(null);
    }
    for (Map.Entry<String, List<Integer>> e : byRoute.entrySet()) {
      C headers = cookie.apply(e.getKey());
      for (int index : e.getValue()) {
        routeCookies.set(index, headers);
      }
    }
  }

  /**
   * Indexes the route labels of {@code backends}.
   *
   * @param routeCookie the headers that tell a client it belongs to a route (none when the affinity
   *     writes no cookie)
   */
  public static <C> RouteTable<C> of(List<Backend> backends, Function<String, C> routeCookie) {
    Map<String, List<Integer>> byRoute = new LinkedHashMap<>();
    for (int i = 0; i < backends.size(); i++) {
      String route = backends.get(i).route();
      if (route != null) {
        byRoute.computeIfAbsent(route, r -> new ArrayList<>(1)).add(i);
      }
    }
    return new RouteTable<>(byRoute, backends.size(), routeCookie);
  }

  /** Whether no backend has a route label. */
  public boolean isEmpty() {
    for (String key : keys) {
      if (key != null) {
        return false;
      }
    }
    return true;
  }

  /**
   * The binding for the route spelled by {@code s[start, end)}, or {@code null} when no backend has
   * that label. Route labels match exactly (case-sensitively), as Tomcat's {@code jvmRoute} and
   * mod_proxy_balancer's {@code route=} do. Allocates nothing.
   */
  public @Nullable Binding lookup(PoolSnapshot pool, CharSequence s, int start, int end) {
    int length = end - start;
    if (length <= 0) {
      return null;
    }
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + s.charAt(i);
    }
    int slot = h & mask;
    String key;
    while ((key = keys[slot]) != null) {
      if (key.length() == length && regionEquals(key, s, start)) {
        return bindings[choose(pool, indexes[slot])];
      }
      slot = (slot + 1) & mask;
    }
    return null;
  }

  /** The indexes of the backends labelled {@code route}, in snapshot order. */
  public int[] indexesOf(String route) {
    int slot = route.hashCode() & mask;
    String key;
    while ((key = keys[slot]) != null) {
      if (key.equals(route)) {
        return indexes[slot].clone();
      }
      slot = (slot + 1) & mask;
    }
    return NO_INDEXES;
  }

  /** The route cookie for the backend at {@code index}: null when it has no route label. */
  public @Nullable C routeCookie(int index) {
    return routeCookies.get(index);
  }

  private static int choose(PoolSnapshot pool, int[] candidates) {
    if (candidates.length > 1) {
      for (int index : candidates) {
        if (pool.isAvailableForSession(index)) {
          return index;
        }
      }
    }
    return candidates[0];
  }

  private static boolean regionEquals(String key, CharSequence s, int start) {
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) != s.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }
}
