package dev.lbkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Two threads pick and report while a third changes states and weights, for two seconds: the meters
 * are created lazily by whichever thread comes first, and no decision or outcome is lost.
 */
class UpstreamMetricsStressTest {
  @Test
  void concurrentPicksLoseNoCount() throws Exception {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      backends.add(Backend.of("s" + i, "10.9.0." + (i + 1), 8080));
    }
    Upstream upstream =
        Upstream.builder("stress")
            .backends(backends)
            .passiveHealth(PassiveHealth.of(2, Duration.ofMillis(2)))
            .build();
    UpstreamMetrics metrics = UpstreamMetrics.of(upstream);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    LoadBalancer lb = LoadBalancer.builder(upstream).listener(metrics).build();

    LongAdder decisions = new LongAdder();
    LongAdder outcomes = new LongAdder();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    Runnable picker =
        () -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          while (System.nanoTime() < deadline) {
            Decision d = lb.pick(RequestContext.empty());
            decisions.increment();
            if (d.hasBackend()) {
              d.report(random.nextInt(5) == 0 ? Outcome.FAILURE : Outcome.SUCCESS, 1_000);
              outcomes.increment();
            }
          }
        };
    Runnable writer =
        () -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          while (System.nanoTime() < deadline) {
            String id = "s" + random.nextInt(5);
            if (random.nextBoolean()) {
              upstream.setWeight(id, 1 + random.nextInt(4));
            } else {
              upstream.setState(
                  id, random.nextInt(3) == 0 ? BackendState.DRAINING : BackendState.UP);
            }
            Thread.yield();
          }
        };
    List<Thread> threads = new ArrayList<>();
    for (Runnable r : List.of(picker, picker, writer)) {
      Thread t =
          new Thread(
              () -> {
                try {
                  r.run();
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30).toMillis());
      assertThat(t.isAlive()).isFalse();
    }

    assertThat(errors).isEmpty();
    assertThat(decisions.sum()).isGreaterThan(1_000);
    assertThat(sum(registry.find(UpstreamMetrics.DECISIONS).counters())).isEqualTo(decisions.sum());
    assertThat(sum(registry.find(UpstreamMetrics.OUTCOMES).counters())).isEqualTo(outcomes.sum());
    long timed = 0;
    for (var timer : registry.find(UpstreamMetrics.REQUESTS).timers()) {
      timed += timer.count();
    }
    assertThat(timed).isEqualTo(outcomes.sum());
    for (Backend b : upstream.snapshot().backends()) {
      assertThat(registry.get(UpstreamMetrics.IN_FLIGHT).tag("backend", b.id()).gauge().value())
          .isZero();
    }
  }

  private static long sum(java.util.Collection<Counter> counters) {
    double total = 0;
    for (Counter c : counters) {
      total += c.count();
    }
    return (long) total;
  }
}
