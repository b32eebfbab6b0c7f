package dev.lbkit.servlet;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.Decision;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Router;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.Upstream;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A servlet filter that routes each request through a {@link Router} (a {@link LoadBalancer}, or a
 * {@link TrafficSplit} across several): it picks the backend, writes the session headers ({@code
 * Set-Cookie} or the session header) to the response, stores the {@link Decision} in the request
 * attribute {@value #DECISION_ATTRIBUTE} for the servlet that forwards the request (such as {@link
 * LoadBalancingProxyServlet}), and reports how the request ended once it really ends, asynchronous
 * requests included.
 *
 * <p>When no backend can take the request it answers {@code 503 Service Unavailable} with {@code
 * Retry-After}, or lets the chain decide if so configured.
 *
 * <p>Behind a {@link TrafficSplit} (a canary, weighted Gateway API {@code backendRefs}) the
 * decision is the chosen member's: {@link Decision#members()} names the member, and the decision
 * reports and retries within it.
 *
 * <p>Register it in code:
 *
 * <pre>{@code
 * FilterRegistration.Dynamic lb = servletContext.addFilter("tea",
 *     LoadBalancingFilter.builder(loadBalancer).retryAfter(Duration.ofSeconds(5)).build());
 * lb.setAsyncSupported(true);
 * lb.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/tea");
 * }</pre>
 *
 * <p>or in {@code web.xml}, configured by init-params (see {@code docs/servlet.md} for every
 * parameter):
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>tea</filter-name>
 *   <filter-class>dev.lbkit.servlet.LoadBalancingFilter</filter-class>
 *   <async-supported>true</async-supported>
 *   <init-param><param-name>backends</param-name>
 *     <param-value>tea-1 10.0.0.5:8080, tea-2 10.0.0.6:8080</param-value></init-param>
 *   <init-param><param-name>method</param-name><param-value>least_conn</param-value></init-param>
 * </filter>
 * }</pre>
 *
 * <p>Thread-safe. Bad client input (cookies, forwarding headers, session headers) never makes it
 * throw: it counts as absent.
 */
public final class LoadBalancingFilter implements Filter {
  /** The request attribute holding the current {@link Decision} (after a retry, the retry's). */
  public static final String DECISION_ATTRIBUTE = "dev.lbkit.servlet.decision";

  /**
   * The default {@code Retry-After} of a 503: nginx's default {@code fail_timeout}, the earliest a
   * backend failed by passive health is tried again.
   */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

  /**
   * The servlet context attribute holding the initialised filters of a web application, by filter
   * name; read it with {@link #upstreams(ServletContext)}.
   */
  static final String FILTERS_ATTRIBUTE = "dev.lbkit.servlet.filters";

  private volatile @Nullable ServletBalancer balancer;
  private volatile @Nullable ServletContext registeredIn;
  private volatile @Nullable String registeredAs;

  /**
   * Creates a filter configured by its init-params when the container calls {@link #init}: the
   * constructor {@code web.xml} uses. Code should use {@link #builder}.
   */
  public LoadBalancingFilter() {}

  private LoadBalancingFilter(ServletBalancer balancer) {
    this.balancer = balancer;
  }

  /**
   * Starts building a filter over {@code router}: a {@link LoadBalancer}, or a {@link TrafficSplit}
   * (each request goes to the member the split chooses, its session's member or one drawn by
   * weight, then to the backend that member's load balancer picks).
   */
  public static Builder builder(Router router) {
    return new Builder(Objects.requireNonNull(router, "router"));
  }

  /** The current decision of a request this filter (or the proxy servlet) has routed, or null. */
  public static @Nullable Decision decision(ServletRequest request) {
    Object value = request.getAttribute(DECISION_ATTRIBUTE);
    return value instanceof Decision ? (Decision) value : null;
  }

  /**
   * Picks again, for a forwarder of your own, when its attempt on the current decision's backend
   * could not connect: {@link Decision#retry()} on the request's current decision, then {@link
   * #moveSession}, so that a session that fails over is answered with the cookie of the backend
   * that serves it. Report the failed attempt first ({@code decision.report(Outcome.FAILURE)}) so
   * that passive health counts it. {@link LoadBalancingProxyServlet} and {@link
   * HttpClientProxyServlet} do all this themselves.
   *
   * @return the retry's decision: a backend to try next, or none ({@link
   *     Decision.Reason#REFUSED_UNAVAILABLE} for a strict session: answer 503 as the filter does;
   *     otherwise no other backend is left: answer 502)
   * @throws IllegalStateException if no {@link LoadBalancingFilter} (or proxy servlet picking
   *     itself) routed the request
   */
  public static Decision retry(ServletRequest request, HttpServletResponse response) {
    Exchange exchange = exchangeOf(request);
    return exchange.retry(exchange.decision(), response);
  }

  /**
   * Makes {@code next}, a retry you obtained with {@link Decision#retry()} on the request's current
   * decision, the request's decision ({@link #DECISION_ATTRIBUTE}, and what the filter reports at
   * the end), and, while the response is not committed, replaces the session headers written for
   * the previous decision with those of {@code next}: exactly the values lbkit wrote are removed,
   * any other value of the same header (a {@code Set-Cookie} of the application's) is kept. A retry
   * on the same backend without headers of its own keeps those written.
   *
   * <p>Call it before the response is committed (before its body is written or flushed).
   *
   * @return whether the response carries the session headers of {@code next}: false when they had
   *     to change but the response was committed already (the client keeps the old session's
   *     cookie, and its next request is rebalanced as usual)
   * @throws IllegalStateException if no {@link LoadBalancingFilter} routed the request
   * @throws IllegalArgumentException if {@code next} is not a decision for this request
   */
  public static boolean moveSession(
      ServletRequest request, HttpServletResponse response, Decision next) {
    Objects.requireNonNull(next, "next");
    Exchange exchange = exchangeOf(request);
    checkArgument(
        next.request() == exchange.decision().request(),
        "next: %s (expected: a retry of this request's decision, %s)",
        next,
        exchange.decision());
    return exchange.move(next, response);
  }

  private static Exchange exchangeOf(ServletRequest request) {
    Exchange exchange = Exchange.of(Objects.requireNonNull(request, "request"));
    if (exchange == null) {
      throw new IllegalStateException(
          "no LoadBalancingFilter routed this request (is the filter mapped to its path, for"
              + " DispatcherType.REQUEST?)");
    }
    return exchange;
  }

  /**
   * Reads the init-params, unless the filter was built in code (then they are ignored).
   *
   * @throws ServletException naming the parameter, when one is missing or invalid
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    if (balancer == null) {
      balancer = InitParameters.balancer(config);
    }
    register(config.getServletContext(), config.getFilterName());
  }

  /** Publishes this filter under its name in the context's registry ({@link #upstreams}). */
  private void register(ServletContext context, String name) {
    synchronized (LoadBalancingFilter.class) {
      Map<String, LoadBalancingFilter> filters = registry(context);
      if (filters == null) {
        filters = new ConcurrentHashMap<>();
        context.setAttribute(FILTERS_ATTRIBUTE, filters);
      }
      filters.put(name, this);
    }
    registeredIn = context;
    registeredAs = name;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, LoadBalancingFilter> registry(ServletContext context) {
    Object value = context.getAttribute(FILTERS_ATTRIBUTE);
    return value instanceof ConcurrentHashMap ? (Map<String, LoadBalancingFilter>) value : null;
  }

  /**
   * The upstreams of every {@link LoadBalancingFilter} of a web application that its container has
   * initialised, by filter name (the {@code <filter-name>} of {@code web.xml}, or the name given to
   * {@code ServletContext.addFilter}): the way for {@code web.xml} users to change them at run time
   * (drain a backend, take it down, set its weight, add or remove one) without a request in hand. A
   * filter over a {@link LoadBalancer} has one upstream; one over a {@link TrafficSplit} has its
   * members', in the split's order, nested splits flattened.
   *
   * <p>A filter is listed from its {@code init} (the container initialises filters when the
   * application starts, after the {@code ServletContextListener}s ran) to its {@code destroy}. The
   * map is a snapshot; the upstreams are the live ones, and every change to them is thread-safe.
   *
   * <pre>{@code
   * Upstream tea = LoadBalancingFilter.upstreams(getServletContext()).get("tea").get(0);
   * tea.setState("tea-1", BackendState.DRAINING);   // keeps its sessions, takes no new ones
   * }</pre>
   */
  public static Map<String, List<Upstream>> upstreams(ServletContext context) {
    Map<String, LoadBalancingFilter> filters = registry(context);
    if (filters == null) {
      return Map.of();
    }
    Map<String, List<Upstream>> upstreams = new TreeMap<>();
    for (Map.Entry<String, LoadBalancingFilter> filter : filters.entrySet()) {
      upstreams.put(filter.getKey(), filter.getValue().upstreams());
    }
    return Collections.unmodifiableMap(upstreams);
  }

  /**
   * The upstream of the filter named {@code filterName} in a web application, or {@code null} when
   * no such filter is initialised (see {@link #upstreams(ServletContext)}).
   *
   * @throws IllegalStateException if the filter routes through a {@link TrafficSplit} of several
   *     upstreams (then use {@link #upstreams(ServletContext)})
   */
  public static @Nullable Upstream upstream(ServletContext context, String filterName) {
    Map<String, LoadBalancingFilter> filters = registry(context);
    LoadBalancingFilter filter = filters == null ? null : filters.get(filterName);
    if (filter == null) {
      return null;
    }
    List<Upstream> upstreams = filter.upstreams();
    if (upstreams.size() != 1) {
      throw new IllegalStateException(
          "filter "
              + filterName
              + " routes through a TrafficSplit of "
              + upstreams.size()
              + " upstreams (expected: one; use LoadBalancingFilter.upstreams(context))");
    }
    return upstreams.get(0);
  }

  /**
   * The upstreams this filter routes to: its load balancer's, or the members' of its traffic split
   * in the split's order.
   *
   * @throws IllegalStateException if the filter was created for {@code web.xml} and not yet
   *     initialised
   */
  public List<Upstream> upstreams() {
    List<Upstream> upstreams = new ArrayList<>(2);
    collect(router(), upstreams);
    return List.copyOf(upstreams);
  }

  private static void collect(Router router, List<Upstream> into) {
    if (router instanceof LoadBalancer) {
      into.add(((LoadBalancer) router).upstream());
      return;
    }
    TrafficSplit split = (TrafficSplit) router;
    for (String member : split.members()) {
      collect(split.member(member), into);
    }
  }

  /**
   * The router this filter routes through.
   *
   * @throws IllegalStateException if the filter was created for {@code web.xml} and not yet
   *     initialised
   */
  public Router router() {
    return balancer().router();
  }

  private ServletBalancer balancer() {
    ServletBalancer b = balancer;
    if (b == null) {
      throw new IllegalStateException(
          "LoadBalancingFilter has no configuration: the container did not call init(), or it was"
              + " created with the no-argument constructor outside web.xml (use builder())");
    }
    return b;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest)
        || !(res instanceof HttpServletResponse)
        || Exchange.of(req) != null) {
      // Not HTTP, or routed already (a forward, an error or async dispatch through this filter).
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    Exchange exchange = balancer().start(request, response);
    if (exchange == null) {
      return; // answered 503
    }
    try {
      chain.doFilter(request, response);
    } catch (IOException e) {
      // An I/O error here is most often the client going away: no verdict on the backend.
      exchange.finish(Outcome.COMPLETED);
      throw e;
    } catch (ServletException | RuntimeException | Error e) {
      exchange.fail();
      exchange.finish(Outcome.FAILURE);
      throw e;
    }
    if (request.isAsyncStarted()) {
      try {
        exchange.listenTo(request.getAsyncContext());
        return;
      } catch (IllegalStateException e) {
        // The asynchronous cycle already ended: it can be reported now.
      }
    }
    exchange.learnFrom(response);
    exchange.finish(response.getStatus());
  }

  /** Leaves the context's registry ({@link #upstreams}). */
  @Override
  public void destroy() {
    ServletContext context = registeredIn;
    String name = registeredAs;
    if (context == null || name == null) {
      return;
    }
    synchronized (LoadBalancingFilter.class) {
      Map<String, LoadBalancingFilter> filters = registry(context);
      if (filters != null) {
        filters.remove(name, this);
      }
    }
    registeredIn = null;
    registeredAs = null;
  }

  @Override
  public String toString() {
    ServletBalancer b = balancer;
    return "LoadBalancingFilter{" + (b == null ? "not initialised" : b.router()) + '}';
  }

  /** Builds a {@link LoadBalancingFilter}. */
  public static final class Builder {
    private final Router router;
    private ClientAddressResolver clientAddressResolver = ClientAddressResolver.direct();
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private boolean continueChainWhenNoBackend;
    private int[] failureStatuses = InitParameters.DEFAULT_FAILURE_STATUSES.clone();

    private Builder(Router router) {
      this.router = router;
    }

    /**
     * How the client's address is found behind trusted proxies (nginx's realip module); {@link
     * ClientAddressResolver#direct()} (the connection's peer, no header trusted) unless set.
     */
    public Builder clientAddressResolver(ClientAddressResolver resolver) {
      this.clientAddressResolver = Objects.requireNonNull(resolver, "clientAddressResolver");
      return this;
    }

    /**
     * The {@code Retry-After} of a 503 when no backend can take a request, rounded up to whole
     * seconds; {@link Duration#ZERO} sends none. {@link #DEFAULT_RETRY_AFTER} unless set.
     */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      checkArgument(!retryAfter.isNegative(), "retryAfter: %s (expected: >= 0)", retryAfter);
      this.retryAfter = retryAfter;
      return this;
    }

    /**
     * Whether a request no backend can take goes on down the chain, with a decision without backend
     * in {@link #DECISION_ATTRIBUTE}, instead of being answered 503 here (false unless set). Behind
     * a {@link TrafficSplit} that found no member, its reason is {@link Decision.Reason#NO_MEMBER}.
     */
    public Builder continueChainWhenNoBackend(boolean continueChain) {
      this.continueChainWhenNoBackend = continueChain;
      return this;
    }

    /**
     * The response statuses reported as {@link Outcome#FAILURE} when nothing downstream reported
     * the request itself: 502 and 504 unless set (what a proxy answers when it cannot reach or hear
     * from the backend). None makes every completed response a success.
     */
    public Builder failureStatuses(int... statuses) {
      for (int status : statuses) {
        checkArgument(
            status >= 100 && status <= 599, "failureStatuses: %s (expected: 100..599)", status);
      }
      this.failureStatuses = statuses.clone();
      return this;
    }

    /** Builds the filter. */
    public LoadBalancingFilter build() {
      return new LoadBalancingFilter(balancer());
    }

    ServletBalancer balancer() {
      return new ServletBalancer(
          router,
          clientAddressResolver,
          InitParameters.seconds(retryAfter),
          continueChainWhenNoBackend,
          InitParameters.statusTable(failureStatuses));
    }
  }
}
