package dev.lbkit.spring;

import dev.lbkit.config.Durations;
import dev.lbkit.config.GatewayApiConfig;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.config.NginxConfig;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.cookie.StickTable;
import dev.lbkit.cookie.TokenSecrets;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.KeyExtractor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link LbkitUpstreams} from {@link LbkitProperties} with lbkit's own builders, turning
 * each of their {@link IllegalArgumentException}s into a {@link LbkitConfigurationException} that
 * names the property in full.
 */
final class UpstreamFactory {
  private static final String UPSTREAMS = LbkitProperties.PREFIX + ".upstreams.";

  /** The bound of each table of the in-memory store lbkit makes when the application has none. */
  static final int IN_MEMORY_SESSIONS = 100_000;

  private UpstreamFactory() {}

  static LbkitUpstreams build(
      LbkitProperties properties, List<LbkitLoadBalancerCustomizer> customizers) {
    return build(properties, customizers, null);
  }

  /**
   * As {@link #build(LbkitProperties, List)}, with the store of server-side session tables ({@code
   * sticky-learn}, {@code stick-table}); {@code null} for an in-memory one the upstreams own.
   */
  static LbkitUpstreams build(
      LbkitProperties properties,
      List<LbkitLoadBalancerCustomizer> customizers,
      @Nullable SessionStore sharedStore) {
    SessionStore store =
        sharedStore != null ? sharedStore : SessionStore.inMemory(IN_MEMORY_SESSIONS);
    ClientAddressResolver clientAddresses = clientAddresses(properties.getClientAddress());
    List<String> secrets = secrets(properties);
    List<LbkitUpstream> upstreams = new ArrayList<>();
    try {
      for (Map.Entry<String, LbkitProperties.Upstream> e : properties.getUpstreams().entrySet()) {
        upstreams.add(upstream(e.getKey(), e.getValue(), secrets, properties, customizers, store));
      }
    } catch (RuntimeException e) {
      for (LbkitUpstream built : upstreams) {
        built.loadBalancer().close();
      }
      throw e;
    }
    // A store made here is the upstreams' to close; an application's own is the application's.
    return new LbkitUpstreams(upstreams, clientAddresses, sharedStore == null ? store : null);
  }

  private static ClientAddressResolver clientAddresses(LbkitProperties.ClientAddress c) {
    String at = LbkitProperties.PREFIX + ".client-address.";
    ClientAddressResolver.Builder b = ClientAddressResolver.builder();
    List<String> proxies = c.getTrustedProxies();
    for (int i = 0; i < proxies.size(); i++) {
      String cidr = proxies.get(i);
      try {
        b.trustedProxies(cidr);
      } catch (IllegalArgumentException e) {
        throw bad(at + "trusted-proxies[" + i + "]", cidr, "an IP address or CIDR", e);
      }
    }
    try {
      b.header(c.getHeader());
    } catch (IllegalArgumentException e) {
      throw bad(at + "header", c.getHeader(), "a header name, such as X-Forwarded-For", e);
    }
    return b.recursive(c.isRecursive()).build();
  }

  private static List<String> secrets(LbkitProperties p) {
    String at = LbkitProperties.PREFIX + ".";
    List<String> secrets = new ArrayList<>(p.getSessionSecrets());
    String env = p.getSessionSecretsEnv();
    if (env != null && !env.isBlank()) {
      try {
        secrets.addAll(TokenSecrets.fromEnvironment(at + "session-secrets-env", env.trim()));
      } catch (IllegalArgumentException e) {
        throw rethrow(at + "session-secrets-env", e);
      }
    }
    String file = p.getSessionSecretsFile();
    if (file != null && !file.isBlank()) {
      try {
        secrets.addAll(TokenSecrets.fromFile(at + "session-secrets-file", Path.of(file.trim())));
      } catch (IllegalArgumentException e) {
        throw rethrow(at + "session-secrets-file", e);
      }
    }
    return secrets;
  }

  private static LbkitUpstream upstream(
      String name,
      LbkitProperties.Upstream u,
      List<String> secrets,
      LbkitProperties properties,
      List<LbkitLoadBalancerCustomizer> customizers,
      SessionStore store) {
    String at = UPSTREAMS + name + ".";
    LoadBalancingMethod method;
    try {
      method = LoadBalancingMethod.of(u.getMethod(), u.getKey());
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      boolean aboutKey = message.startsWith("key: ");
      throw rethrow(at + (aboutKey ? "key" : "method"), e);
    }
    PassiveHealth health = passiveHealth(at, u);
    List<Backend> backends = backends(at, u.getBackends());
    String serviceId =
        u.getServiceId() == null || u.getServiceId().isBlank() ? name : u.getServiceId();
    Upstream upstream = Upstream.builder(name).backends(backends).passiveHealth(health).build();
    LoadBalancer.Builder lb = LoadBalancer.builder(upstream).selector(method.selector());
    try {
      lb.maxTries(u.getMaxTries());
    } catch (IllegalArgumentException e) {
      throw bad(at + "max-tries", u.getMaxTries(), "a whole number 1 or more", e);
    }
    LbkitProperties.SessionPersistence sp = u.getSessionPersistence();
    String learn = u.getStickyLearn();
    LbkitProperties.StickTable stick = u.getStickTable();
    int kinds = (sp != null ? 1 : 0) + (learn != null ? 1 : 0) + (stick != null ? 1 : 0);
    if (kinds > 1) {
      throw new LbkitConfigurationException(
          at + (learn != null ? "sticky-learn" : "stick-table"),
          "set beside another kind of persistence (expected: one of session-persistence,"
              + " sticky-learn, stick-table)",
          null);
    }
    if (sp != null) {
      lb.affinity(session(at + "session-persistence.", sp, secrets, properties));
    } else if (learn != null) {
      try {
        lb.affinity(NginxConfig.parseStickyLearn(learn, store).toAffinity());
      } catch (IllegalArgumentException e) {
        throw rethrow(at + "sticky-learn", e);
      }
    } else if (stick != null) {
      lb.affinity(stickTable(at + "stick-table.", name, stick, store));
    }
    for (LbkitLoadBalancerCustomizer c : customizers) {
      c.customize(name, upstream, lb);
    }
    return new LbkitUpstream(name, serviceId, backends.isEmpty(), lb.build());
  }

  private static SessionAffinity stickTable(
      String at, String upstream, LbkitProperties.StickTable t, SessionStore store) {
    String on = t.getOn();
    if (on == null || on.isBlank()) {
      throw bad(at + "on", on == null ? "" : on, "an nginx key such as $remote_addr", null);
    }
    KeyExtractor key;
    try {
      key = NginxConfig.parseKey(at + "on", on);
    } catch (IllegalArgumentException e) {
      throw rethrow(at + "on", e);
    }
    StickTable.Builder b = StickTable.on(key).table(store.table(upstream + ".stick"));
    try {
      b.expire(Durations.parseNginxTime(t.getExpire()));
    } catch (IllegalArgumentException e) {
      throw bad(at + "expire", t.getExpire(), "an nginx time of whole seconds, such as 30m", e);
    }
    b.onUnavailable(
        choice(
            at + "on-unavailable",
            t.getOnUnavailable(),
            SessionPersistence.OnUnavailable.class,
            "rebalance, strict"));
    return b.toAffinity();
  }

  private static PassiveHealth passiveHealth(String at, LbkitProperties.Upstream u) {
    Duration failTimeout;
    try {
      failTimeout = Durations.parseNginxTime(u.getFailTimeout());
    } catch (IllegalArgumentException e) {
      throw bad(at + "fail-timeout", u.getFailTimeout(), "an nginx time, such as 10s or 1m30s", e);
    }
    if (u.getMaxFails() == 0) {
      return PassiveHealth.disabled();
    }
    try {
      return PassiveHealth.of(u.getMaxFails(), failTimeout);
    } catch (IllegalArgumentException e) {
      throw bad(at + "max-fails", u.getMaxFails(), "a whole number 0 or more", e);
    }
  }

  private static List<Backend> backends(String at, List<LbkitProperties.Backend> given) {
    List<Backend> backends = new ArrayList<>(given.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String bat = at + "backends[" + i + "].";
      LbkitProperties.Backend b = given.get(i);
      String address = b.getAddress();
      if (address == null || address.isBlank()) {
        throw bad(bat + "address", State.ABSENT, "host:port, such as 127.0.0.1:8080");
      }
      HostPort hp = HostPort.parse(bat + "address", address.trim());
      String id = b.getId() == null || b.getId().isBlank() ? hp.text() : b.getId().trim();
      if (!ids.add(id)) {
        throw bad(bat + "id", id, "an id no other backend of the upstream has", null);
      }
      Backend backend;
      try {
        backend = Backend.of(id, hp.host(), hp.port());
      } catch (IllegalArgumentException e) {
        throw rethrow(bat + "id", e);
      }
      try {
        backend = backend.withWeight(b.getWeight());
      } catch (IllegalArgumentException e) {
        throw bad(bat + "weight", b.getWeight(), "a whole number 1.." + Backend.MAX_WEIGHT, e);
      }
      if (b.getRoute() != null) {
        try {
          backend = backend.withRoute(b.getRoute());
        } catch (IllegalArgumentException e) {
          throw rethrow(bat + "route", e);
        }
      }
      backend = backend.withState(state(bat + "state", b.getState()));
      try {
        backend = backend.withMaxConnections(b.getMaxConnections());
      } catch (IllegalArgumentException e) {
        throw bad(bat + "max-connections", b.getMaxConnections(), "0 (unlimited) or more", e);
      }
      backends.add(backend);
    }
    return backends;
  }

  private static BackendState state(String at, String state) {
    try {
      return BackendState.valueOf(state.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(at, state, "one of UP, DOWN, DRAINING", e);
    }
  }

  private static SessionAffinity session(
      String at,
      LbkitProperties.SessionPersistence sp,
      List<String> secrets,
      LbkitProperties properties) {
    // The Gateway API fields go through lb-config's reader, so that they mean exactly what they
    // mean in an HTTPRoute, and fail with the same rules.
    Map<String, Object> api = new LinkedHashMap<>();
    putIfSet(api, "sessionName", sp.getSessionName());
    putIfSet(api, "type", sp.getType());
    putIfSet(api, "absoluteTimeout", sp.getAbsoluteTimeout());
    putIfSet(api, "idleTimeout", sp.getIdleTimeout());
    String lifetime = sp.getCookieConfig().getLifetimeType();
    if (lifetime != null) {
      api.put("cookieConfig", Map.of("lifetimeType", lifetime));
    }
    SessionPersistence read;
    try {
      read = GatewayApiConfig.sessionPersistence(api);
    } catch (IllegalArgumentException e) {
      throw fromGatewayApi(at, e);
    }
    SessionPersistence.Builder<?> b = read.toBuilder();
    b.mode(
        choice(at + "mode", sp.getMode(), SessionPersistence.Mode.class, "persistent, balanced"));
    b.onUnavailable(
        choice(
            at + "on-unavailable",
            sp.getOnUnavailable(),
            SessionPersistence.OnUnavailable.class,
            "rebalance, strict"));
    b.changeOnFailure(sp.isChangeOnFailure());
    if (b instanceof SessionPersistence.CookieBuilder cookie) {
      CookieAttributes current = read.cookieAttributes();
      CookieAttributes.Builder attributes =
          current == null ? CookieAttributes.builder() : current.toBuilder();
      if (sp.getPath() != null) {
        try {
          attributes.path(sp.getPath());
        } catch (IllegalArgumentException e) {
          throw rethrow(at + "path", e);
        }
      }
      if (sp.getDomain() != null) {
        try {
          attributes.domain(sp.getDomain());
        } catch (IllegalArgumentException e) {
          throw rethrow(at + "domain", e);
        }
      }
      if (sp.getSameSite() != null) {
        attributes.sameSite(
            choice(
                at + "same-site",
                sp.getSameSite(),
                CookieAttributes.SameSite.class,
                "Strict, Lax, None"));
      }
      cookie.attributes(attributes.build());
      String legacy = sp.getLegacyInstanceIdCookie();
      if (legacy != null && !legacy.isBlank()) {
        try {
          cookie.legacyCookies(LegacyCookie.springInstanceId(legacy.trim()));
        } catch (IllegalArgumentException e) {
          throw rethrow(at + "legacy-instance-id-cookie", e);
        }
      }
    } else {
      List<String> cookieOnly = cookieOnlySet(sp);
      if (!cookieOnly.isEmpty()) {
        throw bad(at + cookieOnly.get(0), State.SET, "only with type: Cookie");
      }
    }
    if (!secrets.isEmpty()) {
      try {
        b.secrets(secrets);
      } catch (IllegalArgumentException e) {
        throw rethrow(LbkitProperties.PREFIX + ".session-secrets", e);
      }
    } else if (properties.isInsecureUnsignedTokens()) {
      b.insecureUnsignedTokens();
    }
    SessionAffinity built;
    try {
      // Refuses a session without secrets (unless insecure tokens are allowed) here, at startup.
      built = b.build().toAffinity();
    } catch (IllegalArgumentException e) {
      if (!secrets.isEmpty() || properties.isInsecureUnsignedTokens()) {
        throw rethrow(at.substring(0, at.length() - 1), e);
      }
      throw new LbkitConfigurationException(
          LbkitProperties.PREFIX + ".session-secrets",
          "absent (expected: session-secrets-env, session-secrets-file or session-secrets, each"
              + " secret at least "
              + SessionPersistence.MIN_SECRET_BYTES
              + " random bytes, the same on every replica; or insecure-unsigned-tokens: true, for"
              + " tests only, to accept tokens any client can forge)",
          e);
    }
    return built;
  }

  private static List<String> cookieOnlySet(LbkitProperties.SessionPersistence sp) {
    List<String> set = new ArrayList<>();
    if (sp.getPath() != null) {
      set.add("path");
    }
    if (sp.getDomain() != null) {
      set.add("domain");
    }
    if (sp.getSameSite() != null) {
      set.add("same-site");
    }
    if (sp.getLegacyInstanceIdCookie() != null) {
      set.add("legacy-instance-id-cookie");
    }
    return set;
  }

  private static void putIfSet(Map<String, Object> map, String key, @Nullable String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static <E extends Enum<E>> E choice(
      String at, String value, Class<E> type, String allowed) {
    String normalized = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(normalized)) {
        return e;
      }
    }
    throw bad(at, value, "one of " + allowed, null);
  }

  /**
   * lb-config's messages start with the field's path in the API ({@code
   * sessionPersistence.cookieConfig.lifetimeType: ...}); the property is that path in Spring's
   * kebab case under {@code at}.
   */
  private static LbkitConfigurationException fromGatewayApi(String at, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    String field = colon < 0 ? "" : message.substring(0, colon);
    String prefix = "sessionPersistence";
    if (field.startsWith(prefix)) {
      String rest = field.substring(prefix.length());
      rest = rest.startsWith(".") ? rest.substring(1) : rest;
      String property =
          at.substring(0, at.length() - 1) + (rest.isEmpty() ? "" : "." + kebab(rest));
      return new LbkitConfigurationException(property, message.substring(colon + 2), e);
    }
    return new LbkitConfigurationException(at.substring(0, at.length() - 1), message, e);
  }

  static String kebab(String camel) {
    StringBuilder s = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        s.append('-').append(Character.toLowerCase(c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  /** lbkit's message is "field: problem"; the problem is kept, under the property's name. */
  private static LbkitConfigurationException rethrow(String property, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    return new LbkitConfigurationException(
        property, colon < 0 ? message : message.substring(colon + 2), e);
  }

  static LbkitConfigurationException bad(
      String property, Object value, String allowed, @Nullable Throwable cause) {
    String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    return new LbkitConfigurationException(property, shown + " (expected: " + allowed + ")", cause);
  }

  /** A property that is {@code state} (absent, or set where it may not be). */
  static LbkitConfigurationException bad(String property, State state, String allowed) {
    return new LbkitConfigurationException(
        property, state.word + " (expected: " + allowed + ")", null);
  }

  /** What is wrong with a property, when it is not its value. */
  enum State {
    ABSENT("absent"),
    SET("set");

    final String word;

    State(String word) {
      this.word = word;
    }
  }

  /** A {@code host:port}, with IPv6 hosts in brackets. */
  record HostPort(String host, int port, String text) {
    static HostPort parse(String property, String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw bad(property, text, "host:port, such as 127.0.0.1:8080 or [::1]:8080", null);
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw bad(
            property, text, "host:port with an IPv6 host in brackets, such as [::1]:8080", null);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw bad(property, text, "host:port with a port 1..65535", e);
      }
      if (port < 1 || port > 65535 || host.isEmpty()) {
        throw bad(property, text, "host:port with a port 1..65535", null);
      }
      return new HostPort(host, port, text);
    }
  }
}
