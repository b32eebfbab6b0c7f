package dev.lbkit.demo;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own pages under {@value #PREFIX}, as NGINX's {@code stub_status} or Envoy's admin
 * port: {@code /lbkit/metrics} in Prometheus's text format, {@code /lbkit/status} (an HTML page
 * that refreshes itself; {@code ?format=json} for JSON) and {@code /lbkit/status.json}.
 *
 * <p>Only a client connected from a loopback address (127.0.0.0/8, ::1) gets them: the TCP peer is
 * checked, never a forwarded header, so no client can claim to be local. Anyone else gets a 403,
 * and the paths never reach a route.
 */
final class AdminEndpoints {
  static final String PREFIX = "/lbkit/";

  private final StatusPage status;
  private final PrometheusMeterRegistry registry;

  AdminEndpoints(StatusPage status, PrometheusMeterRegistry registry) {
    this.status = status;
    this.registry = registry;
  }

  /** Whether {@code path} is one of these pages' (so no route sees it). */
  static boolean claims(String path) {
    return path.startsWith(PREFIX);
  }

  void handle(Request request, Response response, Callback callback) {
    if (!fromLoopback(request)) {
      answer(
          response,
          callback,
          HttpStatus.FORBIDDEN_403,
          "text/plain;charset=utf-8",
          "403 Forbidden: the lbkit pages answer local clients only\n");
      return;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      answer(
          response,
          callback,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "text/plain;charset=utf-8",
          "405 Method Not Allowed\n");
      return;
    }
    String path = Request.getPathInContext(request);
    switch (path) {
      case "/lbkit/metrics" ->
          answer(
              response,
              callback,
              HttpStatus.OK_200,
              "text/plain;version=0.0.4;charset=utf-8",
              registry.scrape());
      case "/lbkit/status" -> {
        if (wantsJson(request.getHttpURI().getQuery())) {
          answer(response, callback, HttpStatus.OK_200, "application/json", status.json());
        } else {
          answer(response, callback, HttpStatus.OK_200, "text/html;charset=utf-8", status.html());
        }
      }
      case "/lbkit/status.json" ->
          answer(response, callback, HttpStatus.OK_200, "application/json", status.json());
      default ->
          answer(
              response,
              callback,
              HttpStatus.NOT_FOUND_404,
              "text/plain;charset=utf-8",
              "404 Not Found: the lbkit pages are /lbkit/status, /lbkit/status.json and"
                  + " /lbkit/metrics\n");
    }
  }

  /** {@code format=json} among the query's parameters; anything malformed is simply not it. */
  static boolean wantsJson(@Nullable String query) {
    if (query == null) {
      return false;
    }
    for (String parameter : query.split("&", -1)) {
      if (parameter.equals("format=json")) {
        return true;
      }
    }
    return false;
  }

  private static boolean fromLoopback(Request request) {
    SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
    return peer instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }

  private static void answer(
      Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
