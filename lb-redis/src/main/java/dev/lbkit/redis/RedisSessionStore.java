package dev.lbkit.redis;

import dev.lbkit.cookie.SessionStore;
import dev.lbkit.cookie.SessionTable;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Session tables on Redis, shared by every gateway replica that uses the same Redis and key prefix,
 * and kept across their restarts: what NGINX Plus shares with {@code zone_sync} and HAProxy with
 * its peers, on the store Java shops already run.
 *
 * <pre>{@code
 * try (RedisSessionStore store = RedisSessionStore.builder("redis://10.0.0.9:6379").build()) {
 *   SessionAffinity shop = LearnedSessions.createCookie("JSESSIONID")
 *       .table(store.table("shop"))
 *       .toAffinity();
 * }
 * }</pre>
 *
 * <p>Every table keeps a local <b>near-cache</b> of the bindings it read or wrote, so that a sticky
 * hit usually costs no round trip; an entry is trusted for {@link Builder#nearCacheTtl} (another
 * replica's change is seen after that at the latest). A lookup that misses waits for Redis at most
 * {@link Builder#timeout} and then counts as no session; writes and refreshes never wait. While
 * Redis is unreachable, requests are still answered (near-cache hits stick, the rest are balanced),
 * one WARN says so, and bindings learned meanwhile are kept (up to {@link Builder#pendingWrites})
 * and written back when Redis answers again; an INFO says how many.
 *
 * <p>Keys are {@code PREFIX + table + ":" + key}, values the backend id, each with Redis's own
 * expiry ({@code PX}) refreshed on use ({@code GETEX}, {@code PEXPIRE}).
 */
public final class RedisSessionStore implements SessionStore {
  private final RedisClient client;
  private final RedisLink link;
  private final Builder config;
  private final RedisHealth health;
  private final ScheduledExecutorService writeBack;
  private final ConcurrentHashMap<String, RedisSessionTable> tables = new ConcurrentHashMap<>();

  private RedisSessionStore(Builder b) {
    this.config = b;
    this.client = RedisClient.create(b.uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail fast while disconnected: a request must not queue behind a dead connection.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(b.timeout))
            .build());
    this.health = new RedisHealth(b.uri.toString());
    this.link = new RedisLink(client, health);
    this.writeBack =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lbkit-redis-write-back");
              t.setDaemon(true);
              return t;
            });
    link.connect(); // Redis away at start: the tables answer from memory until it answers
    writeBack.scheduleWithFixedDelay(this::writeBack, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Starts a store on the Redis at {@code uri} ({@code redis://host:port}, {@code
   * redis://password@host:port/db}, {@code rediss://} for TLS).
   *
   * @throws IllegalArgumentException if {@code uri} is not a Redis URI
   */
  public static Builder builder(String uri) {
    Objects.requireNonNull(uri, "uri");
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "uri: \"" + uri + "\" (expected: redis://host:port, rediss://..., redis-socket://...)",
          e);
    }
    return new Builder(parsed);
  }

  @Override
  public SessionTable table(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 200) {
      throw new IllegalArgumentException("name: \"" + name + "\" (expected: 1 to 200 characters)");
    }
    return tables.computeIfAbsent(
        name,
        n ->
            new RedisSessionTable(
                n,
                config.keyPrefix + n + ":",
                link,
                config.timeout,
                config.nearCacheSize,
                config.nearCacheTtl,
                config.pendingWrites,
                health));
  }

  /** Writes back the bindings learned while Redis was away, once it answers again. */
  private void writeBack() {
    if (!link.connect()) {
      return;
    }
    int written = 0;
    for (RedisSessionTable t : tables.values()) {
      written += t.writeBack();
    }
    health.wroteBack(written);
  }

  /** Closes the connection and the client; tables answer "absent" from their near-caches only. */
  @Override
  public void close() {
    writeBack.shutdownNow();
    link.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Override
  public String toString() {
    return "RedisSessionStore{" + config.uri + ", prefix " + config.keyPrefix + "}";
  }

  /** Configures a {@link RedisSessionStore}. */
  public static final class Builder {
    private final RedisURI uri;
    private Duration timeout = Duration.ofMillis(50);
    private String keyPrefix = "lbkit:session:";
    private long nearCacheSize = 100_000;
    private Duration nearCacheTtl = Duration.ofSeconds(10);
    private int pendingWrites = 10_000;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * The longest a lookup waits for Redis before it counts as no session; 50 ms by default. Also
     * the connect timeout.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      uri.setTimeout(timeout);
      return this;
    }

    /**
     * What every key starts with, so that several applications can share one Redis; {@code
     * lbkit:session:} by default. Replicas that share sessions use the same prefix.
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.length() > 100 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException(
            "keyPrefix: \"" + keyPrefix + "\" (expected: up to 100 visible ASCII characters)");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Bindings each table keeps locally; 100,000 by default; 0 turns the near-cache off. */
    public Builder nearCacheSize(long nearCacheSize) {
      if (nearCacheSize < 0) {
        throw new IllegalArgumentException("nearCacheSize: " + nearCacheSize + " (expected: >= 0)");
      }
      this.nearCacheSize = nearCacheSize;
      return this;
    }

    /**
     * How long a near-cached binding is trusted before Redis is asked again: how late this replica
     * may see another's change. 10 s by default.
     */
    public Builder nearCacheTtl(Duration nearCacheTtl) {
      this.nearCacheTtl = positive("nearCacheTtl", nearCacheTtl);
      return this;
    }

    /**
     * Bindings kept for write-back while Redis is unreachable, per table; 10,000 by default. Beyond
     * that, bindings learned during an outage live in the near-cache only and are lost to other
     * replicas.
     */
    public Builder pendingWrites(int pendingWrites) {
      if (pendingWrites < 0) {
        throw new IllegalArgumentException("pendingWrites: " + pendingWrites + " (expected: >= 0)");
      }
      this.pendingWrites = pendingWrites;
      return this;
    }

    /**
     * Connects and returns the store.
     *
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
     */
    public RedisSessionStore build() {
      return new RedisSessionStore(this);
    }

    private static Duration positive(String field, @Nullable Duration d) {
      Objects.requireNonNull(d, field);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
