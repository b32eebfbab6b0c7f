package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Simulations of requests arriving and completing, half of them for one hot key. With bounded load
 * on, a backend is never given a request that takes it beyond {@code ceil(c x average) + 1}, and
 * while requests only arrive no backend ever exceeds it. (Completions elsewhere can lower the
 * average below what a backend already holds; bounded load then sends it nothing new until its own
 * requests complete, which is Mirrokni et al.'s and HAProxy's behaviour too.)
 */
class BoundedLoadProperties {
  enum Method {
    NGINX(HashSelectors::hashConsistent),
    KETAMA(HashSelectors::ketama),
    RING(HashSelectors::ring),
    MAGLEV(HashSelectors::maglev);

    final BiFunction<KeyExtractor, HashOptions, Selector> factory;

    Method(BiFunction<KeyExtractor, HashOptions, Selector> factory) {
      this.factory = factory;
    }
  }

  @Property(tries = 40)
  void noBackendExceedsTheBound(
      @ForAll Method method,
      @ForAll @IntRange(min = 2, max = 20) int n,
      @ForAll @DoubleRange(min = 1.0, max = 3.0) double factor,
      @ForAll boolean weighted,
      @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      backends.add(
          Backend.of("b" + i, "10.0.0." + (i + 1), 80).withWeight(weighted ? 1 + i % 3 : 1));
    }
    long totalWeight = backends.stream().mapToLong(Backend::weight).sum();
    Upstream upstream = Upstream.of("sim", backends);
    Selector selector =
        method.factory.apply(
            KeyExtractor.header("K"), HashOptions.builder().boundedLoad(factor).build());
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(selector).build();
    List<Decision> inFlight = new ArrayList<>();
    for (int step = 0; step < 3000; step++) {
      boolean arrive = step < 300 || inFlight.isEmpty() || random.nextInt(100) < 55;
      if (arrive) {
        String key = random.nextBoolean() ? "hot" : "k" + random.nextInt(50);
        Decision d = lb.pick(Fixture.header("K", key));
        assertThat(d.hasBackend()).isTrue();
        inFlight.add(d);
      } else {
        lb.report(inFlight.remove(random.nextInt(inFlight.size())), Outcome.SUCCESS);
      }
      PoolSnapshot pool = upstream.snapshot();
      long total = 0;
      for (int i = 0; i < n; i++) {
        total += pool.inFlight(i);
      }
      assertThat(total).isEqualTo(inFlight.size());
      assertThat(pool.inFlightTotal()).isEqualTo(total); // the running total the bound reads
      if (arrive) {
        int picked =
            inFlight
                .get(inFlight.size() - 1)
                .snapshot()
                .indexOf(inFlight.get(inFlight.size() - 1).backend().id());
        assertBound(method, step, pool, backends, picked, total, totalWeight, factor);
      }
      if (step < 300) { // requests only arrive here: every backend stays within the bound
        for (int i = 0; i < n; i++) {
          assertBound(method, step, pool, backends, i, total, totalWeight, factor);
        }
      }
    }
  }

  private static void assertBound(
      Method method,
      int step,
      PoolSnapshot pool,
      List<Backend> backends,
      int i,
      long total,
      long totalWeight,
      double factor) {
    double fair = (double) total * backends.get(i).weight() / totalWeight;
    assertThat((double) pool.inFlight(i))
        .as("%s, step %s, backend %s of %s in flight", method, step, i, total)
        .isLessThanOrEqualTo(Math.ceil(factor * fair - 1e-9) + 1);
  }

  @Property(tries = 10)
  void withoutBoundedLoadTheHotKeyPilesUp(@ForAll Method method, @ForAll long seed) {
    Upstream upstream = Upstream.of("sim", RingsTest.backends(8));
    LoadBalancer lb =
        LoadBalancer.builder(upstream)
            .selector(method.factory.apply(KeyExtractor.header("K"), HashOptions.ofDefaults()))
            .build();
    for (int i = 0; i < 100; i++) {
      lb.pick(Fixture.header("K", "hot"));
    }
    PoolSnapshot pool = upstream.snapshot();
    int max = 0;
    for (int i = 0; i < pool.size(); i++) {
      max = Math.max(max, pool.inFlight(i));
    }
    assertThat(max).isEqualTo(100); // the control: the bound above is what spreads them
  }

  @Property(tries = 10)
  void withBoundedLoadTheHotKeySpreads(@ForAll Method method) {
    Upstream upstream = Upstream.of("sim", RingsTest.backends(8));
    LoadBalancer lb =
        LoadBalancer.builder(upstream)
            .selector(
                method.factory.apply(
                    KeyExtractor.header("K"), HashOptions.builder().boundedLoad(1.25).build()))
            .build();
    for (int i = 0; i < 100; i++) {
      lb.pick(Fixture.header("K", "hot"));
    }
    PoolSnapshot pool = upstream.snapshot();
    for (int i = 0; i < pool.size(); i++) {
      assertThat(pool.inFlight(i)).isLessThanOrEqualTo((int) Math.ceil(1.25 * 100 / 8));
    }
  }
}
