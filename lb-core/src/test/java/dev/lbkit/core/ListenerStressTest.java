package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Three threads pick, retry and report (a fifth of requests fail, so passive health keeps taking
 * backends out and probing them) while a fourth keeps changing weights and states, for a few
 * seconds. Every decision and every report is heard exactly once, and each backend's health changes
 * are heard once each: taken out and recovered alternate, so their counts differ by the one change
 * still open at the end.
 */
class ListenerStressTest {
  private static final long RUN_NANOS = Duration.ofSeconds(3).toNanos();

  @Test
  void everyEventIsHeardExactlyOnce() throws Exception {
    LongAdder decisions = new LongAdder();
    LongAdder outcomes = new LongAdder();
    LongAdder timed = new LongAdder();
    LongAdder snapshots = new LongAdder();
    Map<String, Map<HealthChange.Kind, LongAdder>> health = new ConcurrentHashMap<>();
    AtomicLong lastVersion = new AtomicLong();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    UpstreamListener upstreamListener =
        new UpstreamListener() {
          @Override
          public void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {
            snapshots.increment();
            long expected = previous == null ? 1 : previous.version() + 1;
            if (current.version() != expected
                || lastVersion.getAndSet(current.version()) + 1 != current.version()) {
              violations.add("snapshot out of order: " + previous + " -> " + current);
            }
          }

          @Override
          public void onHealthChange(HealthChange change) {
            health
                .computeIfAbsent(change.backend().id(), id -> new ConcurrentHashMap<>())
                .computeIfAbsent(change.kind(), k -> new LongAdder())
                .increment();
          }
        };
    LoadBalancerListener lbListener =
        new LoadBalancerListener() {
          @Override
          public void onDecision(Decision decision) {
            decisions.increment();
          }

          @Override
          public void onOutcome(Decision decision, Outcome outcome, long durationNanos) {
            outcomes.increment();
            if (durationNanos != LoadBalancerListener.UNKNOWN_DURATION) {
              timed.increment();
            }
          }
        };
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      backends.add(Backend.of("s" + i, "10.9.0." + (i + 1), 8080));
    }
    Upstream upstream =
        Upstream.builder("stress")
            .backends(backends)
            .passiveHealth(PassiveHealth.of(2, Duration.ofMillis(2)))
            .listener(upstreamListener)
            .build();
    DecisionCounters counters = DecisionCounters.of(upstream);
    List<LoadBalancer> balancers = new ArrayList<>();
    for (Selector selector :
        List.of(Selector.roundRobin(), Selector.leastConn(), Selector.random())) {
      balancers.add(
          LoadBalancer.builder(upstream)
              .selector(selector)
              .affinity(TestAffinity.lenient())
              .listener(lbListener)
              .listener(counters)
              .build());
    }

    LongAdder picked = new LongAdder();
    LongAdder reported = new LongAdder();
    LongAdder reportedTimed = new LongAdder();
    long deadline = System.nanoTime() + RUN_NANOS;
    Runnable picker =
        () -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          int n = 0;
          while (System.nanoTime() < deadline) {
            LoadBalancer lb = balancers.get(n++ % balancers.size());
            String session = random.nextBoolean() ? null : "s" + random.nextInt(7);
            Decision d = lb.pick(TestAffinity.requestFor(session));
            picked.increment();
            while (d.hasBackend()) {
              Outcome outcome = random.nextInt(5) == 0 ? Outcome.FAILURE : Outcome.SUCCESS;
              if (random.nextBoolean()) {
                d.report(outcome, 1 + random.nextInt(1000));
                reportedTimed.increment();
              } else {
                d.report(outcome);
              }
              d.report(Outcome.SUCCESS); // a second report counts for nothing
              reported.increment();
              if (outcome == Outcome.SUCCESS) {
                break;
              }
              d = d.retry();
              picked.increment();
            }
          }
        };
    Runnable writer =
        () -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          while (System.nanoTime() < deadline) {
            String id = "s" + random.nextInt(6);
            if (random.nextInt(4) == 0) {
              upstream.setState(id, random.nextBoolean() ? BackendState.DRAINING : BackendState.UP);
            } else {
              upstream.setWeight(id, 1 + random.nextInt(5));
            }
            Thread.yield();
          }
        };

    List<Thread> threads = new ArrayList<>();
    try (CapturedLog log = CapturedLog.start()) {
      for (Runnable r : List.of(picker, picker, picker, writer)) {
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
      assertThat(log.records()).noneMatch(e -> e.level().equals("ERROR"));
    }

    assertThat(errors).isEmpty();
    assertThat(violations).isEmpty();
    assertThat(decisions.sum()).isEqualTo(picked.sum()).isGreaterThan(1_000);
    assertThat(outcomes.sum()).isEqualTo(reported.sum());
    assertThat(timed.sum()).isEqualTo(reportedTimed.sum());
    long counted = 0;
    for (long c : counters.counts().values()) {
      counted += c;
    }
    assertThat(counted).as("decision counters lose nothing").isEqualTo(picked.sum());
    long withBackend = 0;
    for (Backend b : upstream.snapshot().backends()) {
      for (long c : counters.counts(b.id()).values()) {
        withBackend += c;
      }
    }
    long withoutBackend =
        counters.count(Decision.Reason.NO_BACKEND)
            + counters.count(Decision.Reason.TRIES_EXHAUSTED)
            + counters.count(Decision.Reason.REFUSED_UNAVAILABLE);
    assertThat(withBackend + withoutBackend).isEqualTo(picked.sum());
    assertThat(snapshots.sum()).isEqualTo(upstream.snapshot().version());
    PoolSnapshot pool = upstream.snapshot();
    long takenOut = 0;
    for (int i = 0; i < pool.size(); i++) {
      Map<HealthChange.Kind, LongAdder> kinds = health.getOrDefault(pool.backend(i).id(), Map.of());
      long out = count(kinds, HealthChange.Kind.TAKEN_OUT);
      long recovered = count(kinds, HealthChange.Kind.RECOVERED);
      takenOut += out;
      assertThat(out - recovered)
          .as("%s: taken out %s, recovered %s", pool.backend(i).id(), out, recovered)
          .isEqualTo(pool.stats(i).isHealthy() ? 0 : 1);
      assertThat(pool.inFlight(i)).isZero();
    }
    assertThat(takenOut).as("passive health was exercised").isGreaterThan(10);
  }

  private static long count(Map<HealthChange.Kind, LongAdder> kinds, HealthChange.Kind kind) {
    LongAdder adder = kinds.get(kind);
    return adder == null ? 0 : adder.sum();
  }
}
