package dev.lbkit.cookie;

import dev.lbkit.cookie.internal.TableAffinity;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Learn mode, as NGINX Plus {@code sticky learn create=... lookup=... timeout=...}: the session id
 * the application itself issues ({@code JSESSIONID}, {@code PHPSESSID}, {@code connect.sid}) is
 * bound to the backend that issued it, and later requests carrying it go there.
 *
 * <pre>{@code
 * SessionAffinity learned = LearnedSessions.createCookie("JSESSIONID")   // create=$upstream_cookie_jsessionid
 *     .lookup(KeyExtractor.cookie("JSESSIONID"))                          // lookup=$cookie_jsessionid (the default)
 *     .table(store.table("shop-sessions"))                                // zone=...
 *     .timeout(Duration.ofHours(1))                                       // timeout=1h
 *     .toAffinity();
 * }</pre>
 *
 * The adapter hands the backend's response headers to {@code Decision.learn} (lb-servlet and the
 * Spring gateways do); a {@code Set-Cookie} of the created name, or the created response header,
 * binds its value to the backend that sent it. A session whose backend is gone or cannot take the
 * request is rebalanced and bound to its new backend (or refused with {@link
 * SessionPersistence.OnUnavailable#STRICT}); one unused for the timeout is forgotten. lbkit writes
 * nothing to the client: the cookie is the application's.
 */
public final class LearnedSessions {
  /** NGINX Plus's default {@code timeout} of a learned session. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,128}");

  private LearnedSessions() {}

  /** Learns the value of the {@code Set-Cookie} named {@code name} that a backend sends. */
  public static Builder createCookie(String name) {
    return new Builder(checkName("createCookie", name), null);
  }

  /** Learns the value of the response header {@code name} that a backend sends. */
  public static Builder createHeader(String name) {
    return new Builder(null, checkName("createHeader", name));
  }

  private static String checkName(String field, String name) {
    Objects.requireNonNull(name, field);
    if (!TOKEN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field + ": \"" + name + "\" (expected: an HTTP token of 1 to 128 characters)");
    }
    return name;
  }

  /** Builds the affinity of learn mode. */
  public static final class Builder {
    private final @Nullable String createCookie;
    private final @Nullable String createHeader;
    private KeyExtractor lookup;
    private SessionTable table;
    private Duration timeout = DEFAULT_TIMEOUT;
    private SessionPersistence.OnUnavailable onUnavailable =
        SessionPersistence.OnUnavailable.REBALANCE;

    private Builder(@Nullable String createCookie, @Nullable String createHeader) {
      this.createCookie = createCookie;
      this.createHeader = createHeader;
      this.lookup =
          createCookie != null
              ? KeyExtractor.cookie(createCookie)
              : KeyExtractor.header(Objects.requireNonNull(createHeader));
      this.table = SessionStore.inMemory(100_000).table("learn");
    }

    /**
     * Where requests carry the session: by default the cookie of the created name, or the request
     * header of the created header's name.
     */
    public Builder lookup(KeyExtractor lookup) {
      this.lookup = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /** The table the sessions live in; by default a private in-memory table of 100,000. */
    public Builder table(SessionTable table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /** How long a session lives without requests; {@link #DEFAULT_TIMEOUT} by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = StickTable.checkTimeout("timeout", timeout);
      return this;
    }

    /** What a request whose backend cannot take it gets; rebalanced by default. */
    public Builder onUnavailable(SessionPersistence.OnUnavailable onUnavailable) {
      this.onUnavailable = Objects.requireNonNull(onUnavailable, "onUnavailable");
      return this;
    }

    /** The session affinity for {@code LoadBalancer.builder(...).affinity(...)}. */
    public SessionAffinity toAffinity() {
      return TableAffinity.learn(
          table,
          lookup,
          timeout,
          onUnavailable == SessionPersistence.OnUnavailable.STRICT,
          createCookie,
          createHeader);
    }
  }
}
