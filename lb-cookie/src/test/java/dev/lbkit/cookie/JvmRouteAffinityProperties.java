package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class JvmRouteAffinityProperties {
  private final Upstream upstream =
      Upstream.of(
          "app",
          Backend.of("a", "10.0.0.5", 8080).withRoute("node1"),
          Backend.of("b", "10.0.0.6", 8080).withRoute("node2"),
          Backend.of("c", "10.0.0.7", 8080));
  private final JvmRouteAffinity affinity =
      JvmRouteAffinity.builder().routeCookie("ROUTEID").build();
  private final LoadBalancer lb = LoadBalancer.builder(upstream).affinity(affinity).build();

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings()
            .withChars("JSESIONDjsesiond=;.\"/ \t\r\nnode12ROUTEI?#")
            .ofMaxLength(60));
  }

  @Property(tries = 300)
  void anyCookieHeaderOrPathResolvesWithoutThrowingToALabelledBackend(
      @ForAll("noise") String cookie, @ForAll("noise") String path) {
    RequestContext request = JvmRouteAffinityTest.request(cookie, path);
    PoolSnapshot pool = upstream.snapshot();
    Binding binding = affinity.resolve(pool, request);
    if (binding.kind() != Binding.Kind.NONE) {
      assertThat(binding.kind()).isEqualTo(Binding.Kind.BOUND);
      String route = pool.backend(binding.index()).route();
      assertThat(route).isNotNull();
      assertThat(cookie + path).contains("." + route);
    }
    Decision d = lb.pick(request);
    lb.report(d, dev.lbkit.core.Outcome.COMPLETED);
    for (ResponseHeader h : d.responseHeaders()) {
      // The value is built from the backend's label, never from the request.
      assertThat(h.value()).matches("ROUTEID=\\.node[12]; Path=/; HttpOnly");
    }
  }

  @Property(tries = 200)
  void aSessionIdEndingInALabelReachesThatBackend(
      @ForAll("sessionIds") String id, @ForAll boolean inPath, @ForAll boolean upper) {
    String name = upper ? "JSESSIONID" : "jsessionid";
    RequestContext request =
        inPath
            ? JvmRouteAffinityTest.request(null, "/app;" + name + "=" + id + ".node2/x")
            : JvmRouteAffinityTest.request("a=b; " + name + "=" + id + ".node2", "/");
    Binding binding = affinity.resolve(upstream.snapshot(), request);
    assertThat(binding.kind()).isEqualTo(Binding.Kind.BOUND);
    assertThat(upstream.snapshot().backend(binding.index()).id()).isEqualTo("b");
  }

  @Provide
  Arbitrary<String> sessionIds() {
    return Arbitraries.strings().alpha().numeric().withChars('.', '-', '_', '!').ofMaxLength(40);
  }
}
