package dev.lbkit.config;

import dev.lbkit.config.internal.ConfigErrors;
import dev.lbkit.config.internal.NginxVariables;
import dev.lbkit.cookie.CookieAttributes;
import dev.lbkit.cookie.LearnedSessions;
import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the session persistence and load-balancing directives of an nginx {@code upstream} block:
 * NGINX Plus {@code sticky cookie}, and {@code ip_hash}, {@code hash}, {@code least_conn} and
 * {@code random}.
 *
 * <pre>{@code
 * SessionPersistence tea = NginxConfig.parseSticky("sticky cookie srv_id expires=1h path=/tea;");
 * LoadBalancingMethod coffee = NginxConfig.parseMethod("ip_hash;");
 * }</pre>
 *
 * <p>A directive is one line as written in {@code nginx.conf}, with or without its semicolon;
 * parameters may be quoted. What nginx reads from variables at request time ({@code samesite=$var},
 * {@code domain=$host}) cannot be reproduced without nginx's variable context, and is an error that
 * says so; the hash key of {@code hash} is the exception, mapped to lbkit's key extractors (see
 * {@link #parseMethod}).
 */
public final class NginxConfig {
  private static final List<String> STICKY_PARAMETERS =
      List.of("expires=", "domain=", "path=", "samesite=", "httponly", "secure");
  private static final String METHODS =
      "ip_hash, hash KEY, hash KEY consistent, least_conn, random, random two, random two"
          + " least_conn";

  private NginxConfig() {}

  /**
   * Reads NGINX Plus {@code sticky learn create=$upstream_cookie_NAME lookup=$cookie_NAME
   * zone=ZONE:SIZE [timeout=TIME] [header] [sync]} into learn mode ({@link LearnedSessions}):
   *
   * <ul>
   *   <li>{@code create}: {@code $upstream_cookie_NAME} (the backend's {@code Set-Cookie} of that
   *       name) or {@code $upstream_http_NAME} (its response header, {@code _} read as {@code -});
   *       one;
   *   <li>{@code lookup}: where requests carry the session, {@code $cookie_NAME}, {@code
   *       $http_NAME} or {@code $arg_NAME}; several are tried in order, as nginx does;
   *   <li>{@code zone}: the table, {@code store.table(ZONE)}; its size is the store's to bound;
   *   <li>{@code timeout}: the idle expiry (nginx's default, 10 minutes, when absent);
   *   <li>{@code header} (learn as soon as the headers arrive: lbkit always does) and {@code sync}
   *       (share with the cluster: a shared store does) are accepted.
   * </ul>
   *
   * @throws IllegalArgumentException naming the parameter that is missing, unknown or malformed
   */
  public static LearnedSessions.Builder parseStickyLearn(String directive, SessionStore store) {
    Objects.requireNonNull(directive, "directive");
    Objects.requireNonNull(store, "store");
    List<String> words = words(directive);
    if (words.size() < 2 || !words.get(0).equals("sticky") || !words.get(1).equals("learn")) {
      throw new IllegalArgumentException(
          "sticky learn: \""
              + directive.trim()
              + "\" (expected: sticky learn create=... lookup=... zone=NAME:SIZE ...)");
    }
    String create = null;
    List<KeyExtractor> lookups = new ArrayList<>();
    String zone = null;
    Duration timeout = null;
    for (int i = 2; i < words.size(); i++) {
      String word = words.get(i);
      int eq = word.indexOf('=');
      String key = eq < 0 ? word : word.substring(0, eq);
      String value = eq < 0 ? "" : word.substring(eq + 1);
      String field = "sticky learn " + key;
      switch (key) {
        case "create":
          if (create != null) {
            throw new IllegalArgumentException(
                field + ": \"" + value + "\" (expected: one create; lbkit learns one session id)");
          }
          create = value;
          break;
        case "lookup":
          lookups.add(lookup(field, value));
          break;
        case "zone":
          int colon = value.indexOf(':');
          zone = colon < 0 ? value : value.substring(0, colon);
          if (zone.isEmpty()) {
            throw new IllegalArgumentException(field + ": \"" + value + "\" (expected: NAME:SIZE)");
          }
          break;
        case "timeout":
          timeout = Durations.parseNginxTime(value);
          break;
        case "header":
        case "sync":
          if (eq >= 0) {
            throw new IllegalArgumentException(
                field + ": \"" + word + "\" (expected: " + key + " without a value)");
          }
          break;
        default:
          throw new IllegalArgumentException(
              "sticky learn: unknown parameter \""
                  + word
                  + "\" (expected: create=, lookup=, zone=, timeout=, header, sync)");
      }
    }
    if (create == null) {
      throw new IllegalArgumentException(
          "sticky learn create: missing (expected: create=$upstream_cookie_NAME)");
    }
    if (lookups.isEmpty()) {
      throw new IllegalArgumentException(
          "sticky learn lookup: missing (expected: lookup=$cookie_NAME)");
    }
    if (zone == null) {
      throw new IllegalArgumentException("sticky learn zone: missing (expected: zone=NAME:SIZE)");
    }
    LearnedSessions.Builder builder;
    if (create.startsWith("$upstream_cookie_") && create.length() > 17) {
      builder = LearnedSessions.createCookie(create.substring(17));
    } else if (create.startsWith("$upstream_http_") && create.length() > 15) {
      builder = LearnedSessions.createHeader(create.substring(15).replace('_', '-'));
    } else {
      throw new IllegalArgumentException(
          "sticky learn create: \""
              + create
              + "\" (expected: $upstream_cookie_NAME or $upstream_http_NAME)");
    }
    List<KeyExtractor> tried = List.copyOf(lookups);
    builder.lookup(
        tried.size() == 1
            ? tried.get(0)
            : request -> {
              for (int i = 0; i < tried.size(); i++) {
                CharSequence k = tried.get(i).key(request);
                if (k != null && k.length() > 0) {
                  return k;
                }
              }
              return null;
            });
    builder.table(store.table(zone));
    if (timeout != null) {
      builder.timeout(timeout);
    }
    return builder;
  }

  /**
   * Reads an nginx key expression ({@code $remote_addr}, {@code $http_x_user}, {@code $cookie_sid},
   * {@code $arg_id}, several with literal text between) into the key it reads from a request, as
   * {@code hash} and HAProxy-style stick tables use it.
   *
   * @param field what an error names, such as {@code stick-table.on}
   * @throws IllegalArgumentException for an empty, malformed or unsupported expression
   */
  public static KeyExtractor parseKey(String field, String expression) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(expression, field);
    return NginxVariables.keyOf(field, expression.trim());
  }

  private static KeyExtractor lookup(String field, String value) {
    if (!(value.startsWith("$cookie_")
        || value.startsWith("$http_")
        || value.startsWith("$arg_"))) {
      throw new IllegalArgumentException(
          field + ": \"" + value + "\" (expected: $cookie_NAME, $http_NAME or $arg_NAME)");
    }
    return NginxVariables.keyOf(field, value);
  }

  /**
   * Reads {@code sticky cookie NAME [expires=TIME|max] [domain=D] [httponly] [samesite=strict|lax|
   * none] [secure] [path=P]} into a cookie session that behaves as NGINX Plus's:
   *
   * <ul>
   *   <li>persistent: the cookie names the backend, and the session moves only when that backend is
   *       unavailable or a retry leaves it;
   *   <li>sent again with every response (NGINX Plus re-issues the cookie each time);
   *   <li>{@code expires} makes it a permanent cookie whose {@code Max-Age} every response renews,
   *       so the session ends that long after its last request (lbkit's {@code idleTimeout}; {@code
   *       max} is ten years, as nginx); without it the cookie ends with the browser session;
   *   <li>{@code HttpOnly} and {@code Secure} only when the directive says so, as nginx;
   *   <li>live NGINX Plus cookies (the MD5 of the server's address, or its {@code route=}) are read
   *       and re-issued in lbkit's format ({@link LegacyCookie#nginxSticky()}), so a gateway can
   *       replace nginx without breaking sessions.
   * </ul>
   *
   * <p>The result has no secrets: add them with {@code toBuilder().secrets(...)}.
   *
   * @throws IllegalArgumentException naming the parameter that is unknown, malformed or not
   *     supported (and why)
   */
  public static SessionPersistence parseSticky(String directive) {
    Objects.requireNonNull(directive, "directive");
    List<String> words = words(directive);
    if (words.isEmpty() || !words.get(0).equals("sticky")) {
      throw new IllegalArgumentException(
          "sticky: \""
              + directive.trim()
              + "\" (expected: a directive starting with sticky cookie)");
    }
    if (words.size() < 2) {
      throw new IllegalArgumentException("sticky: no method (expected: sticky cookie NAME ...)");
    }
    switch (words.get(1)) {
      case "cookie":
        break;
      case "route":
        throw new IllegalArgumentException(
            "sticky route: not supported, because nginx takes the route from variables the"
                + " application fills; for Tomcat-style routes in JSESSIONID use JvmRouteAffinity"
                + " (expected: sticky cookie NAME ...)");
      case "learn":
        throw new IllegalArgumentException(
            "sticky learn: a server-side session table, not a cookie session; read it with"
                + " NginxConfig.parseStickyLearn (expected: sticky cookie NAME ...)");
      default:
        throw new IllegalArgumentException(
            "sticky: method \"" + words.get(1) + "\" (expected: cookie)");
    }
    if (words.size() < 3) {
      throw new IllegalArgumentException(
          "sticky cookie: no name (expected: sticky cookie NAME ...)");
    }
    String name = words.get(2);
    String context = "sticky cookie " + name;
    SessionPersistence.CookieBuilder builder = stickyCookie(name);
    CookieAttributes.Builder attributes = stickyCookieAttributes();
    Set<String> seen = new HashSet<>();
    boolean secure = false;
    CookieAttributes.SameSite sameSite = null;
    for (int i = 3; i < words.size(); i++) {
      String word = words.get(i);
      int eq = word.indexOf('=');
      String key = eq < 0 ? word : word.substring(0, eq + 1);
      String value = eq < 0 ? null : word.substring(eq + 1);
      if (!STICKY_PARAMETERS.contains(key.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            context
                + ": unknown parameter \""
                + word
                + "\" (expected: expires=TIME|max, domain=D, path=P, samesite=strict|lax|none,"
                + " httponly, secure)");
      }
      key = key.toLowerCase(Locale.ROOT);
      if (!seen.add(key)) {
        throw new IllegalArgumentException(
            context + ": \"" + word + "\" given twice (expected: each parameter at most once)");
      }
      String field = context + " " + (eq < 0 ? key : key.substring(0, key.length() - 1));
      if (value != null) {
        if (value.isEmpty()) {
          throw new IllegalArgumentException(field + ": \"\" (expected: a value after '=')");
        }
        rejectVariable(field, value);
      }
      switch (key) {
        case "expires=":
          Duration expires =
              ConfigErrors.duration(
                  field, Objects.requireNonNull(value), Durations::parseNginxCookieExpiry);
          ConfigErrors.wholeSeconds(field, "\"" + value + "\"", expires);
          // nginx re-sends the cookie with every response, so expires= is a sliding lifetime:
          // the cookie, and with it the session, ends this long after the last request.
          builder.lifetime(SessionPersistence.Lifetime.PERMANENT).idleTimeout(expires);
          break;
        case "domain=":
          attributes.domain(value);
          break;
        case "path=":
          attributes.path(Objects.requireNonNull(value)); // a key ending in = has a value
          break;
        case "samesite=":
          sameSite = sameSite(field, Objects.requireNonNull(value));
          attributes.sameSite(sameSite);
          break;
        case "httponly":
          attributes.httpOnly(true);
          break;
        default: // "secure"
          secure = true;
          attributes.secure(CookieAttributes.Secure.ALWAYS);
          break;
      }
    }
    if (sameSite == CookieAttributes.SameSite.NONE && !secure) {
      throw new IllegalArgumentException(
          context
              + ": samesite=none without secure (expected: secure too; browsers reject"
              + " SameSite=None cookies that are not Secure)");
    }
    return ConfigErrors.within(context, () -> builder.attributes(attributes.build()).build());
  }

  /**
   * A cookie session as NGINX Plus {@code sticky cookie NAME} with no parameters: persistent,
   * re-sent with every response, neither {@code HttpOnly} nor {@code Secure}, ending with the
   * browser session, and reading live NGINX Plus cookie values. Its attributes start from {@link
   * #stickyCookieAttributes()}.
   */
  static SessionPersistence.CookieBuilder stickyCookie(String name) {
    return SessionPersistence.cookie(name)
        .mode(SessionPersistence.Mode.PERSISTENT)
        .refresh(SessionPersistence.Refresh.EVERY_RESPONSE)
        .attributes(stickyCookieAttributes().build())
        .legacyCookies(LegacyCookie.nginxSticky());
  }

  /**
   * The attributes of NGINX Plus {@code sticky cookie} with none given: neither HttpOnly nor
   * Secure.
   */
  static CookieAttributes.Builder stickyCookieAttributes() {
    return CookieAttributes.builder().httpOnly(false).secure(CookieAttributes.Secure.NEVER);
  }

  /**
   * Reads a load-balancing method line of an {@code upstream} block: {@code ip_hash}, {@code hash
   * KEY}, {@code hash KEY consistent}, {@code least_conn}, {@code random}, {@code random two} or
   * {@code random two least_conn}, each exactly as nginx computes it (see lb-hash's {@code
   * HashSelectors}). {@code hash ... consistent} places backends by {@code host:port}, as nginx
   * places {@code server host:port;}.
   *
   * <p>The hash key is an nginx value: {@code $remote_addr}, {@code $http_NAME}, {@code
   * $cookie_NAME}, {@code $arg_NAME}, {@code $uri}, {@code $request_uri}, {@code $args}, {@code
   * $host}, {@code $scheme}, literal text, or several of them together ({@code $host$uri}).
   *
   * @throws IllegalArgumentException for another directive, a malformed one, an unsupported
   *     variable, or an NGINX Plus method lbkit does not implement ({@code least_time}: it needs
   *     response times, which lbkit does not measure)
   */
  public static LoadBalancingMethod parseMethod(String directive) {
    Objects.requireNonNull(directive, "directive");
    return method("load-balancing method", directive, false);
  }

  /**
   * The method of {@code value} for {@code field}; {@code round_robin} is accepted when the source
   * names it (NGINX Ingress Controller, NGINX Gateway Fabric), as nginx itself has no directive for
   * it.
   */
  static LoadBalancingMethod method(String field, String value, boolean allowRoundRobin) {
    List<String> words = words(value);
    String shown = String.join(" ", words);
    if (words.isEmpty()) {
      throw new IllegalArgumentException(
          field + ": \"" + value + "\" (expected: " + methods(allowRoundRobin) + ")");
    }
    String first = words.get(0);
    switch (first) {
      case "round_robin":
        if (allowRoundRobin && words.size() == 1) {
          return LoadBalancingMethod.roundRobin();
        }
        break;
      case "ip_hash":
      case "least_conn":
        if (words.size() == 1) {
          return LoadBalancingMethod.create(first, null, null);
        }
        throw new IllegalArgumentException(
            field + ": \"" + shown + "\" (expected: " + first + " without parameters)");
      case "hash":
        return hash(field, words, shown);
      case "random":
        return random(field, words, shown);
      case "least_time":
        throw refused(
            field,
            shown,
            LoadBalancingMethod.LEAST_TIME_UNSUPPORTED
                + "; least_conn or random two least_conn balance by load too",
            methods(allowRoundRobin));
      case "sticky":
        throw refused(
            field,
            shown,
            "sticky is session persistence, not a method: read it with NginxConfig.parseSticky",
            methods(allowRoundRobin));
      default:
        break;
    }
    throw new IllegalArgumentException(
        field + ": \"" + shown + "\" (expected: " + methods(allowRoundRobin) + ")");
  }

  private static LoadBalancingMethod hash(String field, List<String> words, String shown) {
    if (words.size() < 2
        || words.size() > 3
        || (words.size() == 3 && !words.get(2).equals("consistent"))) {
      throw new IllegalArgumentException(
          field + ": \"" + shown + "\" (expected: hash KEY or hash KEY consistent)");
    }
    String keyExpression = words.get(1);
    KeyExtractor key = NginxVariables.keyOf(field + " key", keyExpression);
    return LoadBalancingMethod.create(
        words.size() == 3 ? "hash consistent" : "hash", keyExpression, key);
  }

  private static LoadBalancingMethod random(String field, List<String> words, String shown) {
    if (words.size() == 1) {
      return LoadBalancingMethod.create("random", null, null);
    }
    if (words.get(1).equals("two")) {
      if (words.size() == 2 || (words.size() == 3 && words.get(2).equals("least_conn"))) {
        // nginx: "random two" compares the two candidates by least_conn unless told otherwise.
        return LoadBalancingMethod.create("random two least_conn", null, null);
      }
      if (words.size() == 3 && words.get(2).startsWith("least_time")) {
        throw refused(
            field, shown, LoadBalancingMethod.LEAST_TIME_UNSUPPORTED, "random two least_conn");
      }
    }
    throw new IllegalArgumentException(
        field + ": \"" + shown + "\" (expected: random, random two or random two least_conn)");
  }

  /** {@code field: "value" (why; expected: allowed)}. */
  private static IllegalArgumentException refused(
      String field, String value, String why, String allowed) {
    return new IllegalArgumentException(
        field + ": \"" + value + "\" (" + why + "; expected: " + allowed + ")");
  }

  private static String methods(boolean allowRoundRobin) {
    return allowRoundRobin ? "round_robin, " + METHODS : METHODS;
  }

  /** The {@code SameSite} of an nginx {@code samesite=} value, in any case. */
  static CookieAttributes.SameSite sameSite(String field, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "strict":
        return CookieAttributes.SameSite.STRICT;
      case "lax":
        return CookieAttributes.SameSite.LAX;
      case "none":
        return CookieAttributes.SameSite.NONE;
      default:
        throw new IllegalArgumentException(
            field + ": \"" + value + "\" (expected: strict, lax or none)");
    }
  }

  /**
   * Refuses a value that reads nginx variables: lbkit evaluates cookie attributes once, when it is
   * configured, not per request with nginx's variables.
   */
  static void rejectVariable(String field, String value) {
    if (value.indexOf('$') >= 0) {
      throw new IllegalArgumentException(
          field
              + ": \""
              + value
              + "\" (nginx variables are not supported here, because lbkit sets cookie"
              + " attributes when it is configured, not per request; expected: a literal value)");
    }
  }

  /**
   * The words of one directive: split on spaces and tabs, a trailing {@code ;} dropped, quotes
   * around a word removed (nginx allows {@code "..."} and {@code '...'}).
   */
  static List<String> words(String directive) {
    String s = directive.trim();
    if (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
        continue;
      }
      StringBuilder word = new StringBuilder();
      while (i < n) {
        c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          break;
        }
        if (c == '"' || c == '\'') {
          int close = s.indexOf(c, i + 1);
          if (close < 0) {
            throw new IllegalArgumentException(
                "directive: \"" + directive.trim() + "\" (expected: closing " + c + ")");
          }
          word.append(s, i + 1, close);
          i = close + 1;
          continue;
        }
        word.append(c);
        i++;
      }
      words.add(word.toString());
    }
    return words;
  }
}
