package dev.lbkit.spring.gateway;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR;

import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.Decision;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.spring.HttpHeadersSource;
import dev.lbkit.spring.LbkitReactorLoadBalancer;
import dev.lbkit.spring.LbkitUpstream;
import dev.lbkit.spring.LbkitUpstreams;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Routes {@code lb://SERVICE} requests with lbkit when {@code lbkit.upstreams} has an upstream for
 * the service id, in place of Spring's {@link ReactiveLoadBalancerClientFilter} (it runs just
 * before it, at {@link #ORDER}, and leaves every other route to it).
 *
 * <p>For each request it resolves the client address from the connection and the trusted proxies
 * ({@code lbkit.client-address.*}), brings a discovered upstream up to date with the service's
 * instances, and picks. With a backend, it points the request at it (the path and query kept,
 * {@code https} when the instance is secure) and writes the decision's session headers (the sticky
 * {@code Set-Cookie}, or the session header) to the client response when it is committed, next to
 * whatever the backend set. Without one (no backend up, a strict session's backend gone) it answers
 * {@code 503 Service Unavailable} with {@code Retry-After}, as lb-servlet does.
 *
 * <p>When the backend cannot be connected to (refused, connect timeout, no route, unknown host),
 * the attempt is reported as a failure and the request is retried through {@link Decision#retry()}
 * on another backend while nothing was sent to the client, as nginx's {@code proxy_next_upstream
 * error}: the retry's session headers (a moved session's new cookie) are the ones written. When no
 * backend is left it answers {@code 502 Bad Gateway}, or {@code 503} with {@code Retry-After} when
 * a strict session is refused. Any other failure is reported and left to Spring's error handling.
 *
 * <p>Route metadata, under {@code lbkit}: {@code enabled: false} leaves the route to Spring; {@code
 * upstream: NAME} picks with the upstream {@code lbkit.upstreams.NAME} instead of the one of the
 * route's service id.
 */
public final class LbkitGatewayFilter implements GlobalFilter, Ordered {
  /** Just before Spring's load-balancer filter, so that lbkit's pick comes first. */
  public static final int ORDER =
      ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;

  /** Route metadata: {@code false} leaves the route to Spring's load balancer. */
  public static final String METADATA_ENABLED = "lbkit.enabled";

  /** Route metadata: the name of the {@code lbkit.upstreams} entry that picks for the route. */
  public static final String METADATA_UPSTREAM = "lbkit.upstream";

  private static final Logger logger = LoggerFactory.getLogger(LbkitGatewayFilter.class);

  private static final byte[] NO_BACKEND_BODY =
      "503 Service Unavailable: no backend can take this request\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNREACHABLE_BODY =
      "502 Bad Gateway: no backend could be connected to\n".getBytes(StandardCharsets.US_ASCII);
  private static final MediaType TEXT_PLAIN_ASCII =
      new MediaType("text", "plain", StandardCharsets.US_ASCII);

  private final LbkitUpstreams upstreams;
  private final LoadBalancerClientFactory clientFactory;
  private final @Nullable String retryAfter;
  private final Map<String, LbkitReactorLoadBalancer> byUpstreamName = new ConcurrentHashMap<>();

  /**
   * A filter over {@code upstreams}, taking each service's instances and load balancer from {@code
   * clientFactory}.
   *
   * @param retryAfter the {@code Retry-After} of a 503, rounded up to whole seconds; zero sends
   *     none
   */
  public LbkitGatewayFilter(
      LbkitUpstreams upstreams, LoadBalancerClientFactory clientFactory, Duration retryAfter) {
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
    }
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    this.retryAfter = seconds > 0 ? Long.toString(seconds) : null;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
    String schemePrefix = exchange.getAttribute(GATEWAY_SCHEME_PREFIX_ATTR);
    if (url == null || (!"lb".equals(url.getScheme()) && !"lb".equals(schemePrefix))) {
      return chain.filter(exchange);
    }
    String serviceId = url.getHost();
    if (serviceId == null) {
      return chain.filter(exchange);
    }
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    LbkitReactorLoadBalancer balancer = balancerFor(route, serviceId);
    if (balancer == null) {
      return chain.filter(exchange);
    }
    RequestContext context =
        balancer.upstream().loadBalancer().readsRequest()
            ? context(exchange)
            : RequestContext.empty();
    ServerWebExchangeUtils.addOriginalRequestUrl(exchange, url);
    // Taken over: Spring's filter must not pick again for an lb: scheme prefix (lb:ws://).
    exchange.getAttributes().remove(GATEWAY_SCHEME_PREFIX_ATTR);
    String scheme = schemePrefix != null ? url.getScheme() : null;
    // Only a discovered upstream asks the service's instance supplier, which may read the request
    // (hints, request-based suppliers); a static one needs no copy of Spring's request data.
    DefaultRequest<RequestDataContext> lbRequest =
        balancer.upstream().isDiscovered()
            ? new DefaultRequest<>(
                new RequestDataContext(
                    new RequestData(exchange.getRequest(), exchange.getAttributes()),
                    hint(balancer.upstream().serviceId())))
            : null;
    return balancer
        .current(lbRequest)
        .flatMap(
            upstream -> {
              Decision decision = upstream.pick(context);
              if (!decision.hasBackend()) {
                logger.debug("{}: no backend for {}: {}", upstream.name(), url, decision);
                return respond(exchange, HttpStatus.SERVICE_UNAVAILABLE, NO_BACKEND_BODY);
              }
              GatewayExchange state = GatewayExchange.begin(exchange, decision);
              return attempt(exchange, chain, balancer, state, decision, scheme);
            });
  }

  /** Sends the request to {@code decision}'s backend; on a connect failure, retries. */
  private Mono<Void> attempt(
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      LbkitReactorLoadBalancer balancer,
      GatewayExchange state,
      Decision decision,
      @Nullable String scheme) {
    Response<ServiceInstance> response = balancer.respond(decision);
    ServiceInstance instance = Objects.requireNonNull(response.getServer());
    String override = scheme != null ? scheme : instance.isSecure() ? "https" : "http";
    URI backendUrl =
        LoadBalancerUriTools.reconstructURI(
            new DelegatingServiceInstance(instance, override), exchange.getRequest().getURI());
    exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, backendUrl);
    exchange.getAttributes().put(GATEWAY_LOADBALANCER_RESPONSE_ATTR, response);
    state.attempt(decision);
    return chain
        .filter(exchange)
        .onErrorResume(
            failure -> {
              state.report(Outcome.FAILURE);
              if (!isConnectFailure(failure) || exchange.getResponse().isCommitted()) {
                return Mono.error(failure);
              }
              Decision next = decision.retry();
              logger.debug("retry after {} ({}): {}", decision, failure.toString(), next);
              state.attempt(next);
              if (next.hasBackend()) {
                ServerWebExchangeUtils.reset(exchange);
                return attempt(exchange, chain, balancer, state, next, scheme);
              }
              if (next.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
                // A strict session is refused rather than moved: 503, as when it is first refused.
                return respond(exchange, HttpStatus.SERVICE_UNAVAILABLE, NO_BACKEND_BODY);
              }
              return respond(exchange, HttpStatus.BAD_GATEWAY, UNREACHABLE_BODY);
            });
  }

  /** The load balancer for the route, or {@code null} to leave the route to Spring. */
  private @Nullable LbkitReactorLoadBalancer balancerFor(@Nullable Route route, String serviceId) {
    Map<String, Object> metadata = route == null ? Map.of() : route.getMetadata();
    if (!metadata.isEmpty()) {
      Object enabled = metadataValue(metadata, METADATA_ENABLED);
      if (enabled != null && "false".equalsIgnoreCase(enabled.toString().trim())) {
        return null;
      }
      Object name = metadataValue(metadata, METADATA_UPSTREAM);
      if (name != null) {
        return balancerNamed(name.toString().trim(), route);
      }
    }
    LbkitUpstream upstream = upstreams.forService(serviceId);
    if (upstream == null) {
      return null;
    }
    ReactorServiceInstanceLoadBalancer lb =
        clientFactory.getInstance(serviceId, ReactorServiceInstanceLoadBalancer.class);
    // Another load balancer there is the user's own configuration for the service: Spring's.
    return lb instanceof LbkitReactorLoadBalancer l ? l : null;
  }

  /**
   * The load balancer of the upstream a route names: the service's own when it is that upstream's,
   * else one of this filter's over the upstream and the service's instances (two upstreams may
   * share a service id, with different session settings).
   */
  private LbkitReactorLoadBalancer balancerNamed(String name, @Nullable Route route) {
    LbkitReactorLoadBalancer known = byUpstreamName.get(name);
    if (known != null) {
      return known;
    }
    LbkitUpstream upstream = upstreams.named(name);
    if (upstream == null) {
      // An error of the gateway's configuration, not of the client: Spring answers it as any
      // failing route (500), and the message names the route and the names there are.
      throw new IllegalStateException(
          "route "
              + (route == null ? "?" : route.getId())
              + ": metadata "
              + METADATA_UPSTREAM
              + ": \""
              + name
              + "\" (expected: the name of an lbkit.upstreams entry, one of "
              + upstreamNames()
              + ")");
    }
    String serviceId = upstream.serviceId();
    ReactorServiceInstanceLoadBalancer lb =
        clientFactory.getInstance(serviceId, ReactorServiceInstanceLoadBalancer.class);
    LbkitReactorLoadBalancer chosen =
        lb instanceof LbkitReactorLoadBalancer l && l.upstream() == upstream
            ? l
            : new LbkitReactorLoadBalancer(
                upstream,
                clientFactory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class));
    LbkitReactorLoadBalancer raced = byUpstreamName.putIfAbsent(name, chosen);
    return raced != null ? raced : chosen;
  }

  private String upstreamNames() {
    StringBuilder s = new StringBuilder();
    for (LbkitUpstream u : upstreams.all()) {
      s.append(s.length() == 0 ? "" : ", ").append(u.name());
    }
    return s.toString();
  }

  /**
   * A metadata value by dotted key: {@code lbkit: {upstream: x}} in YAML binds as a nested map,
   * {@code "[lbkit.upstream]": x} and the Java DSL's {@code metadata("lbkit.upstream", x)} as a
   * flat key; both are read.
   */
  static @Nullable Object metadataValue(Map<String, Object> metadata, String key) {
    Object flat = metadata.get(key);
    if (flat != null) {
      return flat;
    }
    int dot = key.indexOf('.');
    Object nested = metadata.get(key.substring(0, dot));
    return nested instanceof Map<?, ?> m ? m.get(key.substring(dot + 1)) : null;
  }

  private String hint(String serviceId) {
    Map<String, String> hints = clientFactory.getProperties(serviceId).getHint();
    String hint = hints.get(serviceId);
    return hint != null ? hint : hints.getOrDefault("default", "default");
  }

  /**
   * The request as lbkit sees it. The path is the raw one the client sent (what a cookie's {@code
   * Path} matches and nginx's {@code $request_uri} hashes), not the one the route rewrote.
   */
  private RequestContext context(ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    HttpHeadersSource headers = HttpHeadersSource.of(request.getHeaders());
    URI uri = originalUri(exchange);
    String path = uri.getRawPath();
    RequestContext.Builder b =
        RequestContext.builder()
            .headers(headers)
            .path(path == null || path.isEmpty() ? "/" : path)
            .query(uri.getRawQuery())
            .secure(request.getSslInfo() != null || "https".equalsIgnoreCase(uri.getScheme()));
    InetSocketAddress remote = request.getRemoteAddress();
    InetAddress peer = remote == null ? null : remote.getAddress();
    if (peer != null) {
      ClientAddressResolver resolver = upstreams.clientAddresses();
      b.clientAddress(resolver.resolve(IpAddress.of(peer), headers));
    }
    return b.build();
  }

  /**
   * The URI the client sent: the first one a rewriting filter (RewritePath, StripPrefix) kept
   * before changing it, else the request's.
   */
  private static URI originalUri(ServerWebExchange exchange) {
    Object kept = exchange.getAttributes().get(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
    if (kept instanceof Collection<?> uris && !uris.isEmpty()) {
      Object first = uris.iterator().next();
      if (first instanceof URI uri) {
        return uri;
      }
    }
    return exchange.getRequest().getURI();
  }

  /**
   * Whether the routing filter failed before the request reached the backend: Reactor Netty
   * surfaces a refused connection as Netty's {@code AnnotatedConnectException} and a connect
   * timeout as {@code ConnectTimeoutException}, both {@link ConnectException}s; an unreachable
   * network as a {@link NoRouteToHostException}; an unresolvable backend host as an {@link
   * UnknownHostException}.
   */
  static boolean isConnectFailure(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return true;
      }
      t = t.getCause();
    }
    return false;
  }

  /** A fixed answer of the gateway's own: nothing of the client's request is echoed. */
  private Mono<Void> respond(ServerWebExchange exchange, HttpStatus status, byte[] body) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    ServerWebExchangeUtils.setAlreadyRouted(exchange);
    response.setStatusCode(status);
    HttpHeaders headers = response.getHeaders();
    if (status == HttpStatus.SERVICE_UNAVAILABLE && retryAfter != null) {
      headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
    }
    headers.setContentType(TEXT_PLAIN_ASCII);
    headers.setContentLength(body.length);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  @Override
  public String toString() {
    return "LbkitGatewayFilter" + upstreams;
  }
}
