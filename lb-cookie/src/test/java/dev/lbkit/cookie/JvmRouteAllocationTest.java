package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What resolving a route allocates, counted by the JVM per thread (bytes, not time: speed is
 * measured by JMH in lb-benchmarks): nothing. The cookie header is scanned in place, the route is
 * looked up by its characters, and the bindings are built once per snapshot.
 */
class JvmRouteAllocationTest {
  private static final int WARMUP = 50_000;
  private static final int MEASURED = 20_000;

  private final Upstream upstream =
      Upstream.of(
          "app",
          Backend.of("a", "10.0.0.5", 8080).withRoute("node1"),
          Backend.of("b", "10.0.0.6", 8080).withRoute("node2"),
          Backend.of("c", "10.0.0.7", 8080).withRoute("node3"));
  private final JvmRouteAffinity affinity =
      JvmRouteAffinity.builder().routeCookie("ROUTEID").build();

  {
    LoadBalancer.builder(upstream).affinity(affinity).build(); // registers the route table
  }

  @Test
  void aRouteInTheCookieAllocatesNothing() {
    RequestContext request =
        JvmRouteAffinityTest.cookie(sixCookies("JSESSIONID=8F3A21C1B5E0D4A7C2.node2"));
    assertThat(bytesPerResolve(request, "b")).isLessThan(8);
  }

  @Test
  void aRouteInThePathAllocatesNothing() {
    RequestContext request =
        JvmRouteAffinityTest.request(
            sixCookies("x=y"), "/shop/cart;jsessionid=8F3A21C1B5E0D4.node3");
    assertThat(bytesPerResolve(request, "c")).isLessThan(8);
  }

  @Test
  void anUnknownRouteAllocatesNothing() {
    RequestContext request = JvmRouteAffinityTest.cookie(sixCookies("JSESSIONID=8F3A21C1.node9"));
    assertThat(bytesPerResolve(request, null)).isLessThan(8);
  }

  /** A realistic browser Cookie header: analytics, preferences, CSRF, and the session. */
  private static String sixCookies(String session) {
    return "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; theme=dark; "
        + "csrftoken=Zx8kq3PLmN0vR2tY7wQ1; lang=en-GB; "
        + session;
  }

  private double bytesPerResolve(RequestContext request, String expectedId) {
    PoolSnapshot pool = upstream.snapshot();
    Binding first = affinity.resolve(pool, request);
    if (expectedId == null) {
      assertThat(first.kind()).isEqualTo(Binding.Kind.NONE);
    } else {
      assertThat(pool.backend(first.index()).id()).isEqualTo(expectedId);
    }
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation counting");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    long sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += affinity.resolve(pool, request).index();
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < MEASURED; i++) {
      sink += affinity.resolve(pool, request).index();
    }
    long after = threads.getThreadAllocatedBytes(id);
    assertThat(sink).isNotEqualTo(Long.MIN_VALUE);
    return (after - before) / (double) MEASURED;
  }
}
