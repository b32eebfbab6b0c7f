package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.List;

/** A selector over a real upstream, with its precomputations registered. */
final class Fixture {
  final Selector selector;
  final Upstream upstream;
  final LoadBalancer balancer;

  private Fixture(Selector selector, Upstream upstream) {
    this.selector = selector;
    this.upstream = upstream;
    this.balancer = LoadBalancer.builder(upstream).selector(selector).build();
  }

  static Fixture of(Selector selector, List<Backend> backends) {
    return new Fixture(selector, Upstream.of("test", backends));
  }

  PoolSnapshot pool() {
    return upstream.snapshot();
  }

  int select(RequestContext request, Eligibility eligible) {
    return selector.select(pool(), request, eligible);
  }

  int select(RequestContext request) {
    PoolSnapshot pool = pool();
    return selector.select(pool, request, pool.newPicks());
  }

  /** The id of the backend picked for {@code request}, or "none". */
  String pick(RequestContext request) {
    int index = select(request);
    return index < 0 ? "none" : pool().backend(index).id();
  }

  static RequestContext header(String name, String value) {
    return RequestContext.builder().headers(n -> n.equals(name) ? value : null).build();
  }
}
