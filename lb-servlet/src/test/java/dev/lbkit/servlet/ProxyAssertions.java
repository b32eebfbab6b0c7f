package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;

final class ProxyAssertions {
  private ProxyAssertions() {}

  /**
   * Every request has been reported. The report runs when the asynchronous cycle completes, which
   * can be just after the client has read its answer, so this waits a little for it.
   */
  static void assertNothingInFlight(LoadBalancer lb) throws InterruptedException {
    PoolSnapshot pool = lb.upstream().snapshot();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline && totalInFlight(pool) != 0) {
      Thread.sleep(5);
    }
    assertThat(totalInFlight(pool)).as("requests in flight").isZero();
  }

  private static int totalInFlight(PoolSnapshot pool) {
    int total = 0;
    for (int i = 0; i < pool.size(); i++) {
      total += pool.inFlight(i);
    }
    return total;
  }
}
