package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.cookie.internal.CookieSuffix;
import dev.lbkit.cookie.internal.RouteScan;
import dev.lbkit.cookie.internal.RouteTable;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.SessionAffinity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Stickiness read from the application's own session id, as Tomcat's {@code jvmRoute} and Apache
 * mod_proxy_balancer's {@code stickysession=JSESSIONID|jsessionid} do: a session id such as {@code
 * 8F3A21C1.node1} names its route after the last dot, and the request goes to the backend whose
 * {@link Backend#route()} is {@code node1}.
 *
 * <pre>{@code
 * Upstream app = Upstream.of("app",
 *     Backend.of("a", "10.0.0.5", 8080).withRoute("node1"),
 *     Backend.of("b", "10.0.0.6", 8080).withRoute("node2"));
 * LoadBalancer lb = LoadBalancer.builder(app)
 *     .affinity(JvmRouteAffinity.ofDefaults())
 *     .selector(Selector.leastConn())
 *     .build();
 * }</pre>
 *
 * <p>Where the route is read, in order:
 *
 * <ol>
 *   <li>lbkit's own route cookie, when {@linkplain Builder#routeCookie(String) enabled} (value
 *       {@code .node1}, as mod_proxy_balancer's {@code ROUTEID}): it is what lbkit last told the
 *       client, so it is never staler than the application's id;
 *   <li>the {@code ;jsessionid=} path parameter (name matched ignoring case), which
 *       mod_proxy_balancer also reads before the cookie;
 *   <li>every {@code JSESSIONID} cookie (name configurable, matched ignoring case), the first one
 *       with a known route winning.
 * </ol>
 *
 * <p>No route, or a route no backend carries: {@link Binding#none()}, and the selector decides. A
 * route whose backend is down, failed or full is rebalanced by the {@link
 * dev.lbkit.core.LoadBalancer} (mod_proxy_balancer's failover) unless {@link
 * Builder#failover(boolean) failover} is off ({@code nofailover=On}).
 *
 * <p>Read-only by default: the application owns its session id and appends its own route. When it
 * does not, {@link Builder#routeCookie(String)} makes lbkit write its own route cookie whenever a
 * session starts or moves. Resolving allocates nothing; nothing a client sends reaches a response
 * header (the cookie value is the backend's configured label).
 */
public final class JvmRouteAffinity implements SessionAffinity {
  /** The servlet default session cookie name. */
  public static final String DEFAULT_SESSION_COOKIE = "JSESSIONID";

  /** mod_proxy_balancer's customary route cookie name. */
  public static final String DEFAULT_ROUTE_COOKIE = "ROUTEID";

  private final String sessionCookie;
  private final @Nullable String pathParameter;
  private final @Nullable String routeCookie;
  private final CookieAttributes routeCookieAttributes;
  private final boolean failover;
  private final Precomputation<RouteTable<List<List<ResponseHeader>>>> table;

  private JvmRouteAffinity(Builder b) {
    this.sessionCookie = b.sessionCookie;
    this.pathParameter = b.pathParameter;
    this.routeCookie = b.routeCookie;
    this.routeCookieAttributes = b.routeCookieAttributes;
    this.failover = b.failover;
    this.table =
        routeCookie == null
            ? backends -> RouteTable.of(backends, route -> List.of())
            : backends -> RouteTable.of(backends, this::routeCookieHeaders);
  }

  /**
   * Reads the route from the {@code JSESSIONID} cookie and the {@code ;jsessionid=} path parameter,
   * writes nothing, and fails over when the route's backend is unavailable.
   */
  public static JvmRouteAffinity ofDefaults() {
    return builder().build();
  }

  /** Starts building a route affinity. */
  public static Builder builder() {
    return new Builder();
  }

  /** The session cookie whose value carries the route (matched ignoring case). */
  public String sessionCookie() {
    return sessionCookie;
  }

  /** The path parameter that carries the session id, or {@code null} when not read. */
  public @Nullable String pathParameter() {
    return pathParameter;
  }

  /** lbkit's own route cookie, or {@code null} when lbkit writes none. */
  public @Nullable String routeCookie() {
    return routeCookie;
  }

  /** The attributes of lbkit's own route cookie. */
  public CookieAttributes routeCookieAttributes() {
    return routeCookieAttributes;
  }

  /** Whether a session whose route's backend is unavailable moves to another backend. */
  public boolean failover() {
    return failover;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(table);
  }

  @Override
  public Binding resolve(PoolSnapshot pool, RequestContext request) {
    RouteTable<?> routes = pool.precomputed(table);
    String cookies = request.cookieHeader();
    Binding binding = null;
    if (routeCookie != null) {
      binding = RouteScan.inCookies(pool, routes, cookies, routeCookie, false);
    }
    if (binding == null && pathParameter != null) {
      binding = RouteScan.inPathParameters(pool, routes, request.path(), pathParameter);
    }
    if (binding == null) {
      binding = RouteScan.inCookies(pool, routes, cookies, sessionCookie, true);
    }
    return binding == null ? Binding.none() : binding;
  }

  @Override
  public boolean rebalancesUnavailable() {
    return failover;
  }

  @Override
  public boolean changesOnFailure() {
    return failover;
  }

  /**
   * The route cookie when lbkit writes one and the request goes to a backend other than the one its
   * route named (a new session, a rebalance or a failover), as mod_proxy_balancer sets {@code
   * ROUTEID} when {@code BALANCER_ROUTE_CHANGED}. A backend without a route label gets none.
   */
  @Override
  public List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason) {
    if (routeCookie == null
        || (binding.kind() == Binding.Kind.BOUND && binding.index() == chosen)) {
      return List.of();
    }
    List<List<ResponseHeader>> variants = pool.precomputed(table).routeCookie(chosen);
    return variants == null
        ? List.of()
        : variants.get(CookieSuffix.variant(routeCookieAttributes, request));
  }

  /** The route cookie for {@code route}, one per {@link CookieSuffix#variant}. */
  private List<List<ResponseHeader>> routeCookieHeaders(String route) {
    List<List<ResponseHeader>> variants = new ArrayList<>(CookieSuffix.VARIANTS);
    for (int variant = 0; variant < CookieSuffix.VARIANTS; variant++) {
      String value = routeCookie + "=." + route + CookieSuffix.of(routeCookieAttributes, variant);
      variants.add(List.of(new ResponseHeader("Set-Cookie", value)));
    }
    return List.copyOf(variants);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("JvmRouteAffinity{cookie=").append(sessionCookie);
    if (pathParameter != null) {
      sb.append(", pathParameter=").append(pathParameter);
    }
    if (routeCookie != null) {
      sb.append(", routeCookie=").append(routeCookie);
    }
    if (!failover) {
      sb.append(", nofailover");
    }
    return sb.append('}').toString();
  }

  /** Builds a {@link JvmRouteAffinity}. */
  public static final class Builder {
    private String sessionCookie = DEFAULT_SESSION_COOKIE;
    private @Nullable String pathParameter = "jsessionid";
    private @Nullable String routeCookie;
    private CookieAttributes routeCookieAttributes = CookieAttributes.ofDefaults();
    private boolean failover = true;

    private Builder() {}

    /**
     * The session cookie that carries the route, {@value #DEFAULT_SESSION_COOKIE} unless set
     * (Tomcat's {@code sessionCookieName}); matched ignoring ASCII case.
     */
    public Builder sessionCookie(String name) {
      this.sessionCookie = checkToken("sessionCookie", name);
      return this;
    }

    /**
     * The path parameter that carries the session id when the client takes no cookies, {@code
     * jsessionid} unless set (matched ignoring ASCII case); {@code null} not to read one.
     */
    public Builder pathParameter(@Nullable String name) {
      this.pathParameter = name == null ? null : checkToken("pathParameter", name);
      return this;
    }

    /**
     * Makes lbkit write its own route cookie with this name (value {@code .route}) when a session
     * starts or moves, and read it first: for applications that do not append a route to their
     * session id, as mod_proxy_balancer's {@code ROUTEID} recipe. {@code null} (the default) writes
     * nothing.
     */
    public Builder routeCookie(@Nullable String name) {
      this.routeCookie = name == null ? null : checkToken("routeCookie", name);
      return this;
    }

    /**
     * The route cookie's attributes: {@link CookieAttributes#ofDefaults()} unless set ({@code
     * Path=/}, {@code HttpOnly}, {@code Secure} when the request arrived over TLS).
     */
    public Builder routeCookieAttributes(CookieAttributes attributes) {
      this.routeCookieAttributes = Objects.requireNonNull(attributes, "routeCookieAttributes");
      return this;
    }

    /**
     * Whether a session whose route's backend is down, failed or full moves to another backend
     * (true, the default), or gets no backend so that the caller answers 503 (mod_proxy_balancer
     * {@code nofailover=On}, for applications without session replication). Off also keeps a retry
     * after a failure on the route's backend.
     */
    public Builder failover(boolean failover) {
      this.failover = failover;
      return this;
    }

    /**
     * Builds the affinity.
     *
     * @throws IllegalArgumentException if the route cookie's name has a {@code __Secure-} or {@code
     *     __Host-} prefix its attributes do not satisfy
     */
    public JvmRouteAffinity build() {
      if (routeCookie != null) {
        routeCookieAttributes.checkFitsName("routeCookieAttributes", routeCookie);
      }
      return new JvmRouteAffinity(this);
    }

    private static String checkToken(String field, String name) {
      Objects.requireNonNull(name, field);
      boolean token = !name.isEmpty();
      for (int i = 0; token && i < name.length(); i++) {
        char c = name.charAt(i);
        token =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      }
      checkArgument(token, "%s: \"%s\" (expected: an RFC 6265 cookie name token)", field, name);
      return name;
    }
  }
}
