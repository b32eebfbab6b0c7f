package dev.lbkit.cookie.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.lbkit.cookie.SessionTable;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionTable} in this JVM: a Caffeine cache, bounded by size, each binding expiring on
 * its own time to live (Caffeine's variable expiry, on a timer wheel). Reads take no lock; a touch
 * writes only when the binding was last refreshed more than a sixteenth of its time to live ago.
 */
public final class MemorySessionTable implements SessionTable {
  /** A binding and when it was last refreshed, in the ticker's nanoseconds. */
  private static final class Entry {
    final String backendId;
    final long ttlNanos;
    volatile long touchedNanos;

    Entry(String backendId, long ttlNanos, long touchedNanos) {
      this.backendId = backendId;
      this.ttlNanos = ttlNanos;
      this.touchedNanos = touchedNanos;
    }
  }

  private static final Expiry<String, Entry> EXPIRY =
      new Expiry<>() {
        @Override
        public long expireAfterCreate(String key, Entry value, long currentTime) {
          return value.ttlNanos;
        }

        @Override
        public long expireAfterUpdate(
            String key, Entry value, long currentTime, long currentDuration) {
          return value.ttlNanos;
        }

        @Override
        public long expireAfterRead(
            String key, Entry value, long currentTime, long currentDuration) {
          return currentDuration; // a read alone does not keep a session: a touch does
        }
      };

  private final String name;
  private final Ticker ticker;
  private final Cache<String, Entry> cache;
  private final Policy.VarExpiration<String, Entry> expiration;

  MemorySessionTable(String name, long maxSessions, Ticker ticker) {
    this.name = name;
    this.ticker = ticker;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxSessions)
            .expireAfter(EXPIRY)
            .ticker(ticker)
            // Maintenance (eviction, expiry) on the calling thread: no pool thread per table, and
            // a size that tests can read exactly after cleanUp.
            .executor(Runnable::run)
            .build();
    this.expiration = cache.policy().expireVariably().orElseThrow();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable String get(String key) {
    Entry e = cache.getIfPresent(key);
    return e == null ? null : e.backendId;
  }

  @Override
  public @Nullable String getAndTouch(String key, Duration ttl) {
    Entry e = cache.getIfPresent(key);
    if (e == null) {
      return null;
    }
    long ttlNanos = ttl.toNanos();
    long now = ticker.read();
    if (now - e.touchedNanos > ttlNanos >>> 4) {
      e.touchedNanos = now;
      expiration.setExpiresAfter(key, ttl);
    }
    return e.backendId;
  }

  @Override
  public void put(String key, String backendId, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(backendId, "backendId");
    cache.put(key, new Entry(backendId, positiveNanos(ttl), ticker.read()));
  }

  @Override
  public void touch(String key, Duration ttl) {
    Entry e = cache.getIfPresent(key);
    if (e != null) {
      e.touchedNanos = ticker.read();
      expiration.setExpiresAfter(key, ttl);
    }
  }

  @Override
  public void remove(String key) {
    cache.invalidate(key);
  }

  @Override
  public void removeBackend(String backendId) {
    cache.asMap().values().removeIf(e -> e.backendId.equals(backendId));
  }

  @Override
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  void clear() {
    cache.invalidateAll();
  }

  private static long positiveNanos(Duration ttl) {
    long nanos = ttl.toNanos();
    if (nanos <= 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    return nanos;
  }

  @Override
  public String toString() {
    return "MemorySessionTable{" + name + "}";
  }
}
