package dev.lbkit.kubernetes;

import static dev.lbkit.kubernetes.Slices.pod;
import static dev.lbkit.kubernetes.Slices.ready;
import static dev.lbkit.kubernetes.Slices.slice;
import static dev.lbkit.kubernetes.Slices.terminatingNotServing;
import static dev.lbkit.kubernetes.Slices.terminatingServing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSliceBackendsTest {
  private final EndpointSliceBackends http = EndpointSliceBackends.port("http");

  @Test
  void podEndpointsBecomeBackendsNamedAfterThePod() {
    List<Backend> backends =
        http.backends(
            List.of(slice("tea-abc", ready("tea-2", "10.0.0.2"), ready("tea-1", "10.0.0.1"))));
    assertThat(backends)
        .containsExactly(
            Backend.of("tea-1", "10.0.0.1", 8080).withZone("zone-a"),
            Backend.of("tea-2", "10.0.0.2", 8080).withZone("zone-a"));
  }

  @Test
  void conditionsAsTheApiDefinesThem() {
    // ready, serving, terminating; null is "not set".
    assertThat(EndpointSliceBackends.state(null)).isEqualTo(BackendState.UP);
    assertThat(state(null, null, null)).isEqualTo(BackendState.UP);
    assertThat(state(true, true, false)).isEqualTo(BackendState.UP);
    assertThat(state(true, null, null)).isEqualTo(BackendState.UP);
    assertThat(state(false, false, false)).isNull();
    assertThat(state(false, null, null)).as("serving defaults to ready").isNull();
    assertThat(state(false, true, true)).isEqualTo(BackendState.DRAINING);
    assertThat(state(null, true, true)).isEqualTo(BackendState.DRAINING);
    assertThat(state(true, null, true))
        .as("serving defaults to ready")
        .isEqualTo(BackendState.DRAINING);
    assertThat(state(false, false, true)).isNull();
    assertThat(state(true, false, true)).as("publishNotReadyAddresses, no longer serving").isNull();
  }

  private static BackendState state(Boolean ready, Boolean serving, Boolean terminating) {
    return EndpointSliceBackends.state(new EndpointConditions(ready, serving, terminating));
  }

  @Test
  void terminatingServingDrainsAndNotServingIsLeftOut() {
    List<Backend> backends =
        http.backends(
            List.of(
                slice(
                    "s",
                    ready("tea-1", "10.0.0.1"),
                    terminatingServing("tea-2", "10.0.0.2"),
                    terminatingNotServing("tea-3", "10.0.0.3"),
                    pod("tea-4", "10.0.0.4", false, false, false))));
    assertThat(backends).extracting(Backend::id).containsExactly("tea-1", "tea-2");
    assertThat(backends.get(1).state()).isEqualTo(BackendState.DRAINING);
  }

  @Test
  void anEndpointInTwoSlicesIsOneBackendAndUpWins() {
    List<Backend> backends =
        http.backends(
            List.of(
                slice("a", terminatingServing("tea-1", "10.0.0.1")),
                slice("b", ready("tea-1", "10.0.0.1"), ready("tea-2", "10.0.0.2"))));
    assertThat(backends).extracting(Backend::id).containsExactly("tea-1", "tea-2");
    assertThat(backends.get(0).state()).isEqualTo(BackendState.UP);
  }

  @Test
  void dualStackPrefersIpv4ThenTheFirstSliceByName() {
    EndpointSlice v6 =
        new EndpointSliceBuilder(slice("a-v6", ready("tea-1", "fd00::1")))
            .withAddressType("IPv6")
            .build();
    EndpointSlice v4 = slice("b-v4", ready("tea-1", "10.0.0.1"));
    assertThat(http.backends(List.of(v6, v4)))
        .extracting(Backend::host)
        .containsExactly("10.0.0.1");
    assertThat(http.backends(List.of(slice("b", ready("tea-1", "10.0.0.2")), v4)))
        .extracting(Backend::host)
        .containsExactly("10.0.0.2");
  }

  @Test
  void withoutAPodTheAddressIsTheIdAndOnlyTheFirstAddressIsUsed() {
    Endpoint external = new EndpointBuilder().withAddresses("192.0.2.7", "192.0.2.8").build();
    List<Backend> backends = http.backends(List.of(slice("ext", external)));
    assertThat(backends).containsExactly(Backend.of("192.0.2.7", "192.0.2.7", 8080));
  }

  @Test
  void portsByNameOrTheOnlyOne() {
    EndpointSlice twoPorts =
        new EndpointSliceBuilder(slice("s", ready("tea-1", "10.0.0.1")))
            .addNewPort()
            .withName("metrics")
            .withPort(9090)
            .endPort()
            .build();
    assertThat(EndpointSliceBackends.port("metrics").backends(List.of(twoPorts)))
        .extracting(Backend::port)
        .containsExactly(9090);
    assertThat(http.backends(List.of(twoPorts))).extracting(Backend::port).containsExactly(8080);
    assertThat(EndpointSliceBackends.onlyPort().backends(List.of(twoPorts))).isEmpty();
    assertThat(EndpointSliceBackends.onlyPort().problem(twoPorts))
        .isEqualTo("ports [http, metrics] (expected: exactly one, or a port name configured)");
    assertThat(EndpointSliceBackends.port("grpc").problem(twoPorts))
        .isEqualTo("ports [http, metrics] (expected: one named grpc)");
    assertThat(http.problem(twoPorts)).isNull();

    EndpointSlice unnamed =
        new EndpointSliceBuilder(slice("s", ready("tea-1", "10.0.0.1")))
            .withPorts(List.of())
            .addNewPort()
            .withPort(80)
            .endPort()
            .build();
    assertThat(EndpointSliceBackends.onlyPort().backends(List.of(unnamed)))
        .extracting(Backend::port)
        .containsExactly(80);
  }

  @Test
  void whatCannotBeABackendIsLeftOutWithoutThrowing() {
    EndpointSlice badPort =
        new EndpointSliceBuilder(slice("s", ready("tea-1", "10.0.0.1")))
            .withPorts(List.of())
            .addNewPort()
            .withName("http")
            .withPort(70000)
            .endPort()
            .build();
    Endpoint noAddress = new EndpointBuilder().build();
    Endpoint emptyZone = new EndpointBuilder(ready("tea-2", "10.0.0.2")).withZone("").build();
    assertThat(http.backends(List.of(badPort))).isEmpty();
    assertThat(http.backends(List.of(new EndpointSlice()))).isEmpty();
    assertThat(http.backends(List.of(slice("s", noAddress, emptyZone))))
        .containsExactly(Backend.of("tea-2", "10.0.0.2", 8080));
  }

  @Test
  void valueSemanticsAndValidation() {
    assertThat(EndpointSliceBackends.port("http")).isEqualTo(http).hasSameHashCodeAs(http);
    assertThat(http).isNotEqualTo(EndpointSliceBackends.onlyPort());
    assertThat(http.portName()).isEqualTo("http");
    assertThat(EndpointSliceBackends.onlyPort().portName()).isNull();
    assertThat(http).hasToString("EndpointSliceBackends{port=http}");
    assertThat(EndpointSliceBackends.onlyPort()).hasToString("EndpointSliceBackends{only port}");
    assertThatThrownBy(() -> EndpointSliceBackends.port(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: \"\" (expected: the name of a Service port, or onlyPort())");
  }
}
