package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookiePair;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Persistent sessions stay put while other backends come, go, drain and fail, with picks on several
 * threads and the upstream changing underneath: a bounded run of about a second each.
 */
class StickySessionStressTest {
  @Test
  void persistentSessionsOfStableBackendsNeverMoveWhileOthersChurn() throws Exception {
    churn(SessionPersistence.DEFAULT_VERIFIED_TOKEN_CACHE);
  }

  /**
   * Four slots for 60 sessions: the threads displace each other's remembered tokens all the time,
   * and a token (with the binding it brings) never answers for another session.
   */
  @Test
  void sessionsSharingTheSlotsOfATinyCacheKeepTheirBackends() throws Exception {
    churn(4);
  }

  private static void churn(int verifiedTokenCache) throws Exception {
    Upstream up = Upstream.of("up", stable(0), stable(1), stable(2));
    LoadBalancer lb =
        LoadBalancer.builder(up)
            .affinity(
                SessionPersistence.cookie("srv_id")
                    .secrets(SECRET)
                    .verifiedTokenCache(verifiedTokenCache)
                    .build()
                    .toAffinity())
            .build();
    Map<String, String> sessions = new ConcurrentHashMap<>();
    for (int i = 0; i < 60; i++) {
      Decision d = lb.pick(withCookies(null));
      lb.report(d, Outcome.SUCCESS);
      sessions.put(cookiePair(d), d.backend().id());
    }
    List<String> cookies = new ArrayList<>(sessions.keySet());

    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong picks = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                  String churn = "churn-" + random.nextInt(4);
                  switch (random.nextInt(4)) {
                    case 0:
                      up.add(Backend.of(churn, "10.1.0." + (1 + random.nextInt(4)), 8080));
                      break;
                    case 1:
                      up.remove(churn);
                      break;
                    case 2:
                      up.setState(churn, BackendState.DRAINING);
                      break;
                    default:
                      up.setState(churn, BackendState.DOWN);
                      break;
                  }
                }
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              }
            });
    threads.add(writer);
    for (int t = 0; t < 3; t++) {
      threads.add(
          new Thread(
              () -> {
                try {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    String cookie = cookies.get(random.nextInt(cookies.size()));
                    Decision d = lb.pick(withCookies(cookie));
                    lb.report(d, Outcome.SUCCESS);
                    assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
                    assertThat(d.backend().id()).isEqualTo(sessions.get(cookie));
                    Decision fresh = lb.pick(withCookies(null));
                    lb.report(fresh, Outcome.SUCCESS);
                    assertThat(fresh.hasBackend()).isTrue();
                    assertThat(fresh.responseHeaders()).hasSize(1);
                    picks.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              }));
    }
    threads.forEach(Thread::start);
    Thread.sleep(1000);
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
    }
    assertThat(failure.get()).isNull();
    assertThat(picks.get()).isPositive();
  }

  private static Backend stable(int i) {
    return Backend.of("stable-" + i, "10.0.0." + (i + 1), 8080);
  }
}
