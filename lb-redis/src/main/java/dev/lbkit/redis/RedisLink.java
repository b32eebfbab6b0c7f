package dev.lbkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The store's one connection to Redis, which may not exist yet: a gateway must start while Redis is
 * away (its tables then answer from memory), so a failed first connect is retried in the background
 * instead of failing the application. Once connected, Lettuce's own reconnect takes over.
 */
final class RedisLink implements AutoCloseable {
  private final RedisClient client;
  private final RedisHealth health;
  private volatile @Nullable StatefulRedisConnection<String, String> connection;
  private volatile @Nullable RedisAsyncCommands<String, String> commands;
  private volatile boolean closed;

  RedisLink(RedisClient client, RedisHealth health) {
    this.client = client;
    this.health = health;
  }

  /** The commands of the connection, or {@code null} while there is none yet. */
  @Nullable RedisAsyncCommands<String, String> commands() {
    return commands;
  }

  /**
   * Connects if not connected yet; returns whether a connection exists. A failure marks Redis down
   * (one WARN for the whole outage) and is retried by the next call.
   */
  synchronized boolean connect() {
    if (connection != null) {
      return true;
    }
    if (closed) {
      return false;
    }
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      connection = c;
      commands = c.async();
      health.answered();
      return true;
    } catch (RedisException e) {
      health.failed(e);
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.close();
    }
  }
}
