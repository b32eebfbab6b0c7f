package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Weights change while requests are split: sessions never move and nothing is lost. */
class TrafficSplitStressTest {

  /** The split member that took the request, or null. */
  private static String member(Decision d) {
    return d.members().isEmpty() ? null : d.members().get(0);
  }

  @Test
  void weightChangesNeverMoveASessionOrLeakInFlightCounts() throws Exception {
    Upstream stable =
        Upstream.of(
            "stable",
            Backend.of("s1", "10.0.0.1", 8080).withRoute("s1"),
            Backend.of("s2", "10.0.0.2", 8080).withRoute("s2"));
    Upstream canary = Upstream.of("canary", Backend.of("c1", "10.0.1.1", 8080).withRoute("c1"));
    TrafficSplit split =
        TrafficSplit.builder()
            .member("stable", route(stable), 50)
            .member("canary", route(canary), 50)
            .build();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong picks = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      threads.add(
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    Decision fresh = split.pick(JvmRouteAffinityTest.cookie(null));
                    fresh.report(Outcome.SUCCESS);
                    if (fresh.hasBackend()) {
                      String route = fresh.backend().route();
                      Decision again = split.pick(JvmRouteAffinityTest.cookie("ROUTEID=." + route));
                      again.report(Outcome.SUCCESS);
                      if (!fresh.backend().equals(again.backend())) {
                        throw new AssertionError(fresh + " then " + again);
                      }
                    }
                    picks.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
    }
    threads.add(
        new Thread(
            () -> {
              try {
                int i = 0;
                while (!stop.get()) {
                  split.setWeight("canary", i % 3 == 0 ? 0 : 50);
                  split.setWeight("stable", i % 5 == 0 ? 0 : 50);
                  i++;
                  Thread.onSpinWait();
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            }));
    threads.forEach(Thread::start);
    Thread.sleep(1_500);
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(10_000);
      assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
    }
    assertThat(failures).isEmpty();
    assertThat(picks.get()).isPositive();
    for (Upstream u : List.of(stable, canary)) {
      PoolSnapshot pool = u.snapshot();
      for (int i = 0; i < pool.size(); i++) {
        assertThat(pool.inFlight(i)).as(pool.backend(i).id()).isZero();
      }
    }
  }

  private static LoadBalancer route(Upstream upstream) {
    return LoadBalancer.builder(upstream)
        .affinity(JvmRouteAffinity.builder().routeCookie("ROUTEID").build())
        .build();
  }
}
