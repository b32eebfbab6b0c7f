package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.SessionTable;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Selector;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.hash.ConsistentRing;
import dev.lbkit.hash.KeyExtractor;
import dev.lbkit.hash.Rings;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side session persistence over a {@link SessionTable}: a request's key (read by {@code
 * lookup}) names its backend in the table. Two ways to fill the table:
 *
 * <ul>
 *   <li><b>stick</b> (HAProxy {@code stick on}): the key is bound to the backend first chosen for
 *       it, when the load balancer decides;
 *   <li><b>learn</b> (NGINX Plus {@code sticky learn}): a session the backend creates (its {@code
 *       Set-Cookie} of a name, or a response header) is bound to that backend when the adapter
 *       hands over the backend's response headers.
 * </ul>
 *
 * A session whose backend is gone or cannot take the request is rebalanced (or refused when strict)
 * to the next eligible backend of its key on a consistent ring, the same on every replica, and its
 * key then bound to the backend that took it. Nothing is written to the client: the key is the
 * client's or the application's own.
 */
public final class TableAffinity implements SessionAffinity {
  private static final Logger logger = LoggerFactory.getLogger(TableAffinity.class);

  /** The longest key looked up or stored; longer client values count as no key. */
  public static final int MAX_KEY_LENGTH = 1024;

  // Where a session goes when its backend cannot take it: the key hashed onto a ring, so that
  // replicas sharing the table move it to the same backend instead of racing to rebind it.
  private final Precomputation<ConsistentRing> ring = Rings.defaultRing();
  private final SessionTable table;
  private final KeyExtractor lookup;
  private final Duration timeout;
  private final boolean strict;
  private final @Nullable String createCookie;
  private final @Nullable String createHeader;

  private TableAffinity(
      SessionTable table,
      KeyExtractor lookup,
      Duration timeout,
      boolean strict,
      @Nullable String createCookie,
      @Nullable String createHeader) {
    this.table = table;
    this.lookup = lookup;
    this.timeout = timeout;
    this.strict = strict;
    this.createCookie = createCookie;
    this.createHeader = createHeader;
  }

  /** Binds each request's key to the backend first chosen for it. */
  public static TableAffinity stick(
      SessionTable table, KeyExtractor key, Duration timeout, boolean strict) {
    return new TableAffinity(table, key, timeout, strict, null, null);
  }

  /**
   * Learns the sessions backends create: the value of their {@code Set-Cookie} named {@code
   * createCookie}, or of their response header {@code createHeader} (exactly one is set).
   */
  public static TableAffinity learn(
      SessionTable table,
      KeyExtractor lookup,
      Duration timeout,
      boolean strict,
      @Nullable String createCookie,
      @Nullable String createHeader) {
    return new TableAffinity(table, lookup, timeout, strict, createCookie, createHeader);
  }

  private boolean learns() {
    return createCookie != null || createHeader != null;
  }

  @Override
  public Binding resolve(PoolSnapshot pool, RequestContext request) {
    String key = key(request);
    if (key == null) {
      return Binding.none();
    }
    String backendId = table.getAndTouch(key, timeout);
    if (backendId == null) {
      return Binding.none();
    }
    int index = pool.indexOf(backendId);
    return index >= 0 ? Binding.bound(index, key) : Binding.gone(key);
  }

  /** The request's key, or {@code null} when it has none usable: client input never throws. */
  private @Nullable String key(RequestContext request) {
    CharSequence key;
    try {
      key = lookup.key(request);
    } catch (RuntimeException e) {
      logger.debug("{}: the key extractor threw; no session", table.name(), e);
      return null;
    }
    if (key == null || key.length() == 0 || key.length() > MAX_KEY_LENGTH) {
      return null;
    }
    return key.toString();
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(ring);
  }

  @Override
  public int fallback(
      PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
    return binding.session() instanceof String key
        ? pool.precomputed(ring).locate(Rings.hashKey(key), eligible)
        : Selector.NONE;
  }

  @Override
  public boolean rebalancesUnavailable() {
    return !strict;
  }

  @Override
  public List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason) {
    if (reason == Decision.Reason.STICKY_HIT || reason == Decision.Reason.RETRY_SAME) {
      return List.of();
    }
    // The decision is where the backend becomes known: a stick table binds a new key here, and
    // either kind rebinds a session that moved (rebalanced, failed over) to where it went.
    String key = binding.session() instanceof String s ? s : null;
    if (key == null && !learns()) {
      key = key(request);
    }
    if (key != null) {
      table.put(key, pool.backend(chosen).id(), timeout);
    }
    return List.of();
  }

  @Override
  public boolean learnsFromResponses() {
    return learns();
  }

  @Override
  public void learn(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      HeaderSource responseHeaders) {
    String created =
        createCookie != null
            ? SetCookieValues.first(responseHeaders.get("Set-Cookie"), createCookie)
            : createdHeader(responseHeaders);
    if (created == null || created.length() > MAX_KEY_LENGTH) {
      return;
    }
    if (binding.kind() == Binding.Kind.BOUND
        && binding.index() == chosen
        && created.equals(binding.session())) {
      return; // the session the request came with, set again: already bound here
    }
    table.put(created, pool.backend(chosen).id(), timeout);
  }

  private @Nullable String createdHeader(HeaderSource responseHeaders) {
    String value = responseHeaders.get(java.util.Objects.requireNonNull(createHeader));
    return value == null || value.isEmpty() || !SetCookieValues.isToken(value) ? null : value;
  }

  @Override
  public String toString() {
    return (learns() ? "LearnedSessions{" : "StickTable{")
        + table.name()
        + (createCookie != null ? ", create cookie " + createCookie : "")
        + (createHeader != null ? ", create header " + createHeader : "")
        + ", timeout "
        + timeout
        + (strict ? ", strict" : "")
        + "}";
  }
}
