package dev.lbkit.spring.gateway.mvc;

import dev.lbkit.core.Backend;
import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.Decision;
import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.spring.LbkitReactorLoadBalancer;
import dev.lbkit.spring.LbkitUpstream;
import dev.lbkit.spring.LbkitUpstreams;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The filter of {@link LbkitFilterFunctions#lbkit(String)} and of {@code lb://} routes: one
 * request's way from the servlet request to an lbkit pick, the proxy's target, the session headers
 * and the outcome.
 *
 * <p>It keeps nothing per request; the upstream (and, for a discovered one, the load balancer that
 * syncs it with the service's instances) is looked up once, on the first request, since a filter
 * made by a static factory method has no application context until a request brings one.
 */
final class LbkitFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {
  private static final Logger logger = LoggerFactory.getLogger(LbkitFilter.class);

  /**
   * The {@code Retry-After} of a 503: nginx's default {@code fail_timeout}, as lb-servlet's filter
   * answers, the earliest a failed backend is tried again.
   */
  static final String RETRY_AFTER_SECONDS = "10";

  /**
   * How long a servlet thread waits for a discovered upstream's instance list. Past it the request
   * is balanced over the instances last seen rather than failed.
   */
  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(5);

  private static final byte[] NO_BACKEND_BODY =
      "503 Service Unavailable: no backend can take this request\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BAD_GATEWAY_BODY =
      "502 Bad Gateway: no backend could be reached\n".getBytes(StandardCharsets.US_ASCII);

  private final String name;
  private final boolean byServiceOnly;
  private volatile @Nullable Target target;

  private LbkitFilter(String name, boolean byServiceOnly) {
    this.name = Objects.requireNonNull(name, "name");
    this.byServiceOnly = byServiceOnly;
  }

  /** The filter for an upstream named {@code name}, or for the service id {@code name}. */
  static LbkitFilter named(String name) {
    return new LbkitFilter(name, false);
  }

  /** The filter of an {@code lb://serviceId} route: the upstream for that service id. */
  static LbkitFilter forService(String serviceId) {
    return new LbkitFilter(serviceId, true);
  }

  /** The request as lbkit sees it: the client address through the trusted proxies. */
  private static RequestContext context(HttpServletRequest servlet, Target t) {
    ServletHeaders headers = new ServletHeaders(servlet);
    String path = servlet.getRequestURI();
    return RequestContext.builder()
        .clientAddress(t.clientAddresses.resolve(servlet.getRemoteAddr(), headers))
        .headers(headers)
        .path(path == null || path.isEmpty() ? "/" : path)
        .query(servlet.getQueryString())
        .secure(servlet.isSecure())
        .build();
  }

  @Override
  public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next)
      throws Exception {
    if (request.attribute(LbkitFilterFunctions.DECISION_ATTRIBUTE).isPresent()) {
      return next.handle(request); // an lbkit filter further out decided already
    }
    Target t = target(request);
    HttpServletRequest servlet = request.servletRequest();
    RequestContext context =
        t.upstream.loadBalancer().readsRequest() ? context(servlet, t) : RequestContext.empty();
    LbkitReactorLoadBalancer sync = t.sync;
    if (sync != null) {
      sync(sync, request);
    }
    Decision decision = t.upstream.pick(context);
    if (!decision.hasBackend()) {
      return noBackend();
    }
    MvcUtils.addOriginalRequestUrl(request, request.uri());
    // Only a request without a body can be sent again: Server MVC's proxy streams the body from
    // the servlet input stream, which a first attempt may have begun to read.
    boolean replayable = !hasBody(servlet);
    while (true) {
      request.attributes().put(LbkitFilterFunctions.DECISION_ATTRIBUTE, decision);
      MvcUtils.setRequestUrl(request, t.uri(decision));
      long start = System.nanoTime();
      ServerResponse response;
      try {
        response = next.handle(request);
      } catch (Exception | Error e) {
        decision.report(Outcome.FAILURE, System.nanoTime() - start);
        if (!isConnectFailure(e)) {
          throw e;
        }
        logger.debug("{}: could not connect to {}", t.upstream.name(), decision.backend(), e);
        if (!replayable) {
          return badGateway();
        }
        Decision next2 = decision.retry();
        if (!next2.hasBackend()) {
          return next2.reason() == Decision.Reason.REFUSED_UNAVAILABLE ? noBackend() : badGateway();
        }
        decision = next2;
        continue;
      }
      return new SessionResponse(response, decision, start);
    }
  }

  private static void sync(LbkitReactorLoadBalancer sync, ServerRequest request) {
    try {
      sync.current(lbRequest(request)).block(SYNC_TIMEOUT);
    } catch (RuntimeException e) {
      // Balance over the instances last seen: a slow discovery is no reason to fail requests.
      logger.debug("{}: instance list not had in time; using the last one", sync, e);
    }
  }

  /** The request as Spring Cloud LoadBalancer's instance list suppliers expect to see it. */
  private static DefaultRequest<RequestDataContext> lbRequest(ServerRequest request) {
    MultiValueMap<String, Cookie> cookies = request.cookies();
    MultiValueMap<String, String> values = new LinkedMultiValueMap<>(cookies.size());
    cookies.forEach((n, list) -> list.forEach(c -> values.add(c.getName(), c.getValue())));
    RequestData data =
        new RequestData(
            request.method(),
            request.uri(),
            request.headers().asHttpHeaders(),
            values,
            request.attributes());
    return new DefaultRequest<>(new RequestDataContext(data));
  }

  private static boolean hasBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }

  /**
   * Whether {@code e} says the backend was never reached, so that nothing was sent: refused, no
   * route, no such host, or the connect timed out. Server MVC's RestClient proxy wraps these in a
   * {@code ResourceAccessException}, its ClientHttpRequestFactory proxy in an {@code
   * UncheckedIOException}; the cause chain is what tells.
   */
  static boolean isConnectFailure(Throwable e) {
    Throwable c = e;
    for (int depth = 0; c != null && depth < 10; depth++) {
      if (c instanceof ConnectException
          || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException
          || c instanceof HttpConnectTimeoutException
          || c instanceof UnresolvedAddressException
          || "ConnectTimeoutException".equals(c.getClass().getSimpleName())) {
        return true;
      }
      c = c.getCause();
    }
    return false;
  }

  /** 503 with {@code Retry-After}, as lb-servlet answers when no backend can take a request. */
  static ServerResponse noBackend() {
    return GatewayServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
        .contentType(MediaType.TEXT_PLAIN)
        .contentLength(NO_BACKEND_BODY.length)
        .build(
            (req, res) -> {
              res.getOutputStream().write(NO_BACKEND_BODY);
              return null;
            });
  }

  private static ServerResponse badGateway() {
    return GatewayServerResponse.status(HttpStatus.BAD_GATEWAY)
        .contentType(MediaType.TEXT_PLAIN)
        .contentLength(BAD_GATEWAY_BODY.length)
        .build(
            (req, res) -> {
              res.getOutputStream().write(BAD_GATEWAY_BODY);
              return null;
            });
  }

  private Target target(ServerRequest request) {
    Target t = target;
    if (t == null) {
      t = resolve(MvcUtils.getApplicationContext(request));
      target = t; // a race resolves the same beans twice; either result is the same
    }
    return t;
  }

  private Target resolve(ApplicationContext context) {
    LbkitUpstreams upstreams = context.getBeanProvider(LbkitUpstreams.class).getIfAvailable();
    LbkitUpstream upstream = null;
    if (upstreams != null) {
      upstream = byServiceOnly ? null : upstreams.named(name);
      if (upstream == null) {
        upstream = upstreams.forService(name);
      }
    }
    if (upstreams == null || upstream == null) {
      throw new IllegalStateException(
          "lbkit filter: no upstream "
              + (byServiceOnly ? "for the service id" : "named, or for the service id,")
              + " \""
              + name
              + "\" (expected: lbkit.upstreams."
              + name
              + " or an upstream with service-id "
              + name
              + ")");
    }
    LbkitReactorLoadBalancer sync = null;
    if (upstream.isDiscovered()) {
      sync = discovery(context, upstream);
    }
    return new Target(upstream, upstreams.clientAddresses(), sync);
  }

  /**
   * The load balancer that keeps a discovered upstream in step with its service's instances: the
   * one Spring Cloud LoadBalancer already has for the service when it is this upstream's, else one
   * of our own over the same instance list supplier (two upstreams sharing a service id).
   */
  private static @Nullable LbkitReactorLoadBalancer discovery(
      ApplicationContext context, LbkitUpstream upstream) {
    LoadBalancerClientFactory factory =
        context.getBeanProvider(LoadBalancerClientFactory.class).getIfAvailable();
    if (factory == null) {
      logger.warn(
          "{}: a discovered upstream, but Spring Cloud LoadBalancer is off; it keeps the"
              + " instances it has",
          upstream.name());
      return null;
    }
    ReactiveLoadBalancer<ServiceInstance> existing = factory.getInstance(upstream.serviceId());
    if (existing instanceof LbkitReactorLoadBalancer lbkit && lbkit.upstream() == upstream) {
      return lbkit;
    }
    return new LbkitReactorLoadBalancer(
        upstream, factory.getLazyProvider(upstream.serviceId(), ServiceInstanceListSupplier.class));
  }

  @Override
  public String toString() {
    return "lbkit(" + name + ")";
  }

  /** What the filter balances over, resolved on the first request. */
  private static final class Target {
    final LbkitUpstream upstream;
    final ClientAddressResolver clientAddresses;
    final @Nullable LbkitReactorLoadBalancer sync;

    Target(
        LbkitUpstream upstream,
        ClientAddressResolver clientAddresses,
        @Nullable LbkitReactorLoadBalancer sync) {
      this.upstream = upstream;
      this.clientAddresses = clientAddresses;
      this.sync = sync;
    }

    /** Where the proxy sends the request: the instance's own URI (its scheme) when discovered. */
    URI uri(Decision decision) {
      Backend b = Objects.requireNonNull(decision.backend());
      LbkitReactorLoadBalancer s = sync;
      if (s != null) {
        Response<ServiceInstance> r = s.respond(decision);
        ServiceInstance instance = r.getServer();
        if (instance != null) {
          return instance.getUri();
        }
      }
      return URI.create("http://" + b.authority());
    }
  }

  /** The headers of a servlet request, as lbkit reads them; never throws. */
  private static final class ServletHeaders implements HeaderSource {
    private final HttpServletRequest request;

    ServletHeaders(HttpServletRequest request) {
      this.request = request;
    }

    @Override
    public @Nullable String get(String name) {
      Enumeration<String> values = request.getHeaders(name);
      if (values == null || !values.hasMoreElements()) {
        return null;
      }
      String first = values.nextElement();
      if (!values.hasMoreElements()) {
        return first;
      }
      StringBuilder s = new StringBuilder(first);
      String separator = "cookie".equalsIgnoreCase(name) ? "; " : ", ";
      while (values.hasMoreElements()) {
        s.append(separator).append(values.nextElement());
      }
      return s.toString();
    }
  }
}
