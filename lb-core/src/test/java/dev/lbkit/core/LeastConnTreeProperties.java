package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * least_conn through its {@link LeastConnTree} (from {@value LeastConnTree#MIN_BACKENDS} backends
 * on) answers as the scan over every backend does: the same backend on every pick while every UP
 * backend can take one, and always a backend with the fewest requests in flight relative to weight
 * among those that can. After concurrent picks and reports settle, the tree's root is what a scan
 * finds.
 */
class LeastConnTreeProperties {

  private static List<Backend> backends(Random random, int n, boolean withStates) {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BackendState state = BackendState.UP;
      if (withStates && random.nextInt(5) == 0) {
        state = random.nextBoolean() ? BackendState.DRAINING : BackendState.DOWN;
      }
      backends.add(
          Backend.of("b" + i, "10.0.0." + (i + 1), 80)
              .withWeight(1 + random.nextInt(random.nextBoolean() ? 3 : 10))
              .withState(state));
    }
    return backends;
  }

  @Property(tries = 60)
  void picksWhatTheScanPicks(
      @ForAll @IntRange(min = 1, max = 120) int n, @ForAll boolean withStates, @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> backends = backends(random, n, withStates);
    LoadBalancer tree =
        LoadBalancer.builder(Upstream.of("tree", backends)).selector(Selector.leastConn()).build();
    LoadBalancer scan =
        LoadBalancer.builder(Upstream.of("scan", backends))
            .selector(new LeastConnSelector(true))
            .build();
    List<Decision> treeOpen = new ArrayList<>();
    List<Decision> scanOpen = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      if (treeOpen.isEmpty() || random.nextInt(100) < 60) {
        Decision a = tree.pick(RequestContext.empty());
        Decision b = scan.pick(RequestContext.empty());
        assertThat(a.hasBackend()).isEqualTo(b.hasBackend());
        if (!a.hasBackend()) {
          continue;
        }
        assertThat(a.backend().id()).as("step %s", step).isEqualTo(b.backend().id());
        treeOpen.add(a);
        scanOpen.add(b);
      } else {
        int i = random.nextInt(treeOpen.size());
        tree.report(treeOpen.remove(i), Outcome.SUCCESS);
        scan.report(scanOpen.remove(i), Outcome.SUCCESS);
      }
      if (random.nextInt(50) == 0) { // a reweighted set: a new snapshot and a new tree
        List<Backend> next = backends(random, n, withStates);
        tree.upstream().replaceAll(next);
        scan.upstream().replaceAll(next);
      }
    }
  }

  /**
   * Full backends (a connection limit), passive-health failures and retries keep some out: the pick
   * is still one of the least loaded that can take it.
   */
  @Property(tries = 60)
  void picksALeastLoadedEligibleBackend(
      @ForAll @IntRange(min = LeastConnTree.MIN_BACKENDS, max = 120) int n, @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> backends = new ArrayList<>();
    for (Backend b : backends(random, n, true)) {
      backends.add(random.nextInt(4) == 0 ? b.withMaxConnections(1 + random.nextInt(3)) : b);
    }
    Upstream upstream =
        Upstream.builder("u")
            .backends(backends)
            .passiveHealth(PassiveHealth.of(1, Duration.ofMinutes(10)))
            .build();
    LoadBalancer lb =
        LoadBalancer.builder(upstream).selector(Selector.leastConn()).maxTries(3).build();
    List<Decision> open = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      if (open.isEmpty() || random.nextInt(100) < 60) {
        PoolSnapshot pool = upstream.snapshot();
        long[] least = leastLoad(pool, pool.newPicks());
        Decision d = lb.pick(RequestContext.empty());
        assertLeastLoaded(pool, least, d, step);
        if (d.hasBackend() && random.nextInt(10) == 0) {
          lb.report(d, Outcome.FAILURE); // out for ten minutes
          Decision retry = lb.retry(d);
          if (retry.hasBackend()) {
            open.add(retry);
          }
        } else if (d.hasBackend()) {
          open.add(d);
        }
      } else {
        lb.report(open.remove(random.nextInt(open.size())), Outcome.SUCCESS);
      }
    }
  }

  /** The fewest in flight relative to weight among the eligible, as {conns, weight}, or null. */
  private static long @Nullable [] leastLoad(PoolSnapshot pool, Eligibility eligible) {
    long[] best = null;
    for (int i = 0; i < pool.size(); i++) {
      if (!eligible.isEligible(i)) {
        continue;
      }
      long conns = pool.inFlight(i);
      if (best == null || conns * best[1] < best[0] * pool.weight(i)) {
        best = new long[] {conns, pool.weight(i)};
      }
    }
    return best;
  }

  private static void assertLeastLoaded(
      PoolSnapshot pool, long @Nullable [] least, Decision d, int step) {
    if (least == null) {
      assertThat(d.hasBackend()).as("step %s: nothing eligible", step).isFalse();
      return;
    }
    assertThat(d.hasBackend()).as("step %s", step).isTrue();
    int chosen = pool.indexOf(d.backend().id());
    assertThat((pool.inFlight(chosen) - 1) * least[1]) // counted since the pick
        .as("step %s: %s", step, d.backend())
        .isEqualTo(least[0] * pool.weight(chosen));
  }

  @Test
  void afterConcurrentPicksSettleTheRootIsWhatAScanFinds() throws Exception {
    Random random = new Random(7);
    Upstream upstream = Upstream.of("u", backends(random, 64, true));
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.leastConn()).build();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    List<Thread> threads = new ArrayList<>();
    List<List<Decision>> kept = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<Decision> mine = new ArrayList<>();
      kept.add(mine);
      long threadSeed = t;
      Thread thread =
          new Thread(
              () -> {
                Random r = new Random(threadSeed);
                List<Decision> open = new ArrayList<>();
                try {
                  while (System.nanoTime() < deadline) {
                    if (open.isEmpty() || r.nextInt(100) < 55) {
                      open.add(lb.pick(RequestContext.empty()));
                    } else {
                      lb.report(open.remove(r.nextInt(open.size())), Outcome.SUCCESS);
                    }
                    while (open.size() > 200) {
                      lb.report(open.remove(0), Outcome.SUCCESS);
                    }
                  }
                  mine.addAll(open); // left in flight, so that the counts are uneven
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(errors).isEmpty();
    assertThat(kept.get(0).size() + kept.get(1).size()).isPositive();

    PoolSnapshot pool = upstream.snapshot();
    LeastConnTree tree = pool.precomputed(LeastConnSelector.TREE);
    long root = tree.root();
    int best = LeastConnTree.best(root);
    long bestConns = -1;
    long bestWeight = 1;
    int ties = 0;
    int first = -1;
    for (int i = 0; i < pool.size(); i++) {
      if (pool.backend(i).state() != BackendState.UP) {
        continue;
      }
      long conns = pool.inFlight(i);
      long cmp = bestConns < 0 ? -1 : conns * bestWeight - bestConns * pool.weight(i);
      if (cmp < 0) {
        bestConns = conns;
        bestWeight = pool.weight(i);
        ties = 1;
        first = i;
      } else if (cmp == 0) {
        ties++;
      }
    }
    assertThat(best).isEqualTo(first);
    assertThat(LeastConnTree.ties(root)).isEqualTo(ties);
  }
}
