package dev.lbkit.cookie.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.cookie.SessionTable;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SessionStore#inMemory}: one {@link MemorySessionTable} per name. */
public final class MemorySessionStore implements SessionStore {
  /** The longest table name; a name is a key prefix in shared stores, so it is kept short. */
  public static final int MAX_NAME_LENGTH = 200;

  private final long maxSessionsPerTable;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, MemorySessionTable> tables = new ConcurrentHashMap<>();

  /** A store whose tables hold at most {@code maxSessionsPerTable} bindings each. */
  public MemorySessionStore(long maxSessionsPerTable) {
    this(maxSessionsPerTable, Ticker.systemTicker());
  }

  /** As {@link #MemorySessionStore(long)}, with the clock expiry is measured on (for tests). */
  public MemorySessionStore(long maxSessionsPerTable, Ticker ticker) {
    if (maxSessionsPerTable <= 0) {
      throw new IllegalArgumentException(
          "maxSessionsPerTable: " + maxSessionsPerTable + " (expected: > 0)");
    }
    this.maxSessionsPerTable = maxSessionsPerTable;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  @Override
  public SessionTable table(String name) {
    checkName(name);
    return tables.computeIfAbsent(
        name, n -> new MemorySessionTable(n, maxSessionsPerTable, ticker));
  }

  /** Checks a table name as every store does. */
  public static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name: \"" + name + "\" (expected: 1 to " + MAX_NAME_LENGTH + " characters)");
    }
  }

  @Override
  public void close() {
    tables.values().forEach(MemorySessionTable::clear);
  }

  @Override
  public String toString() {
    return "SessionStore.inMemory{" + maxSessionsPerTable + " per table, " + tables.keySet() + "}";
  }
}
