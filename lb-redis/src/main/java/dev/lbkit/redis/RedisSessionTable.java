package dev.lbkit.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lbkit.cookie.SessionTable;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One {@link SessionTable} of a {@link RedisSessionStore}: Redis holds the bindings, a Caffeine
 * near-cache the ones this replica used lately, a bounded map the ones Redis missed while away.
 */
final class RedisSessionTable implements SessionTable {
  /** A binding as this replica last saw it, and when Redis's expiry was last refreshed. */
  private static final class Near {
    final String backendId;
    volatile long refreshedNanos;

    Near(String backendId, long refreshedNanos) {
      this.backendId = backendId;
      this.refreshedNanos = refreshedNanos;
    }
  }

  /** A write Redis has not taken yet. */
  private record Pending(String backendId, long ttlMillis, long atNanos) {}

  private final String name;
  private final String prefix;
  private final RedisLink link;
  private final long timeoutNanos;
  private final @Nullable Cache<String, Near> near;
  private final int maxPending;
  private final RedisHealth health;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

  RedisSessionTable(
      String name,
      String prefix,
      RedisLink link,
      Duration timeout,
      long nearCacheSize,
      Duration nearCacheTtl,
      int maxPending,
      RedisHealth health) {
    this.name = name;
    this.prefix = prefix;
    this.link = link;
    this.timeoutNanos = timeout.toNanos();
    this.near =
        nearCacheSize == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(nearCacheSize)
                .expireAfterWrite(nearCacheTtl)
                .executor(Runnable::run)
                .build();
    this.maxPending = maxPending;
    this.health = health;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable String get(String key) {
    Near n = near == null ? null : near.getIfPresent(key);
    if (n != null) {
      return n.backendId;
    }
    String id = await(r -> r.get(prefix + key));
    remember(key, id);
    return id;
  }

  @Override
  public @Nullable String getAndTouch(String key, Duration ttl) {
    long ttlMillis = ttl.toMillis();
    Near n = near == null ? null : near.getIfPresent(key);
    if (n != null) {
      long now = System.nanoTime();
      if (now - n.refreshedNanos > TimeUnit.MILLISECONDS.toNanos(ttlMillis) >>> 4) {
        n.refreshedNanos = now;
        fireAndForget(r -> r.pexpire(prefix + key, ttlMillis));
      }
      return n.backendId;
    }
    String id = await(r -> r.getex(prefix + key, GetExArgs.Builder.px(ttlMillis)));
    if (id == null) {
      Pending p = pending.get(key); // bound while Redis was away, not written back yet
      id = p == null ? null : p.backendId();
    }
    remember(key, id);
    return id;
  }

  @Override
  public void put(String key, String backendId, Duration ttl) {
    Objects.requireNonNull(backendId, "backendId");
    long ttlMillis = ttl.toMillis();
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    if (near != null) {
      near.put(key, new Near(backendId, System.nanoTime()));
    }
    RedisAsyncCommands<String, String> redis = link.commands();
    if (redis == null || health.isDown()) {
      keep(key, backendId, ttlMillis);
      return;
    }
    RedisFuture<String> f = redis.set(prefix + key, backendId, SetArgs.Builder.px(ttlMillis));
    f.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            health.failed(failure);
            keep(key, backendId, ttlMillis);
          } else {
            health.answered();
          }
        });
  }

  @Override
  public void touch(String key, Duration ttl) {
    fireAndForget(r -> r.pexpire(prefix + key, ttl.toMillis()));
  }

  @Override
  public void remove(String key) {
    if (near != null) {
      near.invalidate(key);
    }
    pending.remove(key);
    fireAndForget(r -> r.del(prefix + key));
  }

  @Override
  public void removeBackend(String backendId) {
    if (near != null) {
      near.asMap().values().removeIf(n -> n.backendId.equals(backendId));
    }
    pending.values().removeIf(p -> p.backendId().equals(backendId));
    // Rare (a backend left for good): scan this table's keys and delete those bound to it.
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs match = ScanArgs.Builder.matches(escapeGlob(prefix) + "*").limit(500);
    do {
      ScanCursor at = cursor;
      KeyScanCursor<String> page = await(r -> r.scan(at, match));
      if (page == null) {
        return; // Redis away: its own expiry will end those bindings
      }
      List<String> keys = page.getKeys();
      if (!keys.isEmpty()) {
        List<String> doomed = new ArrayList<>();
        List<io.lettuce.core.KeyValue<String, String>> values =
            await(r -> r.mget(keys.toArray(new String[0])));
        if (values != null) {
          for (io.lettuce.core.KeyValue<String, String> kv : values) {
            if (kv.hasValue() && kv.getValue().equals(backendId)) {
              doomed.add(kv.getKey());
            }
          }
        }
        if (!doomed.isEmpty()) {
          await(r -> r.del(doomed.toArray(new String[0])));
        }
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  @Override
  public long size() {
    long count = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs match = ScanArgs.Builder.matches(escapeGlob(prefix) + "*").limit(1000);
    do {
      ScanCursor at = cursor;
      KeyScanCursor<String> page = await(r -> r.scan(at, match));
      if (page == null) {
        return near == null ? pending.size() : near.estimatedSize();
      }
      count += page.getKeys().size();
      cursor = page;
    } while (!cursor.isFinished());
    return count;
  }

  /** Writes the pending bindings once Redis answers; returns how many were written. */
  int writeBack() {
    if (pending.isEmpty()) {
      return 0;
    }
    int written = 0;
    long now = System.nanoTime();
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      long left = p.ttlMillis() - TimeUnit.NANOSECONDS.toMillis(now - p.atNanos());
      if (left <= 0) {
        pending.remove(e.getKey(), p);
        continue;
      }
      String ok =
          await(r -> r.set(prefix + e.getKey(), p.backendId(), SetArgs.Builder.px(left).nx()));
      if (ok == null && health.isDown()) {
        return written; // still away; try again later
      }
      pending.remove(e.getKey(), p);
      written++;
    }
    return written;
  }

  private void keep(String key, String backendId, long ttlMillis) {
    if (pending.size() < maxPending || pending.containsKey(key)) {
      pending.put(key, new Pending(backendId, ttlMillis, System.nanoTime()));
    }
  }

  private void remember(String key, @Nullable String backendId) {
    if (backendId != null && near != null) {
      near.put(key, new Near(backendId, System.nanoTime()));
    }
  }

  /** The result within the timeout, or {@code null} (a failure or a timeout: Redis is away). */
  private <T> @Nullable T await(Function<RedisAsyncCommands<String, String>, RedisFuture<T>> call) {
    RedisAsyncCommands<String, String> redis = link.commands();
    if (redis == null) {
      return null; // not connected yet: Redis is away, as health has said
    }
    RedisFuture<T> future = call.apply(redis);
    try {
      T value = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      health.answered();
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      future.cancel(false);
      health.failed(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      return null;
    }
  }

  private void fireAndForget(Function<RedisAsyncCommands<String, String>, RedisFuture<?>> call) {
    RedisAsyncCommands<String, String> redis = link.commands();
    if (redis == null) {
      return;
    }
    call.apply(redis)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                health.failed(failure);
              }
            });
  }

  private static String escapeGlob(String s) {
    StringBuilder b = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "RedisSessionTable{" + prefix + "}";
  }
}
