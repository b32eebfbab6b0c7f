package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamTest {
  private final Backend a = Backend.of("a", "10.0.0.1", 80);
  private final Backend b = Backend.of("b", "10.0.0.2", 80);

  @Test
  void changesPublishNewSnapshotsWithAHigherVersion() {
    Upstream upstream = Upstream.of("tea", a, b);
    PoolSnapshot first = upstream.snapshot();
    assertThat(first.upstreamName()).isEqualTo("tea");
    assertThat(first.backends()).containsExactly(a, b);
    assertThat(first.size()).isEqualTo(2);
    assertThat(first.isEmpty()).isFalse();
    assertThat(first.indexOf("b")).isEqualTo(1);
    assertThat(first.indexOf("zzz")).isEqualTo(-1);

    assertThat(upstream.setState("a", BackendState.DRAINING)).isTrue();
    PoolSnapshot second = upstream.snapshot();
    assertThat(second.version()).isGreaterThan(first.version());
    assertThat(second.backend(0).state()).isEqualTo(BackendState.DRAINING);
    assertThat(first.backend(0).state())
        .as("old snapshots never change")
        .isEqualTo(BackendState.UP);

    assertThat(upstream.setWeight("b", 5)).isTrue();
    assertThat(upstream.snapshot().backend(1).weight()).isEqualTo(5);
    assertThat(upstream.setWeight("missing", 5)).isFalse();

    long before = upstream.snapshot().version();
    assertThat(upstream.setWeight("b", 5)).isTrue();
    assertThat(upstream.snapshot().version()).as("no change, no new snapshot").isEqualTo(before);

    assertThat(upstream.add(Backend.of("c", "10.0.0.3", 80))).isFalse();
    assertThat(upstream.add(Backend.of("c", "10.0.0.33", 80))).isTrue();
    assertThat(upstream.snapshot().backend(2).host()).isEqualTo("10.0.0.33");
    assertThat(upstream.remove("a")).isTrue();
    assertThat(upstream.remove("a")).isFalse();
    assertThat(upstream.snapshot().backends()).extracting(Backend::id).containsExactly("b", "c");

    upstream.replaceAll(List.of());
    assertThat(upstream.snapshot().isEmpty()).isTrue();
  }

  @Test
  void runtimeStateFollowsTheIdAcrossSnapshots() {
    Upstream upstream = Upstream.of("tea", a, b);
    LoadBalancer lb = LoadBalancer.of(upstream);
    Decision d = lb.pick(RequestContext.empty());
    String id = d.backend().id();
    upstream.replaceAll(List.of(b.withWeight(2), a.withWeight(3)));
    PoolSnapshot next = upstream.snapshot();
    assertThat(next.inFlight(next.indexOf(id))).isEqualTo(1);
    lb.report(d, Outcome.SUCCESS);
    assertThat(next.inFlight(next.indexOf(id))).isZero();
  }

  @Test
  void validation() {
    assertThatThrownBy(() -> Upstream.of("tea", a, Backend.of("a", "10.0.0.9", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backends of upstream tea: duplicate id a (expected: unique ids)");
    assertThatThrownBy(() -> Upstream.builder(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: \" \" (expected: a non-blank upstream name)");
    Upstream upstream = Upstream.of("tea", a, b);
    assertThatThrownBy(() -> upstream.update("a", x -> Backend.of("z", "10.0.0.1", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: z (expected: the id of the updated backend, a)");
    assertThatThrownBy(() -> upstream.replaceAll(List.of(a, a)))
        .hasMessage("backends of upstream tea: duplicate id a (expected: unique ids)");
    assertThat(upstream.snapshot().backends())
        .as("a refused change publishes nothing")
        .containsExactly(a, b);
  }

  @Test
  void precomputationsMustBeRegistered() {
    Upstream upstream = Upstream.of("tea", a);
    Precomputation<String> unregistered = backends -> "x";
    assertThatThrownBy(() -> upstream.snapshot().precomputed(unregistered))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not registered with upstream tea");
    LoadBalancer.builder(upstream)
        .affinity(
            new SessionAffinity() {
              @Override
              public List<Precomputation<?>> precomputations() {
                return List.of(unregistered);
              }

              @Override
              public Binding resolve(PoolSnapshot pool, RequestContext request) {
                return Binding.none();
              }

              @Override
              public List<ResponseHeader> responseHeaders(
                  PoolSnapshot pool,
                  RequestContext request,
                  Binding binding,
                  int chosen,
                  Decision.Reason reason) {
                return List.of();
              }
            })
        .build();
    assertThat(upstream.snapshot().precomputed(unregistered)).isEqualTo("x");
  }

  @Test
  void toStrings() {
    Upstream upstream = Upstream.of("tea", a);
    assertThat(upstream.toString()).isEqualTo("Upstream{tea, [Backend{a, 10.0.0.1:80}]}");
    assertThat(upstream.snapshot().toString())
        .isEqualTo(
            "PoolSnapshot{tea v" + upstream.snapshot().version() + ", [Backend{a, 10.0.0.1:80}]}");
  }
}
