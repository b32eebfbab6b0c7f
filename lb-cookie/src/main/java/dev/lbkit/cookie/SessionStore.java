package dev.lbkit.cookie;

import dev.lbkit.cookie.internal.MemorySessionStore;

/**
 * Where {@link SessionTable}s live: this JVM ({@link #inMemory}), or a store replicas share ({@code
 * lb-redis}). A store hands out one table per name; closing it releases its connections.
 */
public interface SessionStore extends AutoCloseable {
  /**
   * Tables in this JVM's memory, each holding at most {@code maxSessionsPerTable} bindings: when
   * full, the least valuable binding (Caffeine's W-TinyLFU: rarely and long unused) makes room.
   * Reads take no lock. Sessions do not survive a restart and are not shared with replicas.
   *
   * @throws IllegalArgumentException if {@code maxSessionsPerTable} is not positive
   */
  static SessionStore inMemory(long maxSessionsPerTable) {
    return new MemorySessionStore(maxSessionsPerTable);
  }

  /**
   * The table of this name, created on first use; the same table for the same name.
   *
   * @throws IllegalArgumentException if {@code name} is empty or longer than 200 characters
   */
  SessionTable table(String name);

  /** Releases the store's resources; tables answer "absent" afterwards. Does nothing by default. */
  @Override
  default void close() {}
}
