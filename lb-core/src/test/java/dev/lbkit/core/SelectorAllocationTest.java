package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The built-in methods allocate nothing per pick. Counted with the JVM's per-thread allocation
 * counter: one object per pick would be megabytes over the loop, so the bound below separates
 * "nothing" from "something" without any timing. (Speed is measured with JMH, not here.)
 */
class SelectorAllocationTest {
  private static final int PICKS = 200_000;

  enum Case {
    ROUND_ROBIN,
    ROUND_ROBIN_LIVE,
    LEAST_CONN,
    LEAST_CONN_LIVE,
    RANDOM,
    RANDOM_TWO_LEAST_CONN
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void selectAllocatesNothing(Case c) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

    boolean live = c == Case.ROUND_ROBIN_LIVE || c == Case.LEAST_CONN_LIVE;
    List<Backend> backends = new ArrayList<>();
    int count = live ? 120 : 5;
    for (int i = 0; i < count; i++) {
      // Consecutive weights from 9000 make a period too long to precompute.
      int weight = live ? 9_000 + i : 1 + i;
      backends.add(Backend.of("b" + i, "10.0.0.1", 8000 + i).withWeight(weight));
    }
    backends.set(1, backends.get(1).withState(BackendState.DRAINING));
    Selector selector;
    switch (c) {
      case ROUND_ROBIN:
      case ROUND_ROBIN_LIVE:
        selector = Selector.roundRobin();
        break;
      case LEAST_CONN:
      case LEAST_CONN_LIVE:
        selector = Selector.leastConn();
        break;
      case RANDOM:
        selector = Selector.random();
        break;
      default:
        selector = Selector.randomTwoLeastConn();
    }
    Upstream upstream = Upstream.of("u", backends);
    LoadBalancer.builder(upstream).selector(selector).build();
    PoolSnapshot pool = upstream.snapshot();
    pool.stats(2).acquire(); // some load, so least_conn has ties and non-ties
    RequestContext request = RequestContext.empty();
    Eligibility eligible = pool.newPicks();

    long sink = 0;
    for (int i = 0; i < PICKS; i++) { // warm-up, class loading, lambda linkage
      sink += selector.select(pool, request, eligible);
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < PICKS; i++) {
      sink += selector.select(pool, request, eligible);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by %s picks", PICKS).isLessThan(16 * 1024);
  }
}
