package dev.lbkit.benchmarks;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Picks from one {@link LoadBalancer} shared by every benchmark thread, as a gateway's worker
 * threads share it: round robin (one shared counter and per-backend in-flight counts) and a sticky
 * cookie hit (the same counts, no counter). Run with {@code -t 1} and {@code -t 2}: the time per
 * operation is per thread, so equal numbers mean no contention cliff, and a rise is what the shared
 * counters cost when two cores write them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class ContendedPickBenchmark {
  static final int SESSIONS = 1024;
  static final String SECRET = "lbkit-benchmark-secret-0123456789";

  /** What all threads share: the upstream and its two load balancers. */
  @State(Scope.Benchmark)
  public static class Shared {
    LoadBalancer roundRobin;
    LoadBalancer sticky;
    final RequestContext[] sessions = new RequestContext[SESSIONS];

    @Setup
    public void setUp() {
      Upstream upstream = Fixtures.upstream(10);
      roundRobin = LoadBalancer.builder(upstream).selector(Selector.roundRobin()).build();
      sticky =
          LoadBalancer.builder(upstream)
              .affinity(SessionPersistence.cookie("srv_id").secrets(SECRET).build().toAffinity())
              .build();
      for (int i = 0; i < SESSIONS; i++) {
        Decision d = sticky.pick(RequestContext.empty());
        sticky.report(d, Outcome.SUCCESS);
        String cookie = null;
        for (ResponseHeader h : d.responseHeaders()) {
          if (h.name().equalsIgnoreCase("Set-Cookie")) {
            cookie = h.value().substring(0, h.value().indexOf(';'));
          }
        }
        if (cookie == null) {
          throw new IllegalStateException("no Set-Cookie in " + d.responseHeaders());
        }
        String header = "locale=en-US; " + cookie + "; theme=dark";
        sessions[i] =
            RequestContext.builder()
                .headers(n -> n.equalsIgnoreCase("Cookie") ? header : null)
                .build();
        Decision hit = sticky.pick(sessions[i]);
        sticky.report(hit, Outcome.SUCCESS);
        if (hit.reason() != Decision.Reason.STICKY_HIT) {
          throw new IllegalStateException("not a sticky hit: " + hit.reason());
        }
      }
    }
  }

  /** Each thread's own place in the sessions, so that threads share the balancer only. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public Decision roundRobin(Shared shared) {
    Decision d = shared.roundRobin.pick(RequestContext.empty());
    shared.roundRobin.report(d, Outcome.SUCCESS);
    return d;
  }

  @Benchmark
  public Decision stickyHit(Shared shared, Cursor cursor) {
    LoadBalancer lb = shared.sticky;
    Decision d = lb.pick(shared.sessions[cursor.next++ & (SESSIONS - 1)]);
    lb.report(d, Outcome.SUCCESS);
    return d;
  }
}
