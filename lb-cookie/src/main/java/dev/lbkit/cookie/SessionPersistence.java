package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.cookie.internal.StickyAffinity;
import dev.lbkit.core.SessionAffinity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How sessions stick to backends: the Gateway API {@code sessionPersistence} of a route rule, with
 * the cookie attributes, modes and secrets that NGINX, ingress-nginx and Envoy users expect. An
 * immutable value, checked when built; {@link #toAffinity()} turns it into the {@link
 * SessionAffinity} a {@link dev.lbkit.core.LoadBalancer} uses. {@link #cookie} and {@link #header}
 * start the two kinds with builders of their own: only a cookie session has {@linkplain
 * CookieAttributes cookie attributes}, a lifetime and legacy cookies.
 *
 * <pre>{@code
 * SessionPersistence tea = SessionPersistence.cookie("srv_id")
 *     .attributes(CookieAttributes.builder().path("/tea").build())
 *     .absoluteTimeout(Duration.ofHours(2))
 *     .lifetime(SessionPersistence.Lifetime.PERMANENT)
 *     .secrets(System.getenv("LBKIT_SESSION_SECRET"))
 *     .build();
 * LoadBalancer lb = LoadBalancer.builder(upstream).affinity(tea.toAffinity()).build();
 * }</pre>
 *
 * <p>The first request of a client is balanced by the load balancer's selector; the response
 * carries a token (a cookie, or a header for non-browser clients) and every later request that
 * presents it reaches the same backend for as long as the session lives. The token is opaque,
 * URL-safe and authenticated with the first of the {@linkplain #secrets() secrets}; see {@code
 * docs/session-persistence.md} for its format and security model, and for the meaning of every
 * option.
 *
 * <p>Errors name the field, the value and what is allowed, in the form {@code "idleTimeout: PT0.5S
 * (expected: whole seconds, 1s..3650d)"}; secrets are never printed, only their length.
 */
public final class SessionPersistence {
  /** The longest accepted timeout: ten years of seconds, well inside the token's 32-bit times. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(3650);

  /** The fewest bytes (UTF-8) a secret may have: 128 bits, the SipHash key size. */
  public static final int MIN_SECRET_BYTES = 16;

  /** The most secrets that may verify at once (the first signs). */
  public static final int MAX_SECRETS = 8;

  /** What carries the session token (Gateway API {@code type}). */
  public enum Type {
    /** A cookie set with {@code Set-Cookie}, presented in {@code Cookie}. */
    COOKIE,
    /** A response header of the session's name, echoed by the client in a request header. */
    HEADER
  }

  /** How long the client keeps a session cookie (Gateway API {@code cookieConfig.lifetimeType}). */
  public enum Lifetime {
    /**
     * A browser-session cookie: no {@code Max-Age} or {@code Expires}; the absolute timeout, if
     * any, is enforced from the token alone.
     */
    SESSION,
    /**
     * A persistent cookie: {@code Max-Age} and the legacy {@code Expires} say when the client drops
     * it: what is left of the {@link Builder#absoluteTimeout absolute timeout}, and no more than
     * the {@link Builder#idleTimeout idle timeout}, which every response renews (a sliding cookie,
     * as NGINX {@code sticky cookie ... expires=}). Requires one of the two; the Gateway API
     * requires the absolute one.
     */
    PERMANENT
  }

  /** How a token names its backend. */
  public enum Mode {
    /**
     * The token names the backend: the session stays there until that backend is unavailable, and
     * scaling up moves nobody (NGINX {@code sticky cookie}, ingress-nginx {@code persistent},
     * Gateway API session persistence).
     */
    PERSISTENT,
    /**
     * The token holds a random session key mapped through a consistent ring on every request:
     * scaling up moves about 1/N of the sessions to the new backends, removing a backend moves only
     * its sessions, and neither needs a new token (ingress-nginx {@code balanced}).
     */
    BALANCED
  }

  /** What happens to a session whose backend cannot take the request. */
  public enum OnUnavailable {
    /**
     * The session moves: a deterministic pick among the available backends (the token hashed onto a
     * ring), and in persistent mode a new token in the same response. As NGINX and ingress-nginx.
     */
    REBALANCE,
    /**
     * The request gets no backend and the caller answers 503, as nginx-sticky-module's {@code
     * no_fallback}. A {@code DRAINING} backend still takes its sessions.
     */
    STRICT
  }

  /** When a session's token is sent again although the session did not move. */
  public enum Refresh {
    /** Only when a session starts or moves (ingress-nginx, Envoy). */
    ON_CHANGE,
    /**
     * On every response (sliding, as NGINX {@code sticky cookie}); implied by an {@link
     * Builder#idleTimeout idle timeout}, whose last-seen time the new token carries.
     */
    EVERY_RESPONSE
  }

  /** The function that authenticates tokens. */
  public enum MacAlgorithm {
    /**
     * SipHash-2-4 with a 128-bit key derived from the secret, a 64-bit tag: a 32-character token
     * verified in a few tens of nanoseconds without allocation. The default.
     */
    SIPHASH_2_4,
    /**
     * HMAC-SHA256 truncated to 128 bits: a 43-character token, about ten times slower to verify and
     * allocating the digest's arrays. For deployments whose policy requires a NIST MAC.
     */
    HMAC_SHA256
  }

  /** The {@link #verifiedTokenCache()} unless set. */
  public static final int DEFAULT_VERIFIED_TOKEN_CACHE = 4096;

  /** The largest {@link #verifiedTokenCache()}. */
  public static final int MAX_VERIFIED_TOKEN_CACHE = 1 << 20;

  private final Type type;
  private final String name;
  private final Mode mode;
  private final OnUnavailable onUnavailable;
  private final boolean changeOnFailure;
  private final @Nullable Duration absoluteTimeout;
  private final @Nullable Duration idleTimeout;
  private final Lifetime lifetime;
  private final Refresh refresh;
  private final @Nullable Refresh configuredRefresh;
  private final @Nullable CookieAttributes cookieAttributes;
  private final @Nullable String scope;
  private final List<String> secrets;
  private final boolean insecureUnsignedTokens;
  private final MacAlgorithm macAlgorithm;
  private final int verifiedTokenCache;
  private final List<LegacyCookie> legacyCookies;
  private final Clock clock;

  private SessionPersistence(Builder<?> b) {
    this.type = b.type;
    this.name = Objects.requireNonNull(b.name);
    this.mode = b.mode;
    this.onUnavailable = b.onUnavailable;
    this.changeOnFailure = b.changeOnFailure;
    this.absoluteTimeout = b.absoluteTimeout;
    this.idleTimeout = b.idleTimeout;
    this.lifetime = b.lifetime;
    this.refresh =
        b.refresh != null
            ? b.refresh
            : b.idleTimeout != null ? Refresh.EVERY_RESPONSE : Refresh.ON_CHANGE;
    this.configuredRefresh = b.refresh;
    this.cookieAttributes = b.type == Type.COOKIE ? b.cookieAttributes : null;
    this.scope = b.scope;
    this.secrets = List.copyOf(b.secrets);
    this.insecureUnsignedTokens = b.insecureUnsignedTokens;
    this.macAlgorithm = b.macAlgorithm;
    this.verifiedTokenCache = b.verifiedTokenCache;
    this.legacyCookies = List.copyOf(b.legacyCookies);
    this.clock = b.clock;
  }

  /** Starts building a cookie session named {@code name} (Gateway API {@code type: Cookie}). */
  public static CookieBuilder cookie(String name) {
    return new CookieBuilder(name);
  }

  /** Starts building a header session named {@code name} (Gateway API {@code type: Header}). */
  public static HeaderBuilder header(String name) {
    return new HeaderBuilder(name);
  }

  /**
   * A builder holding every option of this configuration: a {@link CookieBuilder} for a cookie
   * session, a {@link HeaderBuilder} for a header session.
   */
  public Builder<?> toBuilder() {
    Builder<?> b = type == Type.COOKIE ? new CookieBuilder(name) : new HeaderBuilder(name);
    b.mode = mode;
    b.onUnavailable = onUnavailable;
    b.changeOnFailure = changeOnFailure;
    b.absoluteTimeout = absoluteTimeout;
    b.idleTimeout = idleTimeout;
    b.lifetime = lifetime;
    b.refresh = configuredRefresh;
    if (cookieAttributes != null) {
      b.cookieAttributes = cookieAttributes;
    }
    b.scope = scope;
    b.secrets = new ArrayList<>(secrets);
    b.insecureUnsignedTokens = insecureUnsignedTokens;
    b.macAlgorithm = macAlgorithm;
    b.verifiedTokenCache = verifiedTokenCache;
    b.legacyCookies = new ArrayList<>(legacyCookies);
    b.clock = clock;
    return b;
  }

  /** Cookie or header. */
  public Type type() {
    return type;
  }

  /** The cookie or header name. */
  public String name() {
    return name;
  }

  /** Persistent (the token names the backend) or balanced (a key on a consistent ring). */
  public Mode mode() {
    return mode;
  }

  /** Rebalance or refuse a session whose backend is unavailable. */
  public OnUnavailable onUnavailable() {
    return onUnavailable;
  }

  /** Whether a retry after a failure may leave the session's backend, moving the session. */
  public boolean changeOnFailure() {
    return changeOnFailure;
  }

  /** The most a session may live from its start, or {@code null} for no limit. */
  public @Nullable Duration absoluteTimeout() {
    return absoluteTimeout;
  }

  /** The longest a session may stay without requests, or {@code null} for no limit. */
  public @Nullable Duration idleTimeout() {
    return idleTimeout;
  }

  /** Whether the cookie is a browser-session cookie or a permanent one. */
  public Lifetime lifetime() {
    return lifetime;
  }

  /**
   * When the token is re-sent; {@link Refresh#EVERY_RESPONSE} whenever there is an idle timeout.
   */
  public Refresh refresh() {
    return refresh;
  }

  /** The session cookie's attributes, or {@code null} for a header session. */
  public @Nullable CookieAttributes cookieAttributes() {
    return cookieAttributes;
  }

  /**
   * The scope sessions belong to, or {@code null} for the default: the name of the upstream the
   * load balancer picks from. Two scopes never share sessions, even with the same name.
   */
  public @Nullable String scope() {
    return scope;
  }

  /**
   * The secrets: the first signs new tokens, all verify. Empty only with {@link
   * #insecureUnsignedTokens()}.
   */
  public List<String> secrets() {
    return secrets;
  }

  /**
   * Whether the user chose tokens without a secret, which any client can forge to pick its backend
   * ({@link Builder#insecureUnsignedTokens()}).
   */
  public boolean insecureUnsignedTokens() {
    return insecureUnsignedTokens;
  }

  /** The function that authenticates tokens. */
  public MacAlgorithm macAlgorithm() {
    return macAlgorithm;
  }

  /**
   * How many recently verified tokens are remembered, so that a client sending the same token again
   * is recognised without computing its MAC: a power of two, or 0 for none. {@value
   * #DEFAULT_VERIFIED_TOKEN_CACHE} unless set.
   */
  public int verifiedTokenCache() {
    return verifiedTokenCache;
  }

  /** Cookie values of other products that are read and re-issued in lbkit's format. */
  public List<LegacyCookie> legacyCookies() {
    return legacyCookies;
  }

  /** The clock session times are read from. */
  public Clock clock() {
    return clock;
  }

  /**
   * The session affinity for this configuration: give it to {@link
   * dev.lbkit.core.LoadBalancer.Builder#affinity}. Logs one WARN for tokens without a secret and
   * for a secret that does not look random.
   *
   * @throws IllegalArgumentException if there is no secret and {@link
   *     Builder#insecureUnsignedTokens()} was not chosen: without a secret anyone can mint a token
   *     for any backend, so lbkit does not start such sessions by default. The configuration
   *     readers give values without secrets, to be completed with {@code toBuilder().secrets(...)}
   */
  public SessionAffinity toAffinity() {
    checkArgument(
        !secrets.isEmpty() || insecureUnsignedTokens,
        "secrets: none for session %s (expected: a secret of 32 random bytes, the same on every"
            + " replica, e.g. from `openssl rand -base64 32`, given with secrets(...), the"
            + " secretEnv or secretFile settings; or insecureUnsignedTokens() to accept tokens"
            + " any client can forge)",
        name);
    return new StickyAffinity(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SessionPersistence)) {
      return false;
    }
    SessionPersistence that = (SessionPersistence) o;
    return type == that.type
        && name.equals(that.name)
        && mode == that.mode
        && onUnavailable == that.onUnavailable
        && changeOnFailure == that.changeOnFailure
        && Objects.equals(absoluteTimeout, that.absoluteTimeout)
        && Objects.equals(idleTimeout, that.idleTimeout)
        && lifetime == that.lifetime
        && refresh == that.refresh
        && Objects.equals(cookieAttributes, that.cookieAttributes)
        && Objects.equals(scope, that.scope)
        && secrets.equals(that.secrets)
        && insecureUnsignedTokens == that.insecureUnsignedTokens
        && macAlgorithm == that.macAlgorithm
        && verifiedTokenCache == that.verifiedTokenCache
        && legacyCookies.equals(that.legacyCookies)
        && clock.equals(that.clock);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        type,
        name,
        mode,
        onUnavailable,
        changeOnFailure,
        absoluteTimeout,
        idleTimeout,
        lifetime,
        refresh,
        cookieAttributes,
        scope,
        secrets,
        insecureUnsignedTokens,
        macAlgorithm,
        verifiedTokenCache,
        legacyCookies,
        clock);
  }

  /** Every option except the secrets, of which only the number is shown. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("SessionPersistence{")
            .append(type)
            .append(' ')
            .append(name)
            .append(", ")
            .append(mode);
    if (absoluteTimeout != null) {
      sb.append(", absoluteTimeout=").append(absoluteTimeout);
    }
    if (idleTimeout != null) {
      sb.append(", idleTimeout=").append(idleTimeout);
    }
    if (cookieAttributes != null) {
      sb.append(", lifetime=").append(lifetime).append(", ").append(cookieAttributes);
    }
    sb.append(", refresh=")
        .append(refresh)
        .append(", onUnavailable=")
        .append(onUnavailable)
        .append(", changeOnFailure=")
        .append(changeOnFailure);
    if (scope != null) {
      sb.append(", scope=").append(scope);
    }
    sb.append(", secrets=")
        .append(secrets.size())
        .append(insecureUnsignedTokens ? " (insecure: unsigned tokens)" : " (redacted)")
        .append(", mac=")
        .append(macAlgorithm);
    if (verifiedTokenCache != DEFAULT_VERIFIED_TOKEN_CACHE) {
      sb.append(", verifiedTokenCache=").append(verifiedTokenCache);
    }
    if (!legacyCookies.isEmpty()) {
      sb.append(", legacyCookies=").append(legacyCookies);
    }
    return sb.append('}').toString();
  }

  // -- validation helpers, shared with the builder ------------------------------------------

  /** RFC 6265 cookie-name and RFC 9110 field-name: both are tokens. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void checkTimeout(String field, @Nullable Duration timeout) {
    if (timeout == null) {
      return;
    }
    checkArgument(
        timeout.getNano() == 0
            && timeout.compareTo(Duration.ofSeconds(1)) >= 0
            && timeout.compareTo(MAX_TIMEOUT) <= 0,
        "%s: %s (expected: whole seconds, 1s..3650d)",
        field,
        timeout);
  }

  /** Headers a session header may not replace: framing, routing and the cookie headers. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "content-type",
          "cookie",
          "host",
          "keep-alive",
          "location",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "set-cookie",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "authorization",
          "www-authenticate");

  /**
   * The options cookie and header sessions share; {@link CookieBuilder} and {@link HeaderBuilder}
   * add their own. Every setter may be called in any order.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static sealed class Builder<B extends Builder<B>>
      permits CookieBuilder, HeaderBuilder {
    private final Type type;
    private final String name;
    private Mode mode = Mode.PERSISTENT;
    private OnUnavailable onUnavailable = OnUnavailable.REBALANCE;
    private boolean changeOnFailure = true;
    private @Nullable Duration absoluteTimeout;
    private @Nullable Duration idleTimeout;
    private @Nullable Refresh refresh;
    private @Nullable String scope;
    private List<String> secrets = new ArrayList<>();
    private boolean insecureUnsignedTokens;
    private MacAlgorithm macAlgorithm = MacAlgorithm.SIPHASH_2_4;
    private int verifiedTokenCache = DEFAULT_VERIFIED_TOKEN_CACHE;
    private Clock clock = Clock.systemUTC();
    // Cookie sessions only; set through CookieBuilder.
    private CookieAttributes cookieAttributes = CookieAttributes.ofDefaults();
    private Lifetime lifetime = Lifetime.SESSION;
    private List<LegacyCookie> legacyCookies = new ArrayList<>();

    private Builder(Type type, String name) {
      this.type = type;
      this.name = Objects.requireNonNull(name, "name");
    }

    abstract B self();

    /** {@link Mode#PERSISTENT} unless set. */
    public B mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return self();
    }

    /** {@link OnUnavailable#REBALANCE} unless set. */
    public B onUnavailable(OnUnavailable onUnavailable) {
      this.onUnavailable = Objects.requireNonNull(onUnavailable, "onUnavailable");
      return self();
    }

    /**
     * Whether a retry after a failure may leave the session's backend and move the session there
     * (true unless set, as NGINX {@code sticky}; ingress-nginx defaults to false).
     */
    public B changeOnFailure(boolean changeOnFailure) {
      this.changeOnFailure = changeOnFailure;
      return self();
    }

    /** The most a session may live from its start: whole seconds, 1s..3650d; none unless set. */
    public B absoluteTimeout(@Nullable Duration absoluteTimeout) {
      this.absoluteTimeout = absoluteTimeout;
      return self();
    }

    /**
     * The longest a session may stay without requests: whole seconds, 1s..3650d; none unless set.
     * Implies {@link Refresh#EVERY_RESPONSE}.
     */
    public B idleTimeout(@Nullable Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return self();
    }

    /**
     * When the token is re-sent: {@link Refresh#ON_CHANGE} unless set, {@link
     * Refresh#EVERY_RESPONSE} when there is an idle timeout.
     */
    public B refresh(Refresh refresh) {
      this.refresh = Objects.requireNonNull(refresh, "refresh");
      return self();
    }

    /**
     * The scope sessions belong to (a route rule's name, say); {@code null} (the default) for the
     * upstream's name. Tokens are bound to their scope: another scope never accepts them.
     */
    public B scope(@Nullable String scope) {
      this.scope = scope;
      return self();
    }

    /**
     * The secrets that authenticate tokens, replacing any set before: the first signs, every one
     * verifies (list the new one first when rotating). Each at least {@value #MIN_SECRET_BYTES}
     * bytes; 32 random bytes, base64-encoded, are a good secret ({@code openssl rand -base64 32}).
     * Required, unless {@link #insecureUnsignedTokens()}.
     *
     * @throws IllegalArgumentException for a null list or a null secret (an unset environment
     *     variable, typically), naming the option
     */
    public B secrets(@Nullable List<@Nullable String> secrets) {
      checkArgument(
          secrets != null,
          "secrets: null (expected: a list of secrets; is the environment variable or file that"
              + " should hold them set?)");
      List<String> copy = new ArrayList<>(secrets.size());
      for (int i = 0; i < secrets.size(); i++) {
        String secret = secrets.get(i);
        checkArgument(
            secret != null,
            "secrets[%s]: null (expected: a secret of at least %s bytes; is the environment"
                + " variable or file that should hold it set?)",
            i,
            MIN_SECRET_BYTES);
        copy.add(secret);
      }
      this.secrets = copy;
      return self();
    }

    /** As {@link #secrets(List)}. */
    public B secrets(@Nullable String @Nullable ... secrets) {
      checkArgument(
          secrets != null,
          "secrets: null (expected: secrets; is the environment variable that should hold them"
              + " set?)");
      return secrets(Arrays.asList(secrets));
    }

    /**
     * Accept session tokens without a secret: opaque, but any client that learns the format can
     * forge one to choose its backend. For tests and demos only; without it, a session persistence
     * with no {@link #secrets(List) secrets} is refused by {@link SessionPersistence#toAffinity()}.
     */
    public B insecureUnsignedTokens() {
      this.insecureUnsignedTokens = true;
      return self();
    }

    /** {@link MacAlgorithm#SIPHASH_2_4} unless set. Changing it invalidates every live token. */
    public B macAlgorithm(MacAlgorithm macAlgorithm) {
      this.macAlgorithm = Objects.requireNonNull(macAlgorithm, "macAlgorithm");
      return self();
    }

    /**
     * How many recently verified tokens to remember ({@value #DEFAULT_VERIFIED_TOKEN_CACHE} unless
     * set): a token sent again while remembered is recognised by its bytes, without computing its
     * MAC or allocating. A power of two up to {@value #MAX_VERIFIED_TOKEN_CACHE}, or 0 to verify
     * every token every time. Each remembered token takes about 100 bytes.
     */
    public B verifiedTokenCache(int tokens) {
      checkArgument(
          tokens == 0
              || (tokens > 0
                  && tokens <= MAX_VERIFIED_TOKEN_CACHE
                  && Integer.bitCount(tokens) == 1),
          "verifiedTokenCache: %s (expected: 0, or a power of two from 1 to %s)",
          tokens,
          MAX_VERIFIED_TOKEN_CACHE);
      this.verifiedTokenCache = tokens;
      return self();
    }

    /** The clock session times are read from; the system UTC clock unless set. */
    public B clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return self();
    }

    /**
     * Checks every option against the others and builds the configuration.
     *
     * @throws IllegalArgumentException naming the first option that is not allowed
     */
    public SessionPersistence build() {
      String n = name;
      checkArgument(
          isToken(n),
          "name: \"%s\" (expected: RFC 6265 token characters: letters, digits and"
              + " !#$%%&'*+-.^_`|~)",
          n);
      checkTimeout("absoluteTimeout", absoluteTimeout);
      checkTimeout("idleTimeout", idleTimeout);
      checkArgument(
          lifetime != Lifetime.PERMANENT || absoluteTimeout != null || idleTimeout != null,
          "lifetime: PERMANENT (expected: an absoluteTimeout or an idleTimeout too, which sets"
              + " the cookie's Max-Age; or lifetime SESSION)");
      checkArgument(
          refresh != Refresh.ON_CHANGE || idleTimeout == null,
          "refresh: ON_CHANGE (expected: EVERY_RESPONSE, or unset, with an idleTimeout: the"
              + " last-seen time must reach the client on every response)");
      if (type == Type.HEADER) {
        checkArgument(
            !RESERVED_HEADERS.contains(n.toLowerCase(Locale.ROOT))
                && !n.regionMatches(true, 0, "proxy-", 0, 6),
            "name: %s (expected: a header name of its own, not a framing, routing or cookie"
                + " header)",
            n);
      } else {
        cookieAttributes.checkFitsName("attributes", n);
      }
      if (scope != null) {
        checkArgument(!scope.isEmpty(), "scope: \"\" (expected: a non-empty string, or null)");
      }
      checkArgument(
          secrets.size() <= MAX_SECRETS,
          "secrets: %s of them (expected: at most %s)",
          secrets.size(),
          MAX_SECRETS);
      checkArgument(
          !insecureUnsignedTokens || secrets.isEmpty(),
          "insecureUnsignedTokens: set with %s secrets (expected: one or the other)",
          secrets.size());
      Set<String> distinct = new LinkedHashSet<>();
      for (int i = 0; i < secrets.size(); i++) {
        // A placeholder the container did not substitute is a public string: a key anyone knows.
        checkArgument(
            !secrets.get(i).contains("${"),
            "secrets[%s]: an unresolved ${...} placeholder (expected: the secret itself; the"
                + " container passed the placeholder through, so read the secret with secretEnv"
                + " or secretFile instead)",
            i);
        int bytes = secrets.get(i).getBytes(StandardCharsets.UTF_8).length;
        // The value itself is never printed: it is a key.
        checkArgument(
            bytes >= MIN_SECRET_BYTES,
            "secrets[%s]: %s bytes (expected: at least %s bytes, e.g. 32 random bytes in base64)",
            i,
            bytes,
            MIN_SECRET_BYTES);
        checkArgument(
            distinct.add(secrets.get(i)),
            "secrets[%s]: a repeat of an earlier secret (expected: distinct secrets)",
            i);
      }
      Set<LegacyCookie> distinctLegacy = new LinkedHashSet<>(legacyCookies);
      checkArgument(
          distinctLegacy.size() == legacyCookies.size(),
          "legacyCookies: %s (expected: no repeats)",
          legacyCookies);
      return new SessionPersistence(this);
    }
  }

  /** Builds a cookie session: the shared options plus cookie attributes, lifetime and legacy. */
  public static final class CookieBuilder extends Builder<CookieBuilder> {
    private CookieBuilder(String name) {
      super(Type.COOKIE, name);
    }

    @Override
    CookieBuilder self() {
      return this;
    }

    /** The cookie's attributes: {@link CookieAttributes#ofDefaults()} unless set. */
    public CookieBuilder attributes(CookieAttributes attributes) {
      ((Builder<?>) this).cookieAttributes = Objects.requireNonNull(attributes, "attributes");
      return this;
    }

    /**
     * {@link Lifetime#SESSION} unless set; {@link Lifetime#PERMANENT} needs an absolute or an idle
     * timeout.
     */
    public CookieBuilder lifetime(Lifetime lifetime) {
      ((Builder<?>) this).lifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Cookie values of other products to read and re-issue in lbkit's format, replacing any set
     * before; none unless set. They are read under this session's cookie name, or under a name of
     * their own ({@link LegacyCookie#springInstanceId(String)}), and only when the request holds no
     * valid token of this session.
     */
    public CookieBuilder legacyCookies(Collection<LegacyCookie> legacyCookies) {
      Objects.requireNonNull(legacyCookies, "legacyCookies");
      List<LegacyCookie> copy = new ArrayList<>(legacyCookies.size());
      for (LegacyCookie l : legacyCookies) {
        copy.add(Objects.requireNonNull(l, "legacyCookie"));
      }
      ((Builder<?>) this).legacyCookies = copy;
      return this;
    }

    /** As {@link #legacyCookies(Collection)}. */
    public CookieBuilder legacyCookies(LegacyCookie... legacyCookies) {
      return legacyCookies(List.of(legacyCookies));
    }
  }

  /**
   * Builds a header session: the shared options only. A header has no attributes or expiry, and its
   * name may not be a framing, routing or cookie header.
   */
  public static final class HeaderBuilder extends Builder<HeaderBuilder> {
    private HeaderBuilder(String name) {
      super(Type.HEADER, name);
    }

    @Override
    HeaderBuilder self() {
      return this;
    }
  }
}
