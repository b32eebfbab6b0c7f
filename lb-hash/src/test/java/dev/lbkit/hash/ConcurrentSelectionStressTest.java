package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers select from snapshots while a writer adds, removes and marks backends down: every pick is
 * an UP backend of the snapshot it was made from, and nothing throws. Bounded to about a second.
 */
class ConcurrentSelectionStressTest {
  @Test
  void selectorsReadSnapshotsWhileTheSetChanges() throws Exception {
    KeyExtractor key = KeyExtractor.header("K");
    HashOptions bounded = HashOptions.builder().boundedLoad(1.25).build();
    BackendKey shared = b -> b.id().startsWith("b1") ? "shared" : b.id(); // an nginx name group
    List<Selector> selectors =
        List.of(
            HashSelectors.ipHash(),
            HashSelectors.hash(key),
            HashSelectors.hashConsistent(key, HashOptions.builder().backendKey(shared).build()),
            HashSelectors.ketama(key),
            HashSelectors.ring(key, bounded),
            HashSelectors.maglev(key));
    Upstream upstream = Upstream.of("stress", RingsTest.backends(12));
    for (Selector s : selectors) {
      LoadBalancer.builder(upstream).selector(s).build();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong picks = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int seed = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  long k = seed;
                  while (System.nanoTime() < deadline) {
                    PoolSnapshot pool = upstream.snapshot();
                    String value = "k" + (k++ % 5000);
                    RequestContext request =
                        RequestContext.builder()
                            .clientAddress(
                                IpAddress.ofBytes(new byte[] {10, (byte) k, (byte) (k >> 8), 1}))
                            .headers(name -> value)
                            .build();
                    for (Selector s : selectors) {
                      int index = s.select(pool, request, pool.newPicks());
                      if (index != Selector.NONE) {
                        assertThat(pool.backend(index).state()).isEqualTo(BackendState.UP);
                      }
                      picks.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              }));
    }
    threads.add(
        new Thread(
            () -> {
              try {
                int round = 0;
                while (System.nanoTime() < deadline) {
                  round++;
                  upstream.add(Backend.of("x" + round, "10.9.0." + (round % 250 + 1), 80));
                  upstream.setState(
                      "b" + (round % 12 + 1), round % 2 == 0 ? BackendState.DOWN : BackendState.UP);
                  if (round > 3) {
                    upstream.remove("x" + (round - 3));
                  }
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            }));
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
    }
    assertThat(failure.get()).isNull();
    assertThat(picks.get()).isPositive();
  }
}
