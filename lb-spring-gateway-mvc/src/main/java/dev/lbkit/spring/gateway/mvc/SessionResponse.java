package dev.lbkit.spring.gateway.mvc;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.spring.HttpHeadersSource;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.server.mvc.handler.GatewayServerResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The proxied response, as the route's outer filters and the dispatcher see it, with what lbkit
 * adds when it is written: the decision's session headers, added to the servlet response before the
 * backend's own headers so that a backend's {@code Set-Cookie} stands beside lbkit's instead of
 * replacing it (Server MVC's proxy {@code putAll}s the backend's headers into the response it
 * builds), and the outcome, reported once the body was relayed.
 *
 * <p>Server MVC copies the backend's body only when the dispatcher writes the response, after every
 * filter has returned; this is where the request is done.
 */
final class SessionResponse implements GatewayServerResponse {
  private final ServerResponse delegate;
  private final Decision decision;
  private final long startNanos;

  SessionResponse(ServerResponse delegate, Decision decision, long startNanos) {
    this.delegate = delegate;
    this.decision = decision;
    this.startNanos = startNanos;
  }

  @Override
  public HttpStatusCode statusCode() {
    return delegate.statusCode();
  }

  @Override
  public HttpHeaders headers() {
    return delegate.headers();
  }

  @Override
  public MultiValueMap<String, Cookie> cookies() {
    return delegate.cookies();
  }

  @Override
  public void setStatusCode(HttpStatusCode statusCode) {
    if (!(delegate instanceof GatewayServerResponse response)) {
      throw new UnsupportedOperationException(
          "setStatusCode: the proxied response is a " + delegate.getClass().getName());
    }
    response.setStatusCode(statusCode);
  }

  @Override
  public @Nullable ModelAndView writeTo(
      HttpServletRequest request, HttpServletResponse response, Context context)
      throws ServletException, IOException {
    if (decision.learnsFromResponse()) {
      // Learn mode: the backend's own headers (the proxied response's), before the client's.
      decision.learn(HttpHeadersSource.of(delegate.headers()));
    }
    if (!response.isCommitted()) {
      List<ResponseHeader> headers = decision.responseHeaders();
      for (int i = 0; i < headers.size(); i++) {
        ResponseHeader header = headers.get(i);
        response.addHeader(header.name(), header.value());
      }
    }
    try {
      ModelAndView view = delegate.writeTo(request, response, context);
      decision.report(Outcome.SUCCESS, System.nanoTime() - startNanos);
      return view;
    } catch (IOException | ServletException | RuntimeException | Error e) {
      decision.report(
          isClientGone(e) ? Outcome.COMPLETED : Outcome.FAILURE, System.nanoTime() - startNanos);
      throw e;
    }
  }

  /**
   * Whether relaying stopped because the client went away (Tomcat's {@code ClientAbortException},
   * Jetty's {@code EofException}): no verdict on the backend, as lb-servlet counts it.
   */
  private static boolean isClientGone(Throwable e) {
    String name = e.getClass().getSimpleName();
    return name.equals("ClientAbortException") || name.equals("EofException");
  }

  @Override
  public String toString() {
    return "SessionResponse{" + decision.reason() + ", " + delegate + "}";
  }
}
