package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.PathMatch;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final List<RouteSpec> routes = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  private void route(String name, List<String> hosts, PathMatch.Type type, String path) {
    routes.add(
        new RouteSpec(
            name,
            hosts,
            new PathMatch(type, path),
            List.of(new BackendRef("u", 1)),
            null,
            TrafficSplit.CanaryBehavior.STICKY,
            3));
    names.add(name);
  }

  @Test
  void exactBeatsPrefixAndTheLongestPrefixWins() {
    route("root", List.of(), PathMatch.Type.PathPrefix, "/");
    route("coffee", List.of(), PathMatch.Type.PathPrefix, "/coffee");
    route("coffee-beans", List.of(), PathMatch.Type.PathPrefix, "/coffee/beans");
    route("coffee-exact", List.of(), PathMatch.Type.Exact, "/coffee");
    RouteTable<String> router = RouteTable.of(routes, names);

    assertThat(router.route("any", "/coffee")).isEqualTo("coffee-exact");
    assertThat(router.route("any", "/coffee/")).isEqualTo("coffee");
    assertThat(router.route("any", "/coffee/beans/x")).isEqualTo("coffee-beans");
    assertThat(router.route("any", "/coffeebeans")).isEqualTo("root");
    assertThat(router.route(null, "/")).isEqualTo("root");
  }

  @Test
  void theMostSpecificHostGroupDecidesWithoutFallingBack() {
    route("cafe-tea", List.of("cafe.example.com"), PathMatch.Type.Exact, "/tea");
    route("wild", List.of("*.example.com"), PathMatch.Type.PathPrefix, "/");
    route("deep-wild", List.of("*.eu.example.com"), PathMatch.Type.PathPrefix, "/");
    route("any-latte", List.of(), PathMatch.Type.Exact, "/latte");
    RouteTable<String> router = RouteTable.of(routes, names);

    assertThat(router.route("cafe.example.com", "/tea")).isEqualTo("cafe-tea");
    assertThat(router.route("CAFE.Example.COM.", "/tea")).isEqualTo("cafe-tea");
    // The cafe.example.com group has no /latte: 404, as an nginx server block would answer.
    assertThat(router.route("cafe.example.com", "/latte")).isNull();
    assertThat(router.route("bar.example.com", "/latte")).isEqualTo("wild");
    assertThat(router.route("a.b.example.com", "/x")).isEqualTo("wild");
    assertThat(router.route("x.eu.example.com", "/x")).isEqualTo("deep-wild");
    assertThat(router.route("example.com", "/latte")).isEqualTo("any-latte");
    assertThat(router.route("other.test", "/latte")).isEqualTo("any-latte");
    assertThat(router.route("other.test", "/tea")).isNull();
  }

  @Test
  void tiesGoToTheRouteListedFirst() {
    route("first", List.of("a.test"), PathMatch.Type.PathPrefix, "/x");
    route("second", List.of("a.test", "b.test"), PathMatch.Type.PathPrefix, "/x");
    RouteTable<String> router = RouteTable.of(routes, names);

    assertThat(router.route("a.test", "/x")).isEqualTo("first");
    assertThat(router.route("b.test", "/x")).isEqualTo("second");
  }
}
