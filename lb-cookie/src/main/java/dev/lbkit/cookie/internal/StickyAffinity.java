package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Binding;
import dev.lbkit.core.CookieHeader;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Selector;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.hash.ConsistentRing;
import dev.lbkit.hash.Rings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionAffinity} of a {@link SessionPersistence}: sticky cookies and header sessions
 * carrying {@link TokenCodec tokens}, in persistent or balanced mode.
 *
 * <p>Per request: find every value of the session's cookie (or header) in the raw header, decode
 * and verify each until one is genuine, live and of this scope, and resolve it to a snapshot index
 * (persistent: through the {@link BackendTable}; balanced: through the consistent ring). The scan,
 * the decoding and the SipHash verification allocate nothing; a genuine token allocates its {@link
 * SessionToken} and the {@link Binding}, unless it is among the {@link VerifiedTokens verified
 * lately}, which bring both back. Only when no token is genuine are the configured {@link
 * dev.lbkit.cookie.LegacyCookie legacy values} looked up, under the session's name and under their
 * own, where they stand in the header; one that binds is answered with a new token and, under a
 * name of its own, an expiry of its cookie.
 */
public final class StickyAffinity implements SessionAffinity {
  private static final Logger logger = LoggerFactory.getLogger(StickyAffinity.class);

  /** Tokens dated further ahead than this are refused, whatever the clocks of the replicas. */
  private static final long MAX_FUTURE_SECONDS = 86_400;

  private static final long MAX_EPOCH_SECOND = 0xffffffffL;
  private static final Eligibility EVERY_BACKEND = index -> true;
  private static final String SET_COOKIE = "Set-Cookie";
  private static final byte[] MAX_AGE = ascii("; Max-Age=");
  private static final byte[] EXPIRES = ascii("; Expires=");

  private final SessionPersistence config;
  private final String name;
  private final boolean cookie;
  private final boolean persistent;
  private final boolean strict;
  private final boolean changeOnFailure;
  private final boolean permanent;
  private final boolean everyResponse;
  private final long absoluteSeconds;
  private final long idleSeconds;
  private final Clock clock;
  private final TokenCodec codec;
  private final List<byte[]> secrets;
  private final @Nullable TokenKeys fixedScopeKeys;
  private final ConcurrentHashMap<String, TokenKeys> keysByUpstream = new ConcurrentHashMap<>();
  private volatile @Nullable TokenKeys lastUpstreamKeys;
  private final Precomputation<ConsistentRing> ring = Rings.defaultRing();
  private final BackendTable.Builder table;
  private final List<Precomputation<?>> precomputations;
  private final byte[] prefix;

  /** Attributes after the value, by {@link CookieSuffix#variant}; empty for a header session. */
  private final byte[][] suffixes;

  /** The cookie's attributes; the defaults (never written) for a header session. */
  private final CookieAttributes attributes;

  /** Whether legacy values are read under the session's cookie name. */
  private final boolean legacyUnderName;

  /**
   * The other cookie names legacy values are read under (table groups 1..), and the {@code
   * Set-Cookie} that expires each; empty unless such a legacy format is configured.
   */
  private final String[] legacyNames;

  private final ResponseHeader[] legacyExpiries;

  /** Use {@link SessionPersistence#toAffinity()}. */
  public StickyAffinity(SessionPersistence config) {
    this.config = config;
    this.name = config.name();
    this.cookie = config.type() == SessionPersistence.Type.COOKIE;
    this.persistent = config.mode() == SessionPersistence.Mode.PERSISTENT;
    this.strict = config.onUnavailable() == SessionPersistence.OnUnavailable.STRICT;
    this.changeOnFailure = config.changeOnFailure();
    this.permanent = cookie && config.lifetime() == SessionPersistence.Lifetime.PERMANENT;
    this.everyResponse = config.refresh() == SessionPersistence.Refresh.EVERY_RESPONSE;
    this.absoluteSeconds = seconds(config.absoluteTimeout());
    this.idleSeconds = seconds(config.idleTimeout());
    this.clock = config.clock();
    this.codec =
        new TokenCodec(config.macAlgorithm(), VerifiedTokens.of(config.verifiedTokenCache()));
    List<byte[]> keys = new ArrayList<>();
    List<String> configured = config.secrets();
    for (int i = 0; i < configured.size(); i++) {
      keys.add(configured.get(i).getBytes(StandardCharsets.UTF_8));
      String weakness = SecretStrength.weakness(configured.get(i));
      if (weakness != null) {
        logger.warn(
            "Session persistence {}: secrets[{}] does not look random ({}), so it may be guessed"
                + " and tokens forged. Use 32 random bytes, e.g. `openssl rand -base64 32`.",
            name,
            i,
            weakness);
      }
    }
    if (keys.isEmpty()) {
      keys.add(TokenKeys.PUBLIC_SECRET);
      logger.warn(
          "Session persistence {} uses insecureUnsignedTokens: its tokens are opaque but not"
              + " tamper-proof, so a client can forge one to choose its backend. Configure secrets"
              + " (32 random bytes, the same on every gateway replica) before production.",
          name);
    }
    this.secrets = List.copyOf(keys);
    String scope = config.scope();
    this.fixedScopeKeys = scope == null ? null : new TokenKeys(secrets, scope);
    this.table =
        new BackendTable.Builder(TokenKeys.backendIdKeys(secrets), name, config.legacyCookies());
    this.precomputations = List.of(ring, table);
    this.prefix = ascii(name + '=');
    CookieAttributes configuredAttributes = config.cookieAttributes();
    this.attributes =
        configuredAttributes == null ? CookieAttributes.ofDefaults() : configuredAttributes;
    this.suffixes = new byte[CookieSuffix.VARIANTS][];
    for (int variant = 0; variant < CookieSuffix.VARIANTS; variant++) {
      suffixes[variant] = ascii(CookieSuffix.of(attributes, variant));
    }
    this.legacyUnderName = table.readsSessionName();
    List<String> legacyCookieNames = table.cookieNames();
    this.legacyNames = new String[legacyCookieNames.size() - 1];
    this.legacyExpiries = new ResponseHeader[legacyNames.length];
    for (int i = 0; i < legacyNames.length; i++) {
      legacyNames[i] = legacyCookieNames.get(i + 1);
      // Path=/ although Spring sets none: LegacyCookie.springInstanceId says why.
      legacyExpiries[i] = new ResponseHeader(SET_COOKIE, legacyNames[i] + "=; Path=/; Max-Age=0");
    }
  }

  /** The configuration this affinity follows. */
  public SessionPersistence config() {
    return config;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return precomputations;
  }

  @Override
  public Binding resolve(PoolSnapshot pool, RequestContext request) {
    TokenKeys keys = keysFor(pool);
    if (cookie) {
      return resolveCookie(pool, request.cookieHeader(), keys);
    }
    return resolveHeader(pool, request.header(name), keys);
  }

  @Override
  public int fallback(
      PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
    Object session = binding.session();
    if (!(session instanceof SessionToken)) {
      return Selector.NONE;
    }
    SessionToken token = (SessionToken) session;
    // Balanced: the session key's next eligible owner, so that it returns when its backend does.
    // Persistent: a point unique to the token, so that the stale sessions of one backend spread.
    long position = !persistent && !token.isLegacy() ? token.key : token.spread;
    return pool.precomputed(ring).locate(position, eligible);
  }

  @Override
  public boolean rebalancesUnavailable() {
    return !strict;
  }

  @Override
  public boolean changesOnFailure() {
    return changeOnFailure;
  }

  @Override
  public List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason) {
    Object session = binding.session();
    SessionToken token = session instanceof SessionToken ? (SessionToken) session : null;
    List<ResponseHeader> headers = tokenHeaders(pool, request, token, chosen, reason);
    if (token != null && token.legacyGroup() > 0 && !headers.isEmpty()) {
      // The legacy cookie of its own name is replaced by ours: the client need not send it again.
      List<ResponseHeader> withExpiry = new ArrayList<>(headers);
      withExpiry.add(legacyExpiries[token.legacyGroup() - 1]);
      return List.copyOf(withExpiry);
    }
    return headers;
  }

  /** The session's own header, if the token is to be (re-)issued. */
  private List<ResponseHeader> tokenHeaders(
      PoolSnapshot pool,
      RequestContext request,
      @Nullable SessionToken token,
      int chosen,
      Decision.Reason reason) {
    switch (reason) {
      case STICKY_HIT:
      case RETRY_SAME:
        // The common case, a hit that sends nothing back, reads no clock.
        if (token == null) {
          return List.of();
        }
        if (token.isLegacy()) {
          long now = nowSeconds();
          return issue(pool, request, keyFor(pool, chosen), now, now);
        }
        if (token.secretIndex != 0 || everyResponse) {
          long key = persistent ? pool.precomputed(table).idHash(chosen) : token.key;
          return issue(pool, request, key, token.issued(), nowSeconds());
        }
        return List.of();
      default:
        return movedOrNewHeaders(pool, request, token, chosen, reason, nowSeconds());
    }
  }

  /**
   * {@link #tokenHeaders} for every reason but a hit: a token is (re-)issued, or not, at {@code
   * now}.
   */
  private List<ResponseHeader> movedOrNewHeaders(
      PoolSnapshot pool,
      RequestContext request,
      @Nullable SessionToken token,
      int chosen,
      Decision.Reason reason,
      long now) {
    switch (reason) {
      case REBALANCED_GONE:
      case REBALANCED_DOWN:
      case REBALANCED_FAILED:
      case REBALANCED_FULL:
        if (token == null) {
          return issue(pool, request, keyFor(pool, chosen), now, now);
        }
        if (!persistent
            && !token.isLegacy()
            && pool.precomputed(ring).locate(token.key, pool.newPicks()) == chosen) {
          // The key already leads here while its own backend is away: no new token needed.
          return token.secretIndex != 0 || everyResponse
              ? issue(pool, request, token.key, token.issued(), now)
              : List.of();
        }
        long movedIssued = token.isLegacy() ? now : token.issued();
        return issue(pool, request, keyFor(pool, chosen), movedIssued, now);
      case FAILOVER:
        long issued = token == null || token.isLegacy() ? now : token.issued();
        return issue(pool, request, keyFor(pool, chosen), issued, now);
      default:
        return issue(pool, request, keyFor(pool, chosen), now, now);
    }
  }

  // -- resolving -----------------------------------------------------------------------------

  private Binding resolveCookie(PoolSnapshot pool, @Nullable String header, TokenKeys keys) {
    if (header == null) {
      return Binding.none();
    }
    int rejected = 0;
    long value = nextValue(header, 0);
    while (value >= 0) {
      int from = (int) (value >>> 32);
      int to = (int) value;
      SessionToken token = codec.read(keys, header, from, to);
      if (token != null && isLive(token)) {
        return bind(pool, token);
      }
      rejected++;
      value = nextValue(header, to);
    }
    // Off the path of a valid token, which always wins; nothing to do without legacy formats.
    if ((rejected > 0 && legacyUnderName) || legacyNames.length > 0) {
      Binding legacy = resolveLegacy(pool, header, rejected > 0);
      if (legacy != null) {
        return legacy;
      }
    }
    if (rejected > 0 && logger.isDebugEnabled()) {
      logger.debug("{}: ignored {} invalid, expired or foreign session cookie(s)", name, rejected);
    }
    return Binding.none();
  }

  /**
   * The first legacy value that names a backend of the snapshot: under the session's name if its
   * cookie was sent ({@code underName}), then under each other name. A value naming nothing is
   * looked up where it stands in the header, allocating nothing.
   */
  private @Nullable Binding resolveLegacy(PoolSnapshot pool, String header, boolean underName) {
    BackendTable backends = pool.precomputed(table);
    int ignored = 0;
    for (int group = underName && legacyUnderName ? 0 : 1; group <= legacyNames.length; group++) {
      String cookieName = group == 0 ? name : legacyNames[group - 1];
      BackendTable.LegacyValues values = backends.legacyValues(group);
      long value = CookieHeader.nextValue(header, cookieName, 0);
      while (value >= 0) {
        int to = CookieHeader.valueEnd(value);
        int slot = values.find(header, CookieHeader.valueStart(value), to);
        if (slot >= 0) {
          SessionToken token =
              SessionToken.legacy(nowSeconds(), Rings.hashKey(values.value(slot)), group);
          return Binding.bound(values.index(slot), token);
        }
        if (group > 0) {
          ignored++; // the session's own values are counted as rejected tokens
        }
        value = CookieHeader.nextValue(header, cookieName, to);
      }
    }
    if (ignored > 0 && logger.isDebugEnabled()) {
      logger.debug("{}: ignored {} legacy cookie value(s) naming no backend", name, ignored);
    }
    return null;
  }

  private Binding resolveHeader(PoolSnapshot pool, @Nullable String value, TokenKeys keys) {
    if (value == null) {
      return Binding.none();
    }
    // A header sent more than once arrives joined with ", ": each element is a candidate.
    int length = value.length();
    int pos = 0;
    while (pos < length) {
      int end = value.indexOf(',', pos);
      if (end < 0) {
        end = length;
      }
      int from = pos;
      int to = end;
      while (from < to && isSpace(value.charAt(from))) {
        from++;
      }
      while (to > from && isSpace(value.charAt(to - 1))) {
        to--;
      }
      SessionToken token = codec.read(keys, value, from, to);
      if (token != null && isLive(token)) {
        return bind(pool, token);
      }
      pos = end + 1;
    }
    return Binding.none();
  }

  private Binding bind(PoolSnapshot pool, SessionToken token) {
    int index =
        persistent
            ? pool.precomputed(table).indexOf(token.secretIndex, token.key)
            : pool.precomputed(ring).locate(token.key, EVERY_BACKEND);
    if (index < 0) {
      return Binding.gone(token);
    }
    // A token found among the verified ones brings the binding it was given last time.
    Binding last = token.bound;
    if (last != null && last.index() == index) {
      return last;
    }
    Binding binding = Binding.bound(index, token);
    token.bound = binding;
    return binding;
  }

  /**
   * Reads the clock only for a genuine token (forged values never pay for it), and only when a
   * timeout is set: without one a token's dates decide nothing, and the clock would be the dearest
   * read of a sticky hit.
   */
  private boolean isLive(SessionToken token) {
    if (token.lastSeen() < token.issued()) {
      return false;
    }
    if (absoluteSeconds == 0 && idleSeconds == 0) {
      return true;
    }
    long now = nowSeconds();
    if (token.issued() > now + MAX_FUTURE_SECONDS || token.lastSeen() > now + MAX_FUTURE_SECONDS) {
      return false;
    }
    if (absoluteSeconds > 0 && now - token.issued() >= absoluteSeconds) {
      return false;
    }
    return idleSeconds == 0 || now - token.lastSeen() <= idleSeconds;
  }

  private TokenKeys keysFor(PoolSnapshot pool) {
    TokenKeys fixed = fixedScopeKeys;
    if (fixed != null) {
      return fixed;
    }
    String upstream = pool.upstreamName();
    TokenKeys last = lastUpstreamKeys;
    if (last != null && last.scope.equals(upstream)) {
      return last;
    }
    TokenKeys keys = keysByUpstream.get(upstream);
    if (keys == null) {
      keys = keysByUpstream.computeIfAbsent(upstream, u -> new TokenKeys(secrets, u));
    }
    lastUpstreamKeys = keys;
    return keys;
  }

  // -- issuing -------------------------------------------------------------------------------

  private long keyFor(PoolSnapshot pool, int chosen) {
    if (persistent) {
      return pool.precomputed(table).idHash(chosen);
    }
    // A random key that the ring maps to the backend the selector chose: the selector's choice
    // holds, and the ring keeps it there through changes of the other backends.
    ConsistentRing r = pool.precomputed(ring);
    int tries = pool.precomputed(table).keyTries(chosen);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long key = random.nextLong();
    for (int i = 1; i < tries && r.locate(key, EVERY_BACKEND) != chosen; i++) {
      key = random.nextLong();
    }
    return key;
  }

  private List<ResponseHeader> issue(
      PoolSnapshot pool, RequestContext request, long key, long issued, long now) {
    TokenKeys keys = keysFor(pool);
    // A session started by a replica whose clock runs ahead must not look seen before it began.
    long lastSeen = Math.max(now, issued);
    if (!cookie) {
      byte[] token = new byte[codec.tokenChars()];
      codec.write(keys, key, issued, lastSeen, ThreadLocalRandom.current().nextInt(), token, 0);
      return List.of(new ResponseHeader(name, new String(token, StandardCharsets.ISO_8859_1)));
    }
    return List.of(
        new ResponseHeader(SET_COOKIE, setCookie(request, keys, key, issued, lastSeen, now)));
  }

  /**
   * {@code NAME=TOKEN[; Max-Age=N; Expires=DATE][; Path=P][; Domain=D][; Secure][; HttpOnly][;
   * SameSite=S]}, written into one exactly sized array.
   */
  private String setCookie(
      RequestContext request, TokenKeys keys, long key, long issued, long lastSeen, long now) {
    byte[] suffix = suffixes[CookieSuffix.variant(attributes, request)];
    long maxAge = 0;
    int maxAgeDigits = 0;
    if (permanent) {
      // The cookie never outlives the session: what is left of the absolute timeout, and no more
      // than the idle timeout that the next response renews.
      maxAge =
          absoluteSeconds > 0
              ? Math.min(absoluteSeconds, absoluteSeconds - (now - issued))
              : idleSeconds;
      if (idleSeconds > 0) {
        maxAge = Math.min(maxAge, idleSeconds);
      }
      maxAge = Math.max(1, maxAge);
      maxAgeDigits = digits(maxAge);
    }
    int length =
        prefix.length
            + codec.tokenChars()
            + (permanent ? MAX_AGE.length + maxAgeDigits + EXPIRES.length + CookieDate.LENGTH : 0)
            + suffix.length;
    byte[] out = new byte[length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int p =
        codec.write(
            keys, key, issued, lastSeen, ThreadLocalRandom.current().nextInt(), out, prefix.length);
    if (permanent) {
      System.arraycopy(MAX_AGE, 0, out, p, MAX_AGE.length);
      p += MAX_AGE.length;
      long rest = maxAge;
      for (int d = maxAgeDigits - 1; d >= 0; d--) {
        out[p + d] = (byte) ('0' + rest % 10);
        rest /= 10;
      }
      p += maxAgeDigits;
      System.arraycopy(EXPIRES, 0, out, p, EXPIRES.length);
      p += EXPIRES.length;
      p = CookieDate.write(now + maxAge, out, p);
    }
    System.arraycopy(suffix, 0, out, p, suffix.length);
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private long nowSeconds() {
    long now = Math.floorDiv(clock.millis(), 1000L);
    return Math.max(0, Math.min(MAX_EPOCH_SECOND, now));
  }

  // -- scanning ------------------------------------------------------------------------------

  /**
   * The next value, from {@code from} on, of a cookie named {@link #name}, as {@code start << 32 |
   * end}, or -1: {@link CookieHeader#nextValue}, which finds it without allocating.
   */
  private long nextValue(String header, int from) {
    return CookieHeader.nextValue(header, name, from);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private static int digits(long value) {
    int digits = 1;
    while (value >= 10) {
      value /= 10;
      digits++;
    }
    return digits;
  }

  private static long seconds(@Nullable Duration duration) {
    return duration == null ? 0 : duration.getSeconds();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "StickyAffinity{" + config + '}';
  }
}
