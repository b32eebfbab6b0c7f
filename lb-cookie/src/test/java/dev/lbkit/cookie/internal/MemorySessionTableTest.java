package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.lbkit.cookie.SessionTable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory session table: exact idle expiry on its clock, bounded size, bulk removal. */
class MemorySessionTableTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = nanos::get;

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aBindingExpiresExactlyItsTtlAfterItsLastTouch() {
    SessionTable t = new MemorySessionStore(1000, ticker).table("t");
    Duration ttl = Duration.ofSeconds(60);
    t.put("s1", "b1", ttl);
    advance(Duration.ofSeconds(59));
    assertThat(t.get("s1")).isEqualTo("b1");
    t.touch("s1", ttl);
    advance(Duration.ofSeconds(59));
    assertThat(t.get("s1")).as("touched 59 s ago").isEqualTo("b1");
    advance(Duration.ofSeconds(1));
    assertThat(t.get("s1")).as("60 s after the touch").isNull();
  }

  @Test
  void aReadAloneDoesNotKeepABinding() {
    SessionTable t = new MemorySessionStore(1000, ticker).table("t");
    t.put("s1", "b1", Duration.ofSeconds(10));
    for (int i = 0; i < 9; i++) {
      advance(Duration.ofSeconds(1));
      assertThat(t.get("s1")).isEqualTo("b1");
    }
    advance(Duration.ofSeconds(1));
    assertThat(t.get("s1")).isNull();
  }

  @Test
  void getAndTouchRefreshesButSkipsWritesWithinASixteenth() {
    SessionTable t = new MemorySessionStore(1000, ticker).table("t");
    Duration ttl = Duration.ofSeconds(160);
    t.put("s", "b", ttl);
    advance(Duration.ofSeconds(5)); // under 10 s (a sixteenth): no refresh
    assertThat(t.getAndTouch("s", ttl)).isEqualTo("b");
    advance(Duration.ofSeconds(155));
    assertThat(t.get("s")).as("160 s after the put: the early touch did not refresh").isNull();

    t.put("s", "b", ttl);
    advance(Duration.ofSeconds(20)); // over a sixteenth: refreshed
    assertThat(t.getAndTouch("s", ttl)).isEqualTo("b");
    advance(Duration.ofSeconds(159));
    assertThat(t.get("s")).isEqualTo("b");
    advance(Duration.ofSeconds(1));
    assertThat(t.get("s")).isNull();
  }

  @Test
  void removeBackendDropsEveryBindingToIt() {
    SessionTable t = new MemorySessionStore(1000, ticker).table("t");
    for (int i = 0; i < 100; i++) {
      t.put("s" + i, "b" + (i % 3), Duration.ofMinutes(1));
    }
    t.removeBackend("b1");
    assertThat(t.size()).isEqualTo(67);
    for (int i = 0; i < 100; i++) {
      assertThat(t.get("s" + i)).isEqualTo(i % 3 == 1 ? null : "b" + (i % 3));
    }
    t.remove("s0");
    assertThat(t.get("s0")).isNull();
  }

  @Test
  void churnPastTheBoundKeepsTheSizeBoundedAndExpiryExact() {
    SessionTable t = new MemorySessionStore(100_000, ticker).table("t");
    Duration ttl = Duration.ofSeconds(30);
    // 270,000 sessions over 90 s of clock, 3,000 a second, each expiring 30 s after it was put.
    long puts = 0;
    for (int second = 0; second < 90; second++) {
      for (int i = 0; i < 3_000; i++) {
        t.put("s" + puts++, "b" + (i % 7), ttl);
      }
      advance(Duration.ofSeconds(1));
      assertThat(t.size()).isLessThanOrEqualTo(100_000);
    }
    // Live now: those put less than 30 s of clock ago (seconds 61..89): 87,000; a binding put at
    // second 60 expired at second 90, exactly.
    assertThat(t.size()).isEqualTo(87_000);
    assertThat(t.get("s" + (60 * 3_000 + 1))).isNull();
    assertThat(t.get("s" + (61 * 3_000 + 1))).isEqualTo("b1");
  }

  @Test
  void moreLiveSessionsThanTheBoundEvictDownToIt() {
    SessionTable t = new MemorySessionStore(10_000, ticker).table("t");
    for (int i = 0; i < 50_000; i++) {
      t.put("s" + i, "b", Duration.ofHours(1));
    }
    assertThat(t.size()).isEqualTo(10_000);
  }

  @Test
  void badArgumentsNameTheField() {
    assertThatThrownBy(() -> new MemorySessionStore(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessionsPerTable: 0 (expected: > 0)");
    MemorySessionStore store = new MemorySessionStore(10);
    assertThatThrownBy(() -> store.table(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("name: \"\" (expected: 1 to 200 characters)");
    assertThat(store.table("a")).isSameAs(store.table("a"));
    assertThatThrownBy(() -> store.table("a").put("k", "b", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT0S (expected: > 0)");
  }
}
