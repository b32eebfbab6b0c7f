package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two threads pick, retry and report while a third keeps replacing the backend set, for a few
 * seconds, through every built-in method at once and one that keeps the running total of requests
 * in flight.
 */
class LoadBalancerStressTest {
  private static final long RUN_NANOS = Duration.ofSeconds(3).toNanos();

  @Test
  void picksStayInPublishedSnapshotsAndInFlightReturnsToZero() throws Exception {
    Set<Backend> published =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    Set<BackendStats> allStats =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    List<Backend> initial = generation(0);
    published.addAll(initial);
    Upstream upstream =
        Upstream.builder("stress")
            .backends(initial)
            .passiveHealth(PassiveHealth.of(3, Duration.ofMillis(50)))
            .build();
    List<LoadBalancer> balancers = new ArrayList<>();
    for (Selector selector :
        List.of(
            Selector.roundRobin(),
            Selector.leastConn(),
            Selector.random(),
            Selector.randomTwoLeastConn(),
            InFlightTotalTest.readingTotal(Selector.roundRobin()))) {
      balancers.add(LoadBalancer.builder(upstream).selector(selector).maxTries(3).build());
    }
    recordStats(upstream.snapshot(), allStats);

    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    AtomicLong picks = new AtomicLong();
    AtomicLong generations = new AtomicLong();
    long deadline = System.nanoTime() + RUN_NANOS;

    Runnable picker =
        () -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          int n = 0;
          while (System.nanoTime() < deadline) {
            LoadBalancer lb = balancers.get(n++ % balancers.size());
            Decision d = lb.pick(RequestContext.empty());
            while (d.hasBackend()) {
              picks.incrementAndGet();
              Backend backend = d.backend();
              if (!published.contains(backend) || !d.snapshot().contains(backend)) {
                violations.add(backend + " of " + d.snapshot());
              }
              if (backend.state() != BackendState.UP) {
                violations.add("picked " + backend);
              }
              int roll = random.nextInt(10);
              Outcome outcome =
                  roll == 0 ? Outcome.FAILURE : roll == 1 ? Outcome.COMPLETED : Outcome.SUCCESS;
              lb.report(d, outcome);
              if (outcome != Outcome.FAILURE) {
                break;
              }
              d = lb.retry(d);
            }
          }
        };
    Runnable writer =
        () -> {
          int g = 1;
          while (System.nanoTime() < deadline) {
            List<Backend> next = generation(g++);
            published.addAll(next); // before they can be picked
            upstream.replaceAll(next);
            recordStats(upstream.snapshot(), allStats);
            if (g % 3 == 0) {
              String id = next.get(0).id();
              Backend changed = upstream.snapshot().backend(0).withWeight(1 + g % 7);
              published.add(changed);
              upstream.update(id, b -> changed);
              recordStats(upstream.snapshot(), allStats);
            }
            generations.incrementAndGet();
            Thread.yield();
          }
        };

    List<Thread> threads = new ArrayList<>();
    // Thousands of published sets and passive-health changes are logged: kept off the console,
    // and checked to be what they claim, one line per change of the one upstream.
    try (CapturedLog log = CapturedLog.start()) {
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
      assertThat(log.records())
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.message()).startsWith("upstream stress: "))
          .noneMatch(e -> e.level().equals("ERROR"));
    }

    assertThat(errors).isEmpty();
    assertThat(violations).isEmpty();
    assertThat(picks.get()).isGreaterThan(1_000);
    assertThat(generations.get()).isGreaterThan(100);
    synchronized (allStats) {
      assertThat(allStats).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }
    // Through thousands of backend sets, every count of the running total met its release.
    assertThat(upstream.snapshot().inFlightTotal()).isZero();
  }

  /** A random subset of eight ids, fresh instances, random weights, some draining or down. */
  private static List<Backend> generation(int g) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      if (i > 0 && random.nextInt(4) == 0) {
        continue;
      }
      BackendState state =
          random.nextInt(6) == 0
              ? BackendState.DRAINING
              : random.nextInt(8) == 0 ? BackendState.DOWN : BackendState.UP;
      backends.add(
          Backend.of("s" + i, "10.9.0." + (i + 1), 8080)
              .withWeight(1 + random.nextInt(5))
              .withState(state)
              .withMaxConnections(random.nextInt(3) == 0 ? 2 : Backend.UNLIMITED)
              .withRoute(g % 2 == 0 ? "r" + i : null));
    }
    return backends;
  }

  private static void recordStats(PoolSnapshot snapshot, Set<BackendStats> allStats) {
    for (int i = 0; i < snapshot.size(); i++) {
      allStats.add(snapshot.stats(i));
    }
  }
}
