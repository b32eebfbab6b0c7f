package dev.lbkit.cookie;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A server-side table of sessions: a session key (a session id the application issued, a client
 * address, a header value) bound to the id of the backend that serves it, each binding expiring
 * when it has not been used for its time to live. What NGINX Plus keeps in the zone of {@code
 * sticky learn} and HAProxy in a {@code stick-table}.
 *
 * <p>This is the SPI of lbkit's server-side session persistence ({@link StickTable}, {@link
 * LearnedSessions}); {@link SessionStore#inMemory} gives tables in this JVM, {@code lb-redis}
 * tables that replicas share. Implementations are thread-safe and never throw from these methods: a
 * store that cannot answer in time answers "absent" ({@link #get}) or drops the write, and says so
 * in its own log.
 */
public interface SessionTable {
  /** The table's name, unique within its store. */
  String name();

  /** The backend id bound to {@code key}, or {@code null}: never bound, expired, or unknown now. */
  @Nullable String get(String key);

  /**
   * The backend id bound to {@code key}, as {@link #get}, and the binding kept for {@code ttl} from
   * now when there is one. Implementations may skip refreshing a binding refreshed a moment ago
   * (within a small part of {@code ttl}), so that a busy session does not write on every request.
   */
  default @Nullable String getAndTouch(String key, Duration ttl) {
    String backendId = get(key);
    if (backendId != null) {
      touch(key, ttl);
    }
    return backendId;
  }

  /** Binds {@code key} to {@code backendId} for {@code ttl} from now, replacing any binding. */
  void put(String key, String backendId, Duration ttl);

  /** Keeps the binding of {@code key}, if there is one, for {@code ttl} from now. */
  void touch(String key, Duration ttl);

  /** Removes the binding of {@code key}, if any. */
  void remove(String key);

  /** Removes every binding to {@code backendId}: the backend left for good. */
  void removeBackend(String backendId);

  /** The number of live bindings; an estimate where the store cannot count cheaply. */
  long size();
}
