package dev.lbkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.LearnedSessions;
import dev.lbkit.cookie.SessionTable;
import dev.lbkit.cookie.StickTable;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session tables on a real Redis: replicas share them, a restart keeps them, an outage answers
 * every request and writes back what was learned, a slow Redis is bounded by the timeout.
 */
class RedisSessionStoreTest {
  private RedisServer redis;

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  private static Upstream shop() {
    return Upstream.of(
        "shop",
        Backend.of("shop-1", "10.0.0.1", 8080),
        Backend.of("shop-2", "10.0.0.2", 8080),
        Backend.of("shop-3", "10.0.0.3", 8080));
  }

  /** A gateway replica: its own store (connection, near-cache) and load balancer. */
  private static LoadBalancer replica(RedisSessionStore store) {
    return LoadBalancer.builder(shop())
        .affinity(
            LearnedSessions.createCookie("JSESSIONID")
                .table(store.table("shop"))
                .timeout(Duration.ofHours(1))
                .toAffinity())
        .build();
  }

  private static RequestContext withSession(String id) {
    return RequestContext.builder()
        .headers(n -> n.equalsIgnoreCase("Cookie") ? "JSESSIONID=" + id : null)
        .build();
  }

  private static HeaderSource issues(String id) {
    return n -> n.equalsIgnoreCase("Set-Cookie") ? "JSESSIONID=" + id + "; Path=/" : null;
  }

  /** A first request whose backend issues {@code id}; returns the backend. */
  private static String learn(LoadBalancer lb, String id) {
    Decision d = lb.pick(RequestContext.empty());
    d.learn(issues(id));
    lb.report(d, Outcome.SUCCESS);
    return d.backend().id();
  }

  private static String pick(LoadBalancer lb, RequestContext r) {
    Decision d = lb.pick(r);
    lb.report(d, Outcome.SUCCESS);
    return d.backend().id();
  }

  @Test
  void replicasShareSessionsAndARestartLosesNone() throws Exception {
    Map<String, String> learned = new LinkedHashMap<>();
    try (RedisSessionStore a = RedisSessionStore.builder(redis.uri()).build();
        RedisSessionStore b = RedisSessionStore.builder(redis.uri()).build()) {
      LoadBalancer onA = replica(a);
      LoadBalancer onB = replica(b);
      for (int i = 0; i < 12; i++) {
        learned.put("s" + i, learn(onA, "s" + i));
      }
      assertThat(learned.values()).contains("shop-1", "shop-2", "shop-3");
      awaitWritten(b.table("shop"), learned);
      learned.forEach(
          (id, backend) -> assertThat(pick(onB, withSession(id))).as(id).isEqualTo(backend));
    }
    // Both replicas restarted: a new connection and an empty near-cache; Redis still has them.
    try (RedisSessionStore restarted = RedisSessionStore.builder(redis.uri()).build()) {
      LoadBalancer lb = replica(restarted);
      learned.forEach((id, backend) -> assertThat(pick(lb, withSession(id))).isEqualTo(backend));
    }
  }

  @Test
  void anOutageAnswersEveryRequestWarnsOnceAndWritesBackWhatWasLearned() throws Exception {
    try (RedisSessionStore store =
        RedisSessionStore.builder(redis.uri()).timeout(Duration.ofMillis(200)).build()) {
      LoadBalancer lb = replica(store);
      String before = learn(lb, "before");
      awaitWritten(store.table("shop"), Map.of("before", before));
      try (CapturedLog log = CapturedLog.start()) {
        redis.stop();
        // Requests go on: the near-cached session sticks, new ones are balanced and learned.
        for (int i = 0; i < 20; i++) {
          assertThat(pick(lb, withSession("before"))).isEqualTo(before);
          assertThat(lb.pick(withSession("unknown-" + i)).hasBackend()).isTrue();
        }
        String during = learn(lb, "during");
        for (int i = 0; i < 5; i++) {
          assertThat(pick(lb, withSession("during"))).isEqualTo(during);
        }
        assertThat(log.records("WARN", "dev.lbkit.redis.RedisSessionStore")).hasSize(1);

        // Redis comes back empty (no persistence): what was learned during the outage is written
        // back; what was written before it is lost with Redis's memory, as documented.
        redis.startAgain();
        try (RedisSessionStore other = RedisSessionStore.builder(redis.uri()).build()) {
          awaitWritten(other.table("shop"), Map.of("during", during));
          assertThat(pick(replica(other), withSession("during"))).isEqualTo(during);
        }
        assertThat(log.records("INFO", "dev.lbkit.redis.RedisSessionStore"))
            .anySatisfy(e -> assertThat(e.message()).startsWith("wrote back 1 session(s)"));
      }
    }
  }

  @Test
  void aGatewayStartsWhileRedisIsAwayAndWritesBackWhenItComes() throws Exception {
    redis.stop();
    try (CapturedLog log = CapturedLog.start();
        RedisSessionStore store =
            RedisSessionStore.builder(redis.uri()).timeout(Duration.ofMillis(100)).build()) {
      LoadBalancer lb = replica(store);
      String early = learn(lb, "early");
      for (int i = 0; i < 5; i++) {
        assertThat(pick(lb, withSession("early"))).isEqualTo(early);
        assertThat(lb.pick(withSession("unknown-" + i)).hasBackend()).isTrue();
      }
      assertThat(log.records("WARN", "dev.lbkit.redis.RedisSessionStore")).hasSize(1);

      redis.startAgain(); // the store connects in the background and writes back
      try (RedisSessionStore other = RedisSessionStore.builder(redis.uri()).build()) {
        awaitWritten(other.table("shop"), Map.of("early", early));
      }
      assertThat(log.records("INFO", "dev.lbkit.redis.RedisSessionStore"))
          .anySatisfy(e -> assertThat(e.message()).startsWith("wrote back 1 session(s)"));
    }
  }

  @Test
  void aSlowRedisCostsAtMostTheTimeoutAndCountsAsNoSession() throws Exception {
    try (DelayingProxy slow = new DelayingProxy(redis.port(), 0);
        RedisSessionStore writer = RedisSessionStore.builder(redis.uri()).build();
        RedisSessionStore reader =
            RedisSessionStore.builder("redis://127.0.0.1:" + slow.port())
                .timeout(Duration.ofMillis(100))
                .nearCacheSize(0)
                .build()) {
      SessionTable written = writer.table("t");
      written.put("k", "shop-2", Duration.ofMinutes(5));
      awaitWritten(reader.table("t"), Map.of("k", "shop-2"));
      slow.delay(3_000);
      // A lookup that would take 3 s answers "absent" once the 100 ms timeout passes; the
      // binding is there all along.
      assertThat(reader.table("t").get("k")).isNull();
      assertThat(written.get("k")).isEqualTo("shop-2");
    }
  }

  @Test
  void stickTablesAndBulkRemovalWorkOnRedis() throws Exception {
    try (RedisSessionStore store = RedisSessionStore.builder(redis.uri()).build()) {
      SessionTable table = store.table("clients");
      LoadBalancer lb =
          LoadBalancer.builder(shop())
              .affinity(StickTable.on(KeyExtractor.header("X-User")).table(table).toAffinity())
              .build();
      Map<String, String> first = new LinkedHashMap<>();
      for (int i = 0; i < 9; i++) {
        String user = "u" + i;
        first.put(
            user,
            pick(
                lb,
                RequestContext.builder().headers(n -> n.equals("X-User") ? user : null).build()));
      }
      awaitWritten(table, first);
      assertThat(table.size()).isEqualTo(9);
      table.removeBackend("shop-1");
      long left = first.values().stream().filter(b -> !b.equals("shop-1")).count();
      try (RedisSessionStore fresh = RedisSessionStore.builder(redis.uri()).build()) {
        assertThat(fresh.table("clients").size()).isEqualTo(left);
        first.forEach(
            (user, backend) ->
                assertThat(fresh.table("clients").get(user))
                    .isEqualTo(backend.equals("shop-1") ? null : backend));
      }
    }
  }

  @Test
  void badConfigurationNamesTheField() {
    assertThatThrownBy(() -> RedisSessionStore.builder("http://nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri: \"http://nope\" (expected: redis://host:port");
    assertThatThrownBy(
            () -> RedisSessionStore.builder("redis://127.0.0.1:1").timeout(Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> RedisSessionStore.builder("redis://127.0.0.1:1").keyPrefix("a b"))
        .hasMessage("keyPrefix: \"a b\" (expected: up to 100 visible ASCII characters)");
  }

  /** Waits (bounded) until another connection reads every binding: writes do not wait. */
  private static void awaitWritten(SessionTable table, Map<String, String> bindings)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Map.Entry<String, String> e : bindings.entrySet()) {
      while (!e.getValue().equals(table.get(e.getKey()))) {
        assertThat(System.nanoTime()).as("written: " + e.getKey()).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }
}
