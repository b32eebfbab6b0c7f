package dev.lbkit.cookie;

import dev.lbkit.cookie.internal.TableAffinity;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.Objects;

/**
 * Persistence on any request key, as HAProxy's {@code stick on}: the key (a client address, a
 * header, a cookie the application sets, a query parameter) is bound in a {@link SessionTable} to
 * the backend first chosen for it, and later requests with the key go there while the binding
 * lives. Unlike {@code ip_hash}, a binding does not move when other backends come or go: only
 * sessions of a backend that left are rebalanced (and bound again where they went), or refused with
 * {@link SessionPersistence.OnUnavailable#STRICT}.
 *
 * <pre>{@code
 * SessionStore store = SessionStore.inMemory(100_000);
 * SessionAffinity byClient = StickTable.on(KeyExtractor.clientAddress())
 *     .table(store.table("coffee-clients"))
 *     .expire(Duration.ofMinutes(30))
 *     .toAffinity();
 * }</pre>
 *
 * A binding expires after {@link Builder#expire} without requests (HAProxy's {@code expire}); each
 * request with the key keeps it. Nothing is written to the client.
 */
public final class StickTable {
  /** The expiry when none is set: NGINX Plus's default {@code timeout} for learned sessions. */
  public static final Duration DEFAULT_EXPIRE = Duration.ofMinutes(10);

  private StickTable() {}

  /** Starts a stick table on {@code key}. */
  public static Builder on(KeyExtractor key) {
    return new Builder(Objects.requireNonNull(key, "key"));
  }

  /**
   * Checks a table's time to live: whole seconds from 1s to {@link SessionPersistence#MAX_TIMEOUT}.
   */
  static Duration checkTimeout(String field, Duration timeout) {
    Objects.requireNonNull(timeout, field);
    if (timeout.getNano() != 0
        || timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(SessionPersistence.MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          field + ": " + timeout + " (expected: whole seconds, 1s..3650d)");
    }
    return timeout;
  }

  /** Builds the affinity of a stick table. */
  public static final class Builder {
    private final KeyExtractor key;
    private SessionTable table;
    private Duration expire = DEFAULT_EXPIRE;
    private SessionPersistence.OnUnavailable onUnavailable =
        SessionPersistence.OnUnavailable.REBALANCE;

    private Builder(KeyExtractor key) {
      this.key = key;
      this.table = SessionStore.inMemory(100_000).table("stick");
    }

    /** The table the bindings live in; by default a private in-memory table of 100,000. */
    public Builder table(SessionTable table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /** How long a binding lives without requests; {@link #DEFAULT_EXPIRE} by default. */
    public Builder expire(Duration expire) {
      this.expire = checkTimeout("expire", expire);
      return this;
    }

    /** What a request whose backend cannot take it gets; rebalanced by default. */
    public Builder onUnavailable(SessionPersistence.OnUnavailable onUnavailable) {
      this.onUnavailable = Objects.requireNonNull(onUnavailable, "onUnavailable");
      return this;
    }

    /** The session affinity for {@code LoadBalancer.builder(...).affinity(...)}. */
    public SessionAffinity toAffinity() {
      return TableAffinity.stick(
          table, key, expire, onUnavailable == SessionPersistence.OnUnavailable.STRICT);
    }
  }
}
