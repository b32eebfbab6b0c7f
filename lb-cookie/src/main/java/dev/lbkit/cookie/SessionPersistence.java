package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.cookie.internal.StickyAffinity;
import dev.lbkit.core.SessionAffinity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 * SessionAffinity} a {@link dev.lbkit.core.LoadBalancer} uses.
 *
 * <pre>{@code
 * SessionPersistence tea = SessionPersistence.cookie("srv_id")
 *     .path("/tea")
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

  /** When the cookie carries the {@code Secure} attribute. */
  public enum Secure {
    /** Always (required by the {@code __Secure-} and {@code __Host-} name prefixes). */
    ALWAYS,
    /** Never. */
    NEVER,
    /** When the request arrived over TLS, as ingress-nginx does by default. */
    WHEN_REQUEST_SECURE
  }

  /** The cookie's {@code SameSite} attribute. */
  public enum SameSite {
    /** {@code SameSite=Strict}. */
    STRICT("Strict"),
    /** {@code SameSite=Lax}. */
    LAX("Lax"),
    /** {@code SameSite=None}; browsers require {@code Secure} with it. */
    NONE("None");

    private final String attributeValue;

    SameSite(String attributeValue) {
      this.attributeValue = attributeValue;
    }

    /** The attribute value as sent: {@code Strict}, {@code Lax} or {@code None}. */
    public String attributeValue() {
      return attributeValue;
    }
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
  private final String path;
  private final @Nullable String domain;
  private final Secure secure;
  private final boolean httpOnly;
  private final @Nullable SameSite sameSite;
  private final boolean omitSameSiteNoneForIncompatibleClients;
  private final @Nullable String scope;
  private final List<String> secrets;
  private final MacAlgorithm macAlgorithm;
  private final List<LegacyCookie> legacyCookies;
  private final Clock clock;

  private SessionPersistence(Builder b) {
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
    this.path = b.path;
    this.domain = b.domain;
    this.secure = b.secure;
    this.httpOnly = b.httpOnly;
    this.sameSite = b.sameSite;
    this.omitSameSiteNoneForIncompatibleClients = b.omitSameSiteNoneForIncompatibleClients;
    this.scope = b.scope;
    this.secrets = List.copyOf(b.secrets);
    this.macAlgorithm = b.macAlgorithm;
    this.legacyCookies = List.copyOf(b.legacyCookies);
    this.clock = b.clock;
  }

  /** Starts building a cookie session named {@code name} (Gateway API {@code type: Cookie}). */
  public static Builder cookie(String name) {
    return new Builder().type(Type.COOKIE).name(name);
  }

  /** Starts building a header session named {@code name} (Gateway API {@code type: Header}). */
  public static Builder header(String name) {
    return new Builder().type(Type.HEADER).name(name);
  }

  /** Starts building with nothing set: a {@link Builder#name name} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every option of this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.type = type;
    b.name = name;
    b.mode = mode;
    b.onUnavailable = onUnavailable;
    b.changeOnFailure = changeOnFailure;
    b.absoluteTimeout = absoluteTimeout;
    b.idleTimeout = idleTimeout;
    b.lifetime = lifetime;
    b.refresh = configuredRefresh;
    b.path = path;
    b.pathSet = !"/".equals(path);
    b.domain = domain;
    b.secure = secure;
    b.secureSet = secure != Secure.WHEN_REQUEST_SECURE;
    b.httpOnly = httpOnly;
    b.httpOnlySet = !httpOnly;
    b.sameSite = sameSite;
    b.omitSameSiteNoneForIncompatibleClients = omitSameSiteNoneForIncompatibleClients;
    b.scope = scope;
    b.secrets = new ArrayList<>(secrets);
    b.macAlgorithm = macAlgorithm;
    b.legacyCookies = new ArrayList<>(legacyCookies);
    b.clock = clock;
    return b;
  }

  /**
   * The cookie path for a route rule matched by {@code matchType} and {@code value}, as
   * ingress-nginx defaults the cookie path to the matched location: {@code Exact} and {@code
   * PathPrefix} (Gateway API) or {@code Prefix} (Kubernetes Ingress) give the path itself, without
   * a trailing slash ({@code /tea/} gives {@code /tea}, which a browser sends to {@code /tea} and
   * {@code /tea/...} alike). A regular expression or a wildcard never becomes a cookie path.
   *
   * @throws IllegalArgumentException for {@code RegularExpression}, {@code ImplementationSpecific}
   *     or any other match type, and for a value that is not an absolute path or looks like a
   *     pattern; set {@link Builder#path} explicitly then
   */
  public static String routeCookiePath(String matchType, String value) {
    Objects.requireNonNull(matchType, "matchType");
    Objects.requireNonNull(value, "value");
    checkArgument(
        matchType.equals("Exact") || matchType.equals("PathPrefix") || matchType.equals("Prefix"),
        "route match type: %s (expected: Exact, PathPrefix or Prefix; a regular expression or an"
            + " implementation-specific path cannot be a cookie path, so set path explicitly)",
        matchType);
    checkArgument(
        !looksLikePattern(value),
        "route path: %s (expected: a literal path; it looks like a regular expression or a"
            + " wildcard, so set path explicitly)",
        value);
    String path = value;
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    checkPath("route path", path);
    return path;
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

  /** The cookie's {@code Path}. */
  public String path() {
    return path;
  }

  /** The cookie's {@code Domain}, or {@code null} for a host-only cookie. */
  public @Nullable String domain() {
    return domain;
  }

  /** When the cookie is {@code Secure}. */
  public Secure secure() {
    return secure;
  }

  /** Whether the cookie is {@code HttpOnly}. */
  public boolean httpOnly() {
    return httpOnly;
  }

  /** The cookie's {@code SameSite}, or {@code null} to send none. */
  public @Nullable SameSite sameSite() {
    return sameSite;
  }

  /**
   * Whether {@code SameSite=None} is left out for user agents known to reject or mishandle it
   * (ingress-nginx {@code session-cookie-conditional-samesite-none}).
   */
  public boolean omitSameSiteNoneForIncompatibleClients() {
    return omitSameSiteNoneForIncompatibleClients;
  }

  /**
   * The scope sessions belong to, or {@code null} for the default: the name of the upstream the
   * load balancer picks from. Two scopes never share sessions, even with the same name.
   */
  public @Nullable String scope() {
    return scope;
  }

  /** The secrets: the first signs new tokens, all verify. Empty: tokens can be forged. */
  public List<String> secrets() {
    return secrets;
  }

  /** The function that authenticates tokens. */
  public MacAlgorithm macAlgorithm() {
    return macAlgorithm;
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
   * dev.lbkit.core.LoadBalancer.Builder#affinity}. Logs one WARN if no secret is configured.
   */
  public SessionAffinity toAffinity() {
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
        && path.equals(that.path)
        && Objects.equals(domain, that.domain)
        && secure == that.secure
        && httpOnly == that.httpOnly
        && sameSite == that.sameSite
        && omitSameSiteNoneForIncompatibleClients == that.omitSameSiteNoneForIncompatibleClients
        && Objects.equals(scope, that.scope)
        && secrets.equals(that.secrets)
        && macAlgorithm == that.macAlgorithm
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
        path,
        domain,
        secure,
        httpOnly,
        sameSite,
        omitSameSiteNoneForIncompatibleClients,
        scope,
        secrets,
        macAlgorithm,
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
    if (type == Type.COOKIE) {
      sb.append(", lifetime=").append(lifetime).append(", path=").append(path);
      if (domain != null) {
        sb.append(", domain=").append(domain);
      }
      sb.append(", secure=").append(secure).append(", httpOnly=").append(httpOnly);
      if (sameSite != null) {
        sb.append(", sameSite=").append(sameSite);
        if (omitSameSiteNoneForIncompatibleClients) {
          sb.append(" (omitted for incompatible clients)");
        }
      }
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
        .append(" (redacted)")
        .append(", mac=")
        .append(macAlgorithm);
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

  private static boolean looksLikePattern(String value) {
    for (int i = 0; i < value.length(); i++) {
      if ("*^$()[]{}|\\?+".indexOf(value.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static void checkPath(String field, String path) {
    checkArgument(
        path.startsWith("/"), "%s: %s (expected: an absolute path starting with /)", field, path);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      checkArgument(
          c > 0x20 && c < 0x7f && c != ';' && c != '"' && c != '\\' && c != ',',
          "%s: %s (expected: visible ASCII without ';', ',', '\"' or '\\', percent-encoded"
              + " otherwise)",
          field,
          path);
    }
  }

  private static void checkDomain(String domain) {
    String d = domain.startsWith(".") ? domain.substring(1) : domain;
    boolean ok = !d.isEmpty() && d.length() <= 253 && !d.startsWith("-") && !d.endsWith(".");
    int labelLength = 0;
    for (int i = 0; ok && i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '.') {
        ok = labelLength > 0;
        labelLength = 0;
      } else {
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        labelLength++;
        ok &= labelLength <= 63;
      }
    }
    checkArgument(
        ok, "domain: %s (expected: a host name such as example.com or .example.com)", domain);
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

  /** Builds a {@link SessionPersistence}; every setter may be called in any order. */
  public static final class Builder {
    private Type type = Type.COOKIE;
    private @Nullable String name;
    private Mode mode = Mode.PERSISTENT;
    private OnUnavailable onUnavailable = OnUnavailable.REBALANCE;
    private boolean changeOnFailure = true;
    private @Nullable Duration absoluteTimeout;
    private @Nullable Duration idleTimeout;
    private Lifetime lifetime = Lifetime.SESSION;
    private @Nullable Refresh refresh;
    private String path = "/";
    private boolean pathSet;
    private @Nullable String domain;
    private Secure secure = Secure.WHEN_REQUEST_SECURE;
    private boolean secureSet;
    private boolean httpOnly = true;
    private boolean httpOnlySet;
    private @Nullable SameSite sameSite;
    private boolean omitSameSiteNoneForIncompatibleClients;
    private @Nullable String scope;
    private List<String> secrets = new ArrayList<>();
    private MacAlgorithm macAlgorithm = MacAlgorithm.SIPHASH_2_4;
    private List<LegacyCookie> legacyCookies = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Cookie (the default) or header. */
    public Builder type(Type type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** The cookie or header name: RFC 6265 token characters. Required. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** {@link Mode#PERSISTENT} unless set. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** {@link OnUnavailable#REBALANCE} unless set. */
    public Builder onUnavailable(OnUnavailable onUnavailable) {
      this.onUnavailable = Objects.requireNonNull(onUnavailable, "onUnavailable");
      return this;
    }

    /**
     * Whether a retry after a failure may leave the session's backend and move the session there
     * (true unless set, as NGINX {@code sticky}; ingress-nginx defaults to false).
     */
    public Builder changeOnFailure(boolean changeOnFailure) {
      this.changeOnFailure = changeOnFailure;
      return this;
    }

    /** The most a session may live from its start: whole seconds, 1s..3650d; none unless set. */
    public Builder absoluteTimeout(@Nullable Duration absoluteTimeout) {
      this.absoluteTimeout = absoluteTimeout;
      return this;
    }

    /**
     * The longest a session may stay without requests: whole seconds, 1s..3650d; none unless set.
     * Implies {@link Refresh#EVERY_RESPONSE}.
     */
    public Builder idleTimeout(@Nullable Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * {@link Lifetime#SESSION} unless set; {@link Lifetime#PERMANENT} needs an absolute or an idle
     * timeout.
     */
    public Builder lifetime(Lifetime lifetime) {
      this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * When the token is re-sent: {@link Refresh#ON_CHANGE} unless set, {@link
     * Refresh#EVERY_RESPONSE} when there is an idle timeout.
     */
    public Builder refresh(Refresh refresh) {
      this.refresh = Objects.requireNonNull(refresh, "refresh");
      return this;
    }

    /** The cookie's {@code Path}: {@code /} unless set. See {@link #routeCookiePath}. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      this.pathSet = true;
      return this;
    }

    /** The cookie's {@code Domain}; {@code null} (the default) for a host-only cookie. */
    public Builder domain(@Nullable String domain) {
      this.domain = domain;
      return this;
    }

    /** When the cookie is {@code Secure}: {@link Secure#WHEN_REQUEST_SECURE} unless set. */
    public Builder secure(Secure secure) {
      this.secure = Objects.requireNonNull(secure, "secure");
      this.secureSet = true;
      return this;
    }

    /** Whether the cookie is {@code HttpOnly}: true unless set. */
    public Builder httpOnly(boolean httpOnly) {
      this.httpOnly = httpOnly;
      this.httpOnlySet = true;
      return this;
    }

    /** The cookie's {@code SameSite}; {@code null} (the default) sends none. */
    public Builder sameSite(@Nullable SameSite sameSite) {
      this.sameSite = sameSite;
      return this;
    }

    /**
     * Leave out {@code SameSite=None} for user agents known to reject or mishandle it, by the list
     * ingress-nginx uses: Chrome 40 to 69, iOS 12 (iPhone and iPad), and Safari on macOS 10.14.
     * False unless set.
     */
    public Builder omitSameSiteNoneForIncompatibleClients(boolean omit) {
      this.omitSameSiteNoneForIncompatibleClients = omit;
      return this;
    }

    /**
     * The scope sessions belong to (a route rule's name, say); {@code null} (the default) for the
     * upstream's name. Tokens are bound to their scope: another scope never accepts them.
     */
    public Builder scope(@Nullable String scope) {
      this.scope = scope;
      return this;
    }

    /**
     * The secrets that authenticate tokens, replacing any set before: the first signs, every one
     * verifies (list the new one first when rotating). Each at least {@value #MIN_SECRET_BYTES}
     * bytes; 32 random bytes, base64-encoded, are a good secret. None unless set: tokens are opaque
     * but anyone can forge one.
     */
    public Builder secrets(List<String> secrets) {
      Objects.requireNonNull(secrets, "secrets");
      List<String> copy = new ArrayList<>(secrets.size());
      for (String s : secrets) {
        copy.add(Objects.requireNonNull(s, "secret"));
      }
      this.secrets = copy;
      return this;
    }

    /** As {@link #secrets(List)}. */
    public Builder secrets(String... secrets) {
      return secrets(List.of(secrets));
    }

    /** {@link MacAlgorithm#SIPHASH_2_4} unless set. Changing it invalidates every live token. */
    public Builder macAlgorithm(MacAlgorithm macAlgorithm) {
      this.macAlgorithm = Objects.requireNonNull(macAlgorithm, "macAlgorithm");
      return this;
    }

    /**
     * Cookie values of other products, under this session's cookie name, to read and re-issue in
     * lbkit's format, replacing any set before; none unless set. Cookie sessions only.
     */
    public Builder legacyCookies(Collection<LegacyCookie> legacyCookies) {
      Objects.requireNonNull(legacyCookies, "legacyCookies");
      List<LegacyCookie> copy = new ArrayList<>(legacyCookies.size());
      for (LegacyCookie l : legacyCookies) {
        copy.add(Objects.requireNonNull(l, "legacyCookie"));
      }
      this.legacyCookies = copy;
      return this;
    }

    /** As {@link #legacyCookies(Collection)}. */
    public Builder legacyCookies(LegacyCookie... legacyCookies) {
      return legacyCookies(List.of(legacyCookies));
    }

    /** The clock session times are read from; the system UTC clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Checks every option against the others and builds the configuration.
     *
     * @throws IllegalArgumentException naming the first option that is not allowed
     */
    public SessionPersistence build() {
      checkArgument(name != null, "name: null (expected: a cookie or header name)");
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
        checkArgument(
            !pathSet
                && domain == null
                && !secureSet
                && !httpOnlySet
                && sameSite == null
                && !omitSameSiteNoneForIncompatibleClients,
            "type: HEADER (expected: no cookie attributes: path, domain, secure, httpOnly,"
                + " sameSite are for type COOKIE)");
        checkArgument(
            lifetime == Lifetime.SESSION,
            "lifetime: %s (expected: SESSION for type HEADER; a header has no expiry)",
            lifetime);
        checkArgument(
            legacyCookies.isEmpty(),
            "legacyCookies: %s (expected: none for type HEADER; they are cookie values)",
            legacyCookies);
      }
      checkPath("path", path);
      if (domain != null) {
        checkDomain(domain);
      }
      checkArgument(
          sameSite != SameSite.NONE || secure != Secure.NEVER,
          "secure: NEVER (expected: ALWAYS or WHEN_REQUEST_SECURE with sameSite NONE, which"
              + " browsers reject without Secure)");
      checkArgument(
          !omitSameSiteNoneForIncompatibleClients || sameSite == SameSite.NONE,
          "omitSameSiteNoneForIncompatibleClients: true (expected: only with sameSite NONE, got"
              + " %s)",
          sameSite);
      if (n.startsWith("__Secure-") || n.startsWith("__Host-")) {
        checkArgument(
            secure == Secure.ALWAYS,
            "secure: %s (expected: ALWAYS for a cookie named %s, as its prefix requires)",
            secure,
            n);
      }
      if (n.startsWith("__Host-")) {
        checkArgument(
            path.equals("/") && domain == null,
            "path and domain: %s, %s (expected: path / and no domain for a __Host- cookie)",
            path,
            domain);
      }
      if (scope != null) {
        checkArgument(!scope.isEmpty(), "scope: \"\" (expected: a non-empty string, or null)");
      }
      checkArgument(
          secrets.size() <= MAX_SECRETS,
          "secrets: %s of them (expected: at most %s)",
          secrets.size(),
          MAX_SECRETS);
      Set<String> distinct = new LinkedHashSet<>();
      for (int i = 0; i < secrets.size(); i++) {
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
}
