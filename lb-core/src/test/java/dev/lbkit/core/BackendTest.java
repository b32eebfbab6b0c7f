package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendTest {
  private final Backend tea = Backend.of("tea-1", "10.0.0.5", 8080);

  @Test
  void defaults() {
    assertThat(tea.id()).isEqualTo("tea-1");
    assertThat(tea.host()).isEqualTo("10.0.0.5");
    assertThat(tea.port()).isEqualTo(8080);
    assertThat(tea.weight()).isEqualTo(1);
    assertThat(tea.route()).isNull();
    assertThat(tea.state()).isEqualTo(BackendState.UP);
    assertThat(tea.maxConnections()).isEqualTo(Backend.UNLIMITED);
    assertThat(tea.zone()).isNull();
    assertThat(tea.authority()).isEqualTo("10.0.0.5:8080");
  }

  @Test
  void withersCopyOrReturnThis() {
    Backend changed =
        tea.withWeight(3)
            .withRoute("node1")
            .withState(BackendState.DRAINING)
            .withMaxConnections(10)
            .withZone("eu-west-1a");
    assertThat(changed.weight()).isEqualTo(3);
    assertThat(changed.zone()).isEqualTo("eu-west-1a");
    assertThat(changed.withZone("eu-west-1a")).isSameAs(changed);
    assertThat(changed.withZone(null).zone()).isNull();
    assertThat(tea.withZone(null)).isSameAs(tea);
    assertThat(changed.route()).isEqualTo("node1");
    assertThat(changed.state()).isEqualTo(BackendState.DRAINING);
    assertThat(changed.maxConnections()).isEqualTo(10);
    assertThat(tea.weight()).as("the original is unchanged").isEqualTo(1);
    assertThat(tea.withWeight(1)).isSameAs(tea);
    assertThat(tea.withRoute(null)).isSameAs(tea);
    assertThat(tea.withState(BackendState.UP)).isSameAs(tea);
    assertThat(tea.withMaxConnections(0)).isSameAs(tea);
    assertThat(changed.withRoute(null).route()).isNull();
  }

  @Test
  void equalsHashCodeAndToString() {
    Backend same = Backend.of("tea-1", "10.0.0.5", 8080);
    assertThat(tea).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(tea).isNotEqualTo(tea.withWeight(2));
    assertThat(tea).isNotEqualTo(tea.withRoute("r"));
    assertThat(tea).isNotEqualTo(tea.withState(BackendState.DOWN));
    assertThat(tea).isNotEqualTo(tea.withMaxConnections(1));
    assertThat(tea).isNotEqualTo(tea.withZone("z1"));
    assertThat(tea.withZone("z1"))
        .isEqualTo(same.withZone("z1"))
        .hasSameHashCodeAs(same.withZone("z1"));
    assertThat(tea).isNotEqualTo(Backend.of("tea-2", "10.0.0.5", 8080));
    assertThat(tea).isNotEqualTo(Backend.of("tea-1", "10.0.0.6", 8080));
    assertThat(tea).isNotEqualTo(Backend.of("tea-1", "10.0.0.5", 8081));
    assertThat(tea).isNotEqualTo("tea-1");
    assertThat(tea.toString()).isEqualTo("Backend{tea-1, 10.0.0.5:8080}");
    assertThat(
            tea.withWeight(2)
                .withRoute("n1")
                .withState(BackendState.DRAINING)
                .withMaxConnections(5)
                .withZone("z1")
                .toString())
        .isEqualTo(
            "Backend{tea-1, 10.0.0.5:8080, weight=2, route=n1, DRAINING, maxConnections=5,"
                + " zone=z1}");
  }

  @Test
  void ipv6HostsAreBracketedInTheAuthority() {
    assertThat(Backend.of("v6", "2001:db8::1", 80).authority()).isEqualTo("[2001:db8::1]:80");
    assertThat(Backend.of("v6", "[2001:db8::1]", 80).authority()).isEqualTo("[2001:db8::1]:80");
    assertThat(Backend.of("name", "tea.svc.cluster.local", 80).authority())
        .isEqualTo("tea.svc.cluster.local:80");
  }

  @Test
  void validationNamesFieldValueAndAllowedRange() {
    assertThatThrownBy(() -> Backend.of("", "h", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: \"\" (expected: a non-empty string)");
    assertThatThrownBy(() -> Backend.of("a", "", 80))
        .hasMessage("host of backend a: \"\" (expected: a host name or address)");
    assertThatThrownBy(() -> Backend.of("a", "h", 0))
        .hasMessage("port of backend a: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> Backend.of("a", "h", 65536))
        .hasMessage("port of backend a: 65536 (expected: 1..65535)");
    assertThatThrownBy(() -> tea.withWeight(0))
        .hasMessage("weight of backend tea-1: 0 (expected: 1..10000)");
    assertThatThrownBy(() -> tea.withWeight(Backend.MAX_WEIGHT + 1))
        .hasMessage("weight of backend tea-1: 10001 (expected: 1..10000)");
    assertThatThrownBy(() -> tea.withRoute("node 1"))
        .hasMessage("route of backend tea-1: \"node 1\" (expected: letters, digits, '-' or '_')");
    assertThatThrownBy(() -> tea.withRoute(""))
        .hasMessage("route of backend tea-1: \"\" (expected: letters, digits, '-' or '_')");
    assertThatThrownBy(() -> tea.withMaxConnections(-1))
        .hasMessage("maxConnections of backend tea-1: -1 (expected: >= 0, 0 for unlimited)");
    assertThatThrownBy(() -> tea.withZone(""))
        .hasMessage("zone of backend tea-1: \"\" (expected: a zone name, or null)");
    assertThatThrownBy(() -> Backend.of(null, "h", 80)).isInstanceOf(NullPointerException.class);
  }
}
