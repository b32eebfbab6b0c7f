package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.Test;

/**
 * Concurrent requests through the filter and the proxy while a backend is stopped and started
 * again: every request is reported exactly once, so the in-flight counts return to zero, and every
 * answer is a backend's (200) or the proxy's 502. Bounded to about two seconds.
 */
class InFlightStressTest {
  @Test
  void inFlightCountsStayTrueUnderConcurrencyAndFailures() throws Exception {
    HelloBackend one = HelloBackend.start("s-1");
    HelloBackend two = HelloBackend.start("s-2");
    HelloBackend three = HelloBackend.start("s-3");
    // Passive health off, so that the stopped backend keeps being picked and retried.
    LoadBalancer lb =
        LoadBalancer.builder(
                Upstream.builder("stress")
                    .backends(one.backend(), two.backend(), three.backend())
                    .passiveHealth(PassiveHealth.disabled())
                    .build())
            .selector(Selector.leastConn())
            .build();
    Gateway gateway =
        Gateway.start(
            context -> {
              FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb).build());
              filter.setAsyncSupported(true);
              context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
              ServletHolder proxy = new ServletHolder(new LoadBalancingProxyServlet());
              proxy.setAsyncSupported(true);
              context.addServlet(proxy, "/*");
            });
    ExecutorService clients = Executors.newFixedThreadPool(8);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger requests = new AtomicInteger();
    ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            clients.submit(
                () -> {
                  while (running.get()) {
                    HttpResponse<String> response =
                        t(() -> Http.post(gateway.uri("/stress"), "payload"));
                    statuses
                        .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                        .incrementAndGet();
                    requests.incrementAndGet();
                  }
                  return null;
                }));
      }
      long end = System.nanoTime() + Duration.ofMillis(1800).toNanos();
      boolean stopped = false;
      while (System.nanoTime() < end) {
        Thread.sleep(150);
        if (stopped) {
          two.restart();
        } else {
          two.stop();
        }
        stopped = !stopped;
      }
      running.set(false);
      for (Future<?> f : futures) {
        f.get(20, TimeUnit.SECONDS); // rethrows what a client thread threw
      }
      clients.shutdown();
      assertThat(clients.awaitTermination(10, TimeUnit.SECONDS))
          .as("client threads ended")
          .isTrue();
    } finally {
      clients.shutdownNow();
      gateway.close();
      one.close();
      two.close();
      three.close();
    }
    assertThat(requests.get()).isGreaterThan(50);
    assertThat(statuses.keySet()).isSubsetOf(200, 502);
    // Connection failures are retried on another backend: nearly everything succeeds.
    assertThat(statuses.get(200).get()).isGreaterThan(requests.get() * 9 / 10);
    ProxyAssertions.assertNothingInFlight(lb);
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T t(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
