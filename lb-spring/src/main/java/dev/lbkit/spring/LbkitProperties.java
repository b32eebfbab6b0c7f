package dev.lbkit.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lbkit.*} properties: upstreams, their methods and session persistence, the client
 * address and the token secrets. Words are nginx's ({@code method: least_conn}, {@code max-fails},
 * {@code fail-timeout: 10s}) and the Gateway API's ({@code session-persistence.session-name},
 * {@code type}, {@code absolute-timeout}, {@code cookie-config.lifetime-type}); Spring's relaxed
 * binding accepts them camel-cased as the API writes them ({@code sessionName}) too.
 *
 * <pre>{@code
 * lbkit:
 *   session-secrets-env: LBKIT_SESSION_SECRET
 *   upstreams:
 *     tea:
 *       method: least_conn
 *       session-persistence:
 *         session-name: cookie-tea
 *         absolute-timeout: 24h
 *         cookie-config.lifetime-type: Permanent
 * }</pre>
 *
 * <p>Values are checked when the application starts; a bad one stops it with the property's full
 * name, the value and what is allowed. See {@code docs/spring.md} for every property.
 */
@ConfigurationProperties(LbkitProperties.PREFIX)
public class LbkitProperties {
  /** The prefix of every lbkit property. */
  public static final String PREFIX = "lbkit";

  /** Whether lbkit's auto-configuration is on. */
  private boolean enabled = true;

  /**
   * Session token secrets, current first (at least 16 bytes each). Prefer session-secrets-env or
   * session-secrets-file: a secret in a configuration file is a secret in version control.
   */
  private List<String> sessionSecrets = new ArrayList<>();

  /** The environment variable that holds the session token secrets (comma-separated). */
  private @Nullable String sessionSecretsEnv;

  /** The file that holds the session token secrets (one per line). */
  private @Nullable String sessionSecretsFile;

  /**
   * Issue session tokens without a MAC when no secret is given: any client can then forge a token
   * naming any backend. For tests and demos only.
   */
  private boolean insecureUnsignedTokens;

  /** Where the client address comes from (ip_hash, $remote_addr keys, status pages). */
  private final ClientAddress clientAddress = new ClientAddress();

  /** The upstreams, by name: each is a backend group with its method and session persistence. */
  private Map<String, Upstream> upstreams = new LinkedHashMap<>();

  /** The Redis that holds server-side session tables, shared by replicas (needs lb-redis). */
  private final Redis redis = new Redis();

  /** Whether lbkit's auto-configuration is on. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether lbkit's auto-configuration is on. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The session token secrets given in the configuration. */
  public List<String> getSessionSecrets() {
    return sessionSecrets;
  }

  /** Sets the session token secrets. */
  public void setSessionSecrets(List<String> sessionSecrets) {
    this.sessionSecrets = sessionSecrets;
  }

  /** The environment variable that holds the session token secrets. */
  public @Nullable String getSessionSecretsEnv() {
    return sessionSecretsEnv;
  }

  /** Sets the environment variable that holds the session token secrets. */
  public void setSessionSecretsEnv(@Nullable String sessionSecretsEnv) {
    this.sessionSecretsEnv = sessionSecretsEnv;
  }

  /** The file that holds the session token secrets. */
  public @Nullable String getSessionSecretsFile() {
    return sessionSecretsFile;
  }

  /** Sets the file that holds the session token secrets. */
  public void setSessionSecretsFile(@Nullable String sessionSecretsFile) {
    this.sessionSecretsFile = sessionSecretsFile;
  }

  /** Whether unsigned tokens are allowed when no secret is given. */
  public boolean isInsecureUnsignedTokens() {
    return insecureUnsignedTokens;
  }

  /** Sets whether unsigned tokens are allowed when no secret is given. */
  public void setInsecureUnsignedTokens(boolean insecureUnsignedTokens) {
    this.insecureUnsignedTokens = insecureUnsignedTokens;
  }

  /** Where the client address comes from. */
  public ClientAddress getClientAddress() {
    return clientAddress;
  }

  /** The upstreams by name. */
  public Map<String, Upstream> getUpstreams() {
    return upstreams;
  }

  /** Sets the upstreams by name. */
  public void setUpstreams(Map<String, Upstream> upstreams) {
    this.upstreams = upstreams;
  }

  /**
   * The client address, as nginx's realip module finds it: the peer, or the address a trusted proxy
   * put in a header.
   */
  public static class ClientAddress {
    /** The proxies (addresses or CIDRs) whose header is believed, as nginx set_real_ip_from. */
    private List<String> trustedProxies = new ArrayList<>();

    /** The header a trusted proxy writes the client address in, as nginx real_ip_header. */
    private String header = "X-Forwarded-For";

    /** Skip trusted proxies from the right of the header's list, as nginx real_ip_recursive on. */
    private boolean recursive = true;

    /** The trusted proxies. */
    public List<String> getTrustedProxies() {
      return trustedProxies;
    }

    /** Sets the trusted proxies. */
    public void setTrustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
    }

    /** The header trusted proxies write the client address in. */
    public String getHeader() {
      return header;
    }

    /** Sets the header trusted proxies write the client address in. */
    public void setHeader(String header) {
      this.header = header;
    }

    /** Whether trusted proxies are skipped from the right of the header's list. */
    public boolean isRecursive() {
      return recursive;
    }

    /** Sets whether trusted proxies are skipped from the right of the header's list. */
    public void setRecursive(boolean recursive) {
      this.recursive = recursive;
    }
  }

  /** The Redis of the server-side session tables. */
  public Redis getRedis() {
    return redis;
  }

  /** Where server-side session tables live when they are shared: a Redis (lb-redis). */
  public static class Redis {
    /**
     * The Redis, {@code redis://host:port} or {@code rediss://...}; tables stay in memory if unset.
     */
    private @Nullable String uri;

    /** The longest a lookup waits for Redis before it counts as no session, as an nginx time. */
    private String timeout = "50ms";

    /** What every key starts with; replicas that share sessions use the same. */
    private String keyPrefix = "lbkit:session:";

    /** Bindings each table keeps locally; 0 turns the near-cache off. */
    private long nearCacheSize = 100_000;

    /** How long a near-cached binding is trusted, as an nginx time. */
    private String nearCacheTtl = "10s";

    /** The Redis URI. */
    public @Nullable String getUri() {
      return uri;
    }

    /** Sets the Redis URI. */
    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    /** The lookup timeout. */
    public String getTimeout() {
      return timeout;
    }

    /** Sets the lookup timeout. */
    public void setTimeout(String timeout) {
      this.timeout = timeout;
    }

    /** The key prefix. */
    public String getKeyPrefix() {
      return keyPrefix;
    }

    /** Sets the key prefix. */
    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    /** The near-cache size. */
    public long getNearCacheSize() {
      return nearCacheSize;
    }

    /** Sets the near-cache size. */
    public void setNearCacheSize(long nearCacheSize) {
      this.nearCacheSize = nearCacheSize;
    }

    /** The near-cache time to live. */
    public String getNearCacheTtl() {
      return nearCacheTtl;
    }

    /** Sets the near-cache time to live. */
    public void setNearCacheTtl(String nearCacheTtl) {
      this.nearCacheTtl = nearCacheTtl;
    }
  }

  /** One upstream: a group of backends, how to pick one, and how sessions stick. */
  public static class Upstream {
    /**
     * The method as nginx writes it: round_robin, least_conn, random, random two least_conn,
     * ip_hash, hash KEY, hash KEY consistent, ketama KEY, ring KEY or maglev KEY.
     */
    private String method = "round_robin";

    /** The hash key of a hash method, if not written inline, e.g. $http_x_user or $cookie_user. */
    private @Nullable String key;

    /**
     * The backends. When there are none, the upstream follows the instances Spring Cloud's
     * discovery gives for its service id.
     */
    private List<Backend> backends = new ArrayList<>();

    /** The Spring Cloud service id whose instances are the backends; the upstream name if unset. */
    private @Nullable String serviceId;

    /** How many backends one request may try, as nginx proxy_next_upstream_tries. */
    private int maxTries = 3;

    /** Failures within fail-timeout that take a backend out, as nginx max_fails; 0 turns it off. */
    private int maxFails = 1;

    /** The window of max-fails and how long a failed backend stays out, as nginx fail_timeout. */
    private String failTimeout = "10s";

    /** How requests of one session stick to one backend; none when unset. */
    private @Nullable SessionPersistence sessionPersistence;

    /**
     * Learn mode instead: an NGINX Plus {@code sticky learn} line, such as {@code sticky learn
     * create=$upstream_cookie_jsessionid lookup=$cookie_jsessionid zone=shop:1m timeout=1h}.
     */
    private @Nullable String stickyLearn;

    /** A stick table instead (HAProxy {@code stick on}): bind a request key to its backend. */
    private @Nullable StickTable stickTable;

    /** The method. */
    public String getMethod() {
      return method;
    }

    /** Sets the method. */
    public void setMethod(String method) {
      this.method = method;
    }

    /** The hash key. */
    public @Nullable String getKey() {
      return key;
    }

    /** Sets the hash key. */
    public void setKey(@Nullable String key) {
      this.key = key;
    }

    /** The static backends. */
    public List<Backend> getBackends() {
      return backends;
    }

    /** Sets the static backends. */
    public void setBackends(List<Backend> backends) {
      this.backends = backends;
    }

    /** The Spring Cloud service id. */
    public @Nullable String getServiceId() {
      return serviceId;
    }

    /** Sets the Spring Cloud service id. */
    public void setServiceId(@Nullable String serviceId) {
      this.serviceId = serviceId;
    }

    /** How many backends one request may try. */
    public int getMaxTries() {
      return maxTries;
    }

    /** Sets how many backends one request may try. */
    public void setMaxTries(int maxTries) {
      this.maxTries = maxTries;
    }

    /** Failures that take a backend out. */
    public int getMaxFails() {
      return maxFails;
    }

    /** Sets the failures that take a backend out. */
    public void setMaxFails(int maxFails) {
      this.maxFails = maxFails;
    }

    /** The passive-health window. */
    public String getFailTimeout() {
      return failTimeout;
    }

    /** Sets the passive-health window. */
    public void setFailTimeout(String failTimeout) {
      this.failTimeout = failTimeout;
    }

    /** The session persistence, or {@code null}. */
    public @Nullable SessionPersistence getSessionPersistence() {
      return sessionPersistence;
    }

    /** Sets the session persistence. */
    public void setSessionPersistence(@Nullable SessionPersistence sessionPersistence) {
      this.sessionPersistence = sessionPersistence;
    }

    /** The {@code sticky learn} line, or {@code null}. */
    public @Nullable String getStickyLearn() {
      return stickyLearn;
    }

    /** Sets the {@code sticky learn} line. */
    public void setStickyLearn(@Nullable String stickyLearn) {
      this.stickyLearn = stickyLearn;
    }

    /** The stick table, or {@code null}. */
    public @Nullable StickTable getStickTable() {
      return stickTable;
    }

    /** Sets the stick table. */
    public void setStickTable(@Nullable StickTable stickTable) {
      this.stickTable = stickTable;
    }
  }

  /** A stick table: which request key binds to a backend, and for how long. */
  public static class StickTable {
    /**
     * The key, as nginx writes it: {@code $remote_addr}, {@code $http_x_user}, {@code $cookie_sid}.
     */
    private @Nullable String on;

    /** How long a binding lives without requests, as an nginx time. */
    private String expire = "10m";

    /** What a request whose backend cannot take it gets: rebalance, or strict (503). */
    private String onUnavailable = "rebalance";

    /** The key expression. */
    public @Nullable String getOn() {
      return on;
    }

    /** Sets the key expression. */
    public void setOn(@Nullable String on) {
      this.on = on;
    }

    /** The idle expiry. */
    public String getExpire() {
      return expire;
    }

    /** Sets the idle expiry. */
    public void setExpire(String expire) {
      this.expire = expire;
    }

    /** rebalance or strict. */
    public String getOnUnavailable() {
      return onUnavailable;
    }

    /** Sets rebalance or strict. */
    public void setOnUnavailable(String onUnavailable) {
      this.onUnavailable = onUnavailable;
    }
  }

  /** One static backend, as an nginx {@code server} line. */
  public static class Backend {
    /** The backend's id, which sessions name; its address if unset. */
    private @Nullable String id;

    /** host:port ([v6]:port for IPv6). */
    private @Nullable String address;

    /** The weight, 1..10000, as nginx weight=. */
    private int weight = 1;

    /** The route a JSESSIONID-style session names, as nginx route=. */
    private @Nullable String route;

    /** UP, DOWN (as nginx down) or DRAINING (as nginx drain: sessions only). */
    private String state = "UP";

    /** The most requests in flight, as nginx max_conns; 0 is unlimited. */
    private int maxConnections;

    /** The id. */
    public @Nullable String getId() {
      return id;
    }

    /** Sets the id. */
    public void setId(@Nullable String id) {
      this.id = id;
    }

    /** The address. */
    public @Nullable String getAddress() {
      return address;
    }

    /** Sets the address. */
    public void setAddress(@Nullable String address) {
      this.address = address;
    }

    /** The weight. */
    public int getWeight() {
      return weight;
    }

    /** Sets the weight. */
    public void setWeight(int weight) {
      this.weight = weight;
    }

    /** The route. */
    public @Nullable String getRoute() {
      return route;
    }

    /** Sets the route. */
    public void setRoute(@Nullable String route) {
      this.route = route;
    }

    /** The state. */
    public String getState() {
      return state;
    }

    /** Sets the state. */
    public void setState(String state) {
      this.state = state;
    }

    /** The connection limit. */
    public int getMaxConnections() {
      return maxConnections;
    }

    /** Sets the connection limit. */
    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }
  }

  /**
   * Session persistence in the Gateway API's words, with ingress-nginx's where the API has none
   * (mode, change-on-failure).
   */
  public static class SessionPersistence {
    /** The cookie or header name; lbkit-session if unset. */
    private @Nullable String sessionName;

    /** Cookie or Header. */
    private String type = "Cookie";

    /** How long a session lives from its start, e.g. 24h or 1h30m. */
    private @Nullable String absoluteTimeout;

    /** How long a session lives without a request, e.g. 30m. */
    private @Nullable String idleTimeout;

    /** The cookie's lifetime. */
    private final CookieConfig cookieConfig = new CookieConfig();

    /** The cookie's Path; / if unset. */
    private @Nullable String path;

    /** The cookie's Domain; none if unset. */
    private @Nullable String domain;

    /** The cookie's SameSite: Strict, Lax or None; none if unset. */
    private @Nullable String sameSite;

    /**
     * persistent: the token names its backend (the Gateway API's and ingress-nginx's persistent
     * mode); balanced: the token carries a key that a scale-up may move (ingress-nginx's default).
     */
    private String mode = "persistent";

    /**
     * What a session whose backend is unavailable gets: rebalance (another backend and a new token)
     * or strict (503 with Retry-After, while the backend stays in the upstream).
     */
    private String onUnavailable = "rebalance";

    /** Move the session when its backend fails a request, as ingress-nginx change-on-failure. */
    private boolean changeOnFailure;

    /**
     * The name of Spring Cloud LoadBalancer's sticky cookie (usually sc-lb-instance-id) to read
     * once and re-issue as an lbkit token; none if unset.
     */
    private @Nullable String legacyInstanceIdCookie;

    /** The session name. */
    public @Nullable String getSessionName() {
      return sessionName;
    }

    /** Sets the session name. */
    public void setSessionName(@Nullable String sessionName) {
      this.sessionName = sessionName;
    }

    /** Cookie or Header. */
    public String getType() {
      return type;
    }

    /** Sets Cookie or Header. */
    public void setType(String type) {
      this.type = type;
    }

    /** The absolute timeout. */
    public @Nullable String getAbsoluteTimeout() {
      return absoluteTimeout;
    }

    /** Sets the absolute timeout. */
    public void setAbsoluteTimeout(@Nullable String absoluteTimeout) {
      this.absoluteTimeout = absoluteTimeout;
    }

    /** The idle timeout. */
    public @Nullable String getIdleTimeout() {
      return idleTimeout;
    }

    /** Sets the idle timeout. */
    public void setIdleTimeout(@Nullable String idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    /** The cookie's lifetime. */
    public CookieConfig getCookieConfig() {
      return cookieConfig;
    }

    /** The cookie path. */
    public @Nullable String getPath() {
      return path;
    }

    /** Sets the cookie path. */
    public void setPath(@Nullable String path) {
      this.path = path;
    }

    /** The cookie domain. */
    public @Nullable String getDomain() {
      return domain;
    }

    /** Sets the cookie domain. */
    public void setDomain(@Nullable String domain) {
      this.domain = domain;
    }

    /** The cookie's SameSite. */
    public @Nullable String getSameSite() {
      return sameSite;
    }

    /** Sets the cookie's SameSite. */
    public void setSameSite(@Nullable String sameSite) {
      this.sameSite = sameSite;
    }

    /** persistent or balanced. */
    public String getMode() {
      return mode;
    }

    /** Sets persistent or balanced. */
    public void setMode(String mode) {
      this.mode = mode;
    }

    /** rebalance or strict. */
    public String getOnUnavailable() {
      return onUnavailable;
    }

    /** Sets rebalance or strict. */
    public void setOnUnavailable(String onUnavailable) {
      this.onUnavailable = onUnavailable;
    }

    /** Whether a failure moves the session. */
    public boolean isChangeOnFailure() {
      return changeOnFailure;
    }

    /** Sets whether a failure moves the session. */
    public void setChangeOnFailure(boolean changeOnFailure) {
      this.changeOnFailure = changeOnFailure;
    }

    /** The legacy Spring Cloud LoadBalancer cookie name. */
    public @Nullable String getLegacyInstanceIdCookie() {
      return legacyInstanceIdCookie;
    }

    /** Sets the legacy Spring Cloud LoadBalancer cookie name. */
    public void setLegacyInstanceIdCookie(@Nullable String legacyInstanceIdCookie) {
      this.legacyInstanceIdCookie = legacyInstanceIdCookie;
    }
  }

  /** The Gateway API's {@code cookieConfig}. */
  public static class CookieConfig {
    /**
     * Permanent (the cookie has Max-Age = absolute-timeout, which is then required) or Session (a
     * browser-session cookie, the default).
     */
    private @Nullable String lifetimeType;

    /** Permanent or Session. */
    public @Nullable String getLifetimeType() {
      return lifetimeType;
    }

    /** Sets Permanent or Session. */
    public void setLifetimeType(@Nullable String lifetimeType) {
      this.lifetimeType = lifetimeType;
    }
  }
}
