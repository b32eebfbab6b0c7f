package dev.lbkit.servlet;

import dev.lbkit.config.Durations;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PassiveHealth;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code web.xml} configuration of {@link LoadBalancingFilter} and {@link
 * LoadBalancingProxyServlet}: a small set of init-params, each parsed with an error that names the
 * parameter, the value and what is allowed. {@code docs/servlet.md} documents them.
 */
final class InitParameters {
  static final String BACKENDS = "backends";
  static final String UPSTREAM = "upstream";
  static final String METHOD = "method";
  static final String HASH_KEY = "hashKey";
  static final String MAX_TRIES = "maxTries";
  static final String MAX_FAILS = "maxFails";
  static final String FAIL_TIMEOUT = "failTimeout";
  static final String RETRY_AFTER = "retryAfter";
  static final String NO_BACKEND = "noBackend";
  static final String FAILURE_STATUSES = "failureStatuses";
  static final String TRUSTED_PROXIES = "trustedProxies";
  static final String REAL_IP_HEADER = "realIpHeader";
  static final String REAL_IP_RECURSIVE = "realIpRecursive";

  static final int[] DEFAULT_FAILURE_STATUSES = {502, 504};

  private InitParameters() {}

  /** Builds the shared configuration from a filter's init-params. */
  static ServletBalancer balancer(FilterConfig config) throws ServletException {
    ServletContext context = config.getServletContext();
    return balancer(
        config.getFilterName(),
        context,
        config::getInitParameter,
        config.getInitParameterNames(),
        () -> {
          FilterRegistration registration = context.getFilterRegistration(config.getFilterName());
          return registration == null ? null : registration.getUrlPatternMappings();
        });
  }

  /** Builds the shared configuration from a servlet's init-params. */
  static ServletBalancer balancer(ServletConfig config) throws ServletException {
    ServletContext context = config.getServletContext();
    return balancer(
        config.getServletName(),
        context,
        config::getInitParameter,
        config.getInitParameterNames(),
        () -> {
          ServletRegistration registration =
              context.getServletRegistration(config.getServletName());
          return registration == null ? null : registration.getMappings();
        });
  }

  /** Builds the configuration of a filter or servlet, its cookie path from its mappings. */
  private static ServletBalancer balancer(
      String name,
      ServletContext context,
      Function<String, @Nullable String> params,
      Enumeration<String> names,
      Supplier<@Nullable Collection<String>> mappings)
      throws ServletException {
    List<String> patterns = new ArrayList<>();
    try {
      Collection<String> mapped = mappings.get();
      if (mapped != null) {
        patterns.addAll(mapped);
      }
    } catch (RuntimeException e) {
      // A container that cannot tell: the cookie path defaults to the context's.
    }
    return balancer(
        name,
        params,
        Collections.list(names),
        SessionParameters.cookiePath(context.getContextPath(), patterns));
  }

  /**
   * Builds the shared configuration from init-params.
   *
   * @param names every init-param name (session persistence reads families of them)
   * @param cookiePath the default cookie path: where the filter or servlet is mapped
   */
  static ServletBalancer balancer(
      String name,
      Function<String, @Nullable String> params,
      Collection<String> names,
      String cookiePath)
      throws ServletException {
    List<Backend> backends = backends(required(params, BACKENDS));
    String upstreamName =
        optional(params, UPSTREAM, name == null || name.isBlank() ? "upstream" : name);
    PassiveHealth health =
        passiveHealth(
            integer(params, MAX_FAILS, PassiveHealth.defaults().maxFails(), 0, Integer.MAX_VALUE),
            duration(params, FAIL_TIMEOUT, PassiveHealth.defaults().failTimeout()));
    Upstream upstream;
    try {
      upstream = Upstream.builder(upstreamName).backends(backends).passiveHealth(health).build();
    } catch (IllegalArgumentException e) {
      throw invalid(BACKENDS, e.getMessage());
    }
    SessionParameters.Result sessions = SessionParameters.read(params, names, cookiePath);
    Selector selector;
    String method = params.apply(METHOD);
    if (sessions.ingressMethod != null) {
      if (method != null) {
        throw invalid(
            METHOD,
            "\""
                + method
                + "\" set together with "
                + sessions.ingressMethodParameter
                + " (expected: the method in one of them)");
      }
      selector = sessions.ingressMethod.selector();
    } else {
      selector =
          selector(
              method == null || method.isBlank() ? "round_robin" : method, params.apply(HASH_KEY));
    }
    LoadBalancer.Builder builder =
        LoadBalancer.builder(upstream)
            .selector(selector)
            .maxTries(integer(params, MAX_TRIES, LoadBalancer.DEFAULT_MAX_TRIES, 1, 100));
    if (sessions.persistence != null) {
      builder.affinity(sessions.persistence.toAffinity());
    }
    LoadBalancer loadBalancer = builder.build();
    Duration retryAfter = duration(params, RETRY_AFTER, LoadBalancingFilter.DEFAULT_RETRY_AFTER);
    boolean continueChain = noBackend(optional(params, NO_BACKEND, "503"));
    int[] failureStatuses = failureStatuses(params.apply(FAILURE_STATUSES));
    return new ServletBalancer(
        loadBalancer,
        resolver(params),
        seconds(retryAfter),
        continueChain,
        statusTable(failureStatuses));
  }

  /**
   * nginx's realip module: {@code set_real_ip_from}, {@code real_ip_header}, {@code
   * real_ip_recursive}.
   */
  static ClientAddressResolver resolver(Function<String, @Nullable String> params)
      throws ServletException {
    String trusted = params.apply(TRUSTED_PROXIES);
    ClientAddressResolver.Builder builder = ClientAddressResolver.builder();
    if (trusted != null) {
      for (String cidr : trusted.trim().split("[,;\\s]+")) {
        if (cidr.isEmpty()) {
          continue;
        }
        try {
          builder.trustedProxies(cidr);
        } catch (IllegalArgumentException e) {
          throw invalid(TRUSTED_PROXIES, e.getMessage());
        }
      }
    }
    try {
      builder.header(optional(params, REAL_IP_HEADER, ClientAddressResolver.DEFAULT_HEADER));
    } catch (IllegalArgumentException e) {
      throw invalid(REAL_IP_HEADER, e.getMessage());
    }
    builder.recursive(bool(params, REAL_IP_RECURSIVE, false));
    return builder.build();
  }

  static boolean bool(Function<String, @Nullable String> params, String name, boolean defaultValue)
      throws ServletException {
    String value = params.apply(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "on":
        return true;
      case "false":
      case "off":
        return false;
      default:
        throw invalid(name, "\"" + value + "\" (expected: true or false)");
    }
  }

  private static PassiveHealth passiveHealth(int maxFails, Duration failTimeout)
      throws ServletException {
    try {
      return PassiveHealth.of(maxFails, failTimeout);
    } catch (IllegalArgumentException e) {
      throw invalid(FAIL_TIMEOUT, e.getMessage());
    }
  }

  /**
   * Parses {@code id host:port [weight=N] [max_conns=N] [route=LABEL] [down|drain]} entries,
   * separated by commas, semicolons or line breaks: nginx's {@code server} line with an id first.
   */
  static List<Backend> backends(String value) throws ServletException {
    List<Backend> backends = new ArrayList<>();
    for (String entry : value.split("[,;\\r\\n]+")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      backends.add(backend(trimmed));
    }
    if (backends.isEmpty()) {
      throw invalid(BACKENDS, "\"" + value + "\" (expected: at least one \"id host:port\")");
    }
    return backends;
  }

  private static Backend backend(String entry) throws ServletException {
    String[] tokens = entry.split("\\s+");
    if (tokens.length < 2) {
      throw invalid(
          BACKENDS,
          "\""
              + entry
              + "\" (expected: \"id host:port [weight=N] [max_conns=N] [route=LABEL]"
              + " [down|drain]\")");
    }
    try {
      Backend backend = address(tokens[0], tokens[1]);
      for (int i = 2; i < tokens.length; i++) {
        String token = tokens[i];
        if (token.equals("down")) {
          backend = backend.withState(BackendState.DOWN);
        } else if (token.equals("drain")) {
          backend = backend.withState(BackendState.DRAINING);
        } else if (token.startsWith("weight=")) {
          backend =
              backend.withWeight(parseInt(token.substring(7), "weight of backend " + tokens[0]));
        } else if (token.startsWith("max_conns=")) {
          backend =
              backend.withMaxConnections(
                  parseInt(token.substring(10), "max_conns of backend " + tokens[0]));
        } else if (token.startsWith("route=")) {
          backend = backend.withRoute(token.substring(6));
        } else {
          throw new IllegalArgumentException(
              "\""
                  + token
                  + "\" in \""
                  + entry
                  + "\" (expected: weight=N, max_conns=N, route=LABEL, down or drain)");
        }
      }
      return backend;
    } catch (IllegalArgumentException e) {
      throw invalid(BACKENDS, e.getMessage());
    }
  }

  private static Backend address(String id, String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1 || address.indexOf(']') > colon) {
      throw new IllegalArgumentException(
          "address of backend " + id + ": \"" + address + "\" (expected: host:port, [ipv6]:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return Backend.of(id, host, parseInt(address.substring(colon + 1), "port of backend " + id));
  }

  private static int parseInt(String text, String what) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": \"" + text + "\" (expected: an integer)");
    }
  }

  /**
   * The load-balancing method, in nginx's words, read by lb-cookie's {@link
   * LoadBalancingMethod#of}: {@code round_robin}, {@code least_conn}, {@code random}, {@code random
   * two least_conn}, {@code ip_hash}, or a hash method ({@code hash}, {@code hash consistent},
   * {@code ketama}, {@code ring}, {@code maglev}) with its key as an nginx variable, either in the
   * {@code hashKey} parameter or inline as nginx writes it ({@code hash $request_uri consistent}).
   */
  static Selector selector(String value, @Nullable String hashKey) throws ServletException {
    try {
      return LoadBalancingMethod.of(value, hashKey).selector();
    } catch (IllegalArgumentException e) {
      // lb-cookie names the field first. A key error names the parameter the key was written in:
      // hashKey when given, else method (the key is inline, or missing from it).
      String message = String.valueOf(e.getMessage());
      boolean keyGiven = hashKey != null && !hashKey.isBlank();
      if (message.startsWith("key: ")) {
        throw invalid(keyGiven ? HASH_KEY : METHOD, message.substring(5));
      }
      throw invalid(METHOD, message.startsWith("method: ") ? message.substring(8) : message);
    }
  }

  private static boolean noBackend(String value) throws ServletException {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "503":
        return false;
      case "chain":
        return true;
      default:
        throw invalid(NO_BACKEND, "\"" + value + "\" (expected: 503 or chain)");
    }
  }

  private static int[] failureStatuses(@Nullable String value) throws ServletException {
    if (value == null) {
      return DEFAULT_FAILURE_STATUSES.clone();
    }
    String trimmed = value.trim();
    if (trimmed.equalsIgnoreCase("none")) {
      return new int[0];
    }
    String[] parts = trimmed.split("[,\\s]+");
    int[] statuses = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      int status;
      try {
        status = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        status = -1;
      }
      if (status < 100 || status > 599) {
        throw invalid(
            FAILURE_STATUSES,
            "\"" + value + "\" (expected: statuses 100..599 separated by commas, or none)");
      }
      statuses[i] = status;
    }
    return statuses;
  }

  private static String required(Function<String, @Nullable String> params, String name)
      throws ServletException {
    String value = params.apply(name);
    if (value == null || value.isBlank()) {
      throw invalid(name, "missing (expected: a value; see docs/servlet.md)");
    }
    return value;
  }

  private static String optional(
      Function<String, @Nullable String> params, String name, String defaultValue) {
    String value = params.apply(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  private static int integer(
      Function<String, @Nullable String> params, String name, int defaultValue, int min, int max)
      throws ServletException {
    String value = params.apply(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, "\"" + value + "\" (expected: an integer in " + min + ".." + max + ")");
  }

  static Duration duration(
      Function<String, @Nullable String> params, String name, Duration defaultValue)
      throws ServletException {
    String value = params.apply(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Durations.parseNginxTime(value.trim());
    } catch (IllegalArgumentException e) {
      throw invalid(name, e.getMessage());
    }
  }

  /** Whole seconds, rounded up. */
  static long seconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }

  static boolean[] statusTable(int[] statuses) {
    boolean[] table = new boolean[600];
    for (int status : statuses) {
      table[status] = true;
    }
    return table;
  }

  static ServletException invalid(String param, @Nullable String detail) {
    return new ServletException("init-param " + param + ": " + detail);
  }
}
