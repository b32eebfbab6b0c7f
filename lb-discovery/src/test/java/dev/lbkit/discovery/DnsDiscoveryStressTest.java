package dev.lbkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A load balancer picks on three threads while the DNS server's answers change every few
 * milliseconds and the discovery re-resolves in the background, draining what vanishes: about a
 * second and a half. No pick fails, no pick finds the upstream empty (additions come before
 * removals), and every picked backend is one of the addresses the server has answered.
 */
class DnsDiscoveryStressTest {
  @Test
  void picksNeverFailWhileTheAnswersChange() throws Exception {
    Upstream upstream = Upstream.of("tea", List.of());
    LoadBalancer lb = LoadBalancer.of(upstream);
    Set<String> served = ConcurrentHashMap.newKeySet();
    try (TestDnsServer dns = TestDnsServer.start();
        DnsDiscovery discovery =
            DnsDiscovery.forHost(upstream, "tea.test", 8080)
                .servers(dns.address())
                .families(IpFamily.IPV4)
                .ttlFloor(Duration.ofMillis(5))
                .drainGrace(Duration.ofMillis(20))
                .build()) {
      serve(dns, served, List.of("10.0.0.1", "10.0.0.2"));
      assertThat(discovery.refresh()).isTrue();
      discovery.start();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong picks = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      threads.add(
          new Thread(
              () -> {
                try {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    List<String> next = new ArrayList<>();
                    for (int i = 1; i <= 8; i++) {
                      if (random.nextInt(3) == 0) {
                        next.add("10.0.0." + i);
                      }
                    }
                    if (next.isEmpty()) {
                      next.add("10.0.0." + (1 + random.nextInt(8)));
                    }
                    serve(dns, served, next);
                    Thread.sleep(random.nextInt(1, 8));
                  }
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                }
              }));
      for (int t = 0; t < 3; t++) {
        threads.add(
            new Thread(
                () -> {
                  try {
                    while (!stop.get()) {
                      Decision d = lb.pick(RequestContext.empty());
                      assertThat(d.hasBackend()).as("%s", d).isTrue();
                      assertThat(served).contains(d.backend().id());
                      d.report(Outcome.SUCCESS);
                      picks.incrementAndGet();
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      Thread.sleep(1500);
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
      }
      assertThat(failure.get()).isNull();
      assertThat(picks.get()).isPositive();
      assertThat(dns.udpQueries.get()).as("re-resolved in the background").isGreaterThan(10);

      serve(dns, served, List.of("10.0.0.7"));
      assertThat(discovery.refresh()).isTrue();
      DnsDiscoveryTest.awaitTrue(
          () -> {
            List<Backend> backends = upstream.snapshot().backends();
            return backends.size() == 1 && backends.get(0).id().equals("tea.test@10.0.0.7:8080");
          });
      assertThat(discovery.consecutiveFailures()).isZero();
    }
  }

  /** Records the ids before the server answers with them, so a picker never sees one unknown. */
  private static void serve(TestDnsServer dns, Set<String> served, List<String> addresses) {
    for (String a : addresses) {
      served.add("tea.test@" + a + ":8080");
    }
    dns.a("tea.test", 0, addresses.toArray(new String[0]));
  }
}
