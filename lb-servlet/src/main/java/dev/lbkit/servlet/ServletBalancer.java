package dev.lbkit.servlet;

import dev.lbkit.core.ClientAddressResolver;
import dev.lbkit.core.Decision;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Router;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the filter and the proxy servlet share: turning a servlet request into a {@link
 * RequestContext}, picking with the {@link Router}, publishing the {@link Exchange}, and the answer
 * when there is no backend. Immutable.
 */
final class ServletBalancer {
  private static final byte[] NO_BACKEND_BODY =
      "503 Service Unavailable: no backend can take this request\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final Router router;
  private final ClientAddressResolver resolver;
  private final long retryAfterSeconds;
  private final boolean continueWhenNoBackend;
  private final boolean[] failureStatuses;

  ServletBalancer(
      Router router,
      ClientAddressResolver resolver,
      long retryAfterSeconds,
      boolean continueWhenNoBackend,
      boolean[] failureStatuses) {
    this.router = Objects.requireNonNull(router, "router");
    this.resolver = resolver;
    this.retryAfterSeconds = retryAfterSeconds;
    this.continueWhenNoBackend = continueWhenNoBackend;
    this.failureStatuses = failureStatuses;
  }

  /** The router requests go through: a load balancer, or a traffic split. */
  Router router() {
    return router;
  }

  ClientAddressResolver clientAddressResolver() {
    return resolver;
  }

  boolean continuesWhenNoBackend() {
    return continueWhenNoBackend;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether a response with {@code status} counts as the backend's failure. */
  boolean isFailureStatus(int status) {
    return status >= 0 && status < failureStatuses.length && failureStatuses[status];
  }

  /**
   * The request as the load balancer sees it. The path is {@link
   * HttpServletRequest#getRequestURI()}: as the client sent it, not decoded, with the context path,
   * because that is what a cookie's {@code Path} is matched against and what nginx's {@code
   * $request_uri} hashes.
   */
  RequestContext context(HttpServletRequest request) {
    String path = request.getRequestURI();
    ServletHeaderSource headers = new ServletHeaderSource(request);
    return RequestContext.builder()
        .clientAddress(resolver.resolve(request.getRemoteAddr(), headers))
        .headers(headers)
        .path(path == null || path.isEmpty() ? "/" : path)
        .query(request.getQueryString())
        .secure(request.isSecure())
        .build();
  }

  /**
   * Picks a backend and publishes the exchange with its session headers written. Returns {@code
   * null} after answering 503 when no backend can take the request and the chain may not decide.
   */
  @Nullable Exchange start(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Decision decision = router.pick(context(request));
    if (!decision.hasBackend() && !continueWhenNoBackend) {
      respondNoBackend(response);
      return null;
    }
    Exchange exchange = new Exchange(request, decision, this);
    exchange.begin(response);
    return exchange;
  }

  /** 503 with {@code Retry-After}, as an overloaded or emptied upstream answers in nginx. */
  void respondNoBackend(HttpServletResponse response) throws IOException {
    respondNoBackend(response, retryAfterSeconds);
  }

  static void respondNoBackend(HttpServletResponse response, long retryAfterSeconds)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    if (retryAfterSeconds > 0) {
      response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    response.setContentType("text/plain;charset=us-ascii");
    response.setContentLength(NO_BACKEND_BODY.length);
    response.getOutputStream().write(NO_BACKEND_BODY);
  }
}
