package dev.lbkit.demo;

import dev.lbkit.demo.GatewayConfig.PathMatch;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the route of a request by host, then by path, as a Gateway API implementation on nginx or
 * Envoy does.
 *
 * <ol>
 *   <li>The host picks one group of routes, the most specific that matches: an exact host name,
 *       else the longest matching wildcard ({@code *.example.com} matches {@code cafe.example.com}
 *       and {@code a.b.example.com}, not {@code example.com}), else the routes without host names.
 *       Like an nginx {@code server} block or an Envoy virtual host, a group that has no matching
 *       path answers 404; it does not fall back to a less specific group.
 *   <li>Within the group, an Exact match beats every PathPrefix, and the longest prefix wins; on a
 *       tie, the route listed first.
 * </ol>
 *
 * <p>Immutable; built once when the gateway starts.
 */
final class RouteTable<T> {
  private final Map<String, List<Entry<T>>> exactHosts;
  private final List<Map.Entry<String, List<Entry<T>>>> wildcards; // longest suffix first
  private final List<Entry<T>> anyHost;

  private record Entry<T>(PathMatch path, T target) {}

  private RouteTable(
      Map<String, List<Entry<T>>> exactHosts,
      List<Map.Entry<String, List<Entry<T>>>> wildcards,
      List<Entry<T>> anyHost) {
    this.exactHosts = exactHosts;
    this.wildcards = wildcards;
    this.anyHost = anyHost;
  }

  /** A router over {@code routes} in file order, each leading to its target. */
  static <T> RouteTable<T> of(List<RouteSpec> routes, List<T> targets) {
    Map<String, List<Entry<T>>> exact = new LinkedHashMap<>();
    Map<String, List<Entry<T>>> wildcard = new LinkedHashMap<>();
    List<Entry<T>> any = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      RouteSpec route = routes.get(i);
      Entry<T> entry = new Entry<>(route.path(), targets.get(i));
      if (route.hostnames().isEmpty()) {
        any.add(entry);
      }
      for (String host : route.hostnames()) {
        if (host.startsWith("*.")) {
          wildcard.computeIfAbsent(host.substring(1), k -> new ArrayList<>()).add(entry);
        } else {
          exact.computeIfAbsent(host, k -> new ArrayList<>()).add(entry);
        }
      }
    }
    Comparator<Entry<T>> precedence =
        Comparator.<Entry<T>>comparingInt(e -> e.path().type() == PathMatch.Type.Exact ? 0 : 1)
            .thenComparingInt(e -> -e.path().value().length());
    exact.values().forEach(list -> list.sort(precedence)); // stable: file order on ties
    wildcard.values().forEach(list -> list.sort(precedence));
    any.sort(precedence);
    List<Map.Entry<String, List<Entry<T>>>> wildcards = new ArrayList<>(wildcard.entrySet());
    wildcards.sort(Comparator.comparingInt(e -> -e.getKey().length()));
    return new RouteTable<>(exact, wildcards, any);
  }

  /**
   * The target for a request, or {@code null} when no route matches (404).
   *
   * @param host the request's host, without port, in any case
   * @param path the decoded, normalised request path
   */
  @Nullable T route(@Nullable String host, String path) {
    List<Entry<T>> group = group(host);
    for (Entry<T> e : group) {
      if (e.path().matches(path)) {
        return e.target();
      }
    }
    return null;
  }

  private List<Entry<T>> group(@Nullable String host) {
    if (host != null && !host.isEmpty()) {
      String h = host.toLowerCase(Locale.ROOT);
      if (h.endsWith(".")) {
        h = h.substring(0, h.length() - 1);
      }
      List<Entry<T>> exact = exactHosts.get(h);
      if (exact != null) {
        return exact;
      }
      for (Map.Entry<String, List<Entry<T>>> w : wildcards) {
        // The suffix keeps its dot: ".example.com" needs at least one label in front.
        if (h.endsWith(w.getKey()) && h.length() > w.getKey().length()) {
          return w.getValue();
        }
      }
    }
    return anyHost;
  }
}
