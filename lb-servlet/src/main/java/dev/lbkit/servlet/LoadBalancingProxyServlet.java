package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Router;
import dev.lbkit.core.TrafficSplit;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.AbstractProxyServlet;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty 12 reverse proxy that forwards each request to the backend its {@link Router} chose,
 * reports how the upstream exchange ended, and retries a request whose backend could not be
 * connected to on another backend through {@link Decision#retry}, as nginx's {@code
 * proxy_next_upstream error timeout} does for connection failures.
 *
 * <p>Behind a {@link LoadBalancingFilter} it forwards to the filter's decision. Alone, constructed
 * with a router (or given a {@code backends} init-param), it picks itself, with the same 503 when
 * no backend can take the request. Each attempt carries its own decision, which reports and retries
 * through the load balancer that made it: behind a {@link TrafficSplit}, a retry stays within the
 * member, as a retry in NGINX or Envoy stays within the upstream the split chose. A retry that
 * moves the session replaces the session headers written for the failed backend, since nothing has
 * been sent to the client yet; a retry that refuses a strict session answers 503.
 *
 * <p>Only connection failures are retried (refused, unreachable, unresolved, connect timeout), and
 * only while no byte of the request went out: the request never reached the backend, so repeating
 * it is safe for every method, and its body, not yet read, is sent to the next backend. A failure
 * after the request was sent answers 502 (504 on timeout) and counts as a failure for passive
 * health. A client that goes away counts as neither. Each request is answered once, by its latest
 * attempt, and nothing touches the client's request or response after it completed.
 *
 * <p>Requires asynchronous support on the servlet (and on every filter before it), as any Jetty
 * {@link ProxyServlet} does. Backends are reached over plain HTTP.
 */
public class LoadBalancingProxyServlet extends ProxyServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancingProxyServlet.class);

  private static final String ATTEMPT_KEY = LoadBalancingProxyServlet.class.getName() + ".attempt";

  private transient volatile @Nullable ServletBalancer own;
  private final AtomicBoolean warnedUnconfigured = new AtomicBoolean();

  /**
   * A proxy that forwards to the decision of a {@link LoadBalancingFilter} mapped in front of it,
   * or, given a {@code backends} init-param, picks itself with the filter's init-params.
   */
  public LoadBalancingProxyServlet() {}

  /**
   * A proxy that picks with {@code router} (a load balancer, or a traffic split) when no {@link
   * LoadBalancingFilter} ran before it, and otherwise forwards to the filter's decision.
   */
  public LoadBalancingProxyServlet(Router router) {
    this.own = LoadBalancingFilter.builder(router).balancer();
  }

  /**
   * A proxy that picks with the configuration of {@code filter} (its load balancer, 503 and failure
   * settings) when the filter did not run before it.
   */
  public LoadBalancingProxyServlet(LoadBalancingFilter.Builder filter) {
    this.own = filter.balancer();
  }

  @Override
  public void init() throws ServletException {
    super.init();
    if (own == null && getInitParameter(InitParameters.BACKENDS) != null) {
      own = InitParameters.balancer(getServletConfig());
    }
  }

  /**
   * Jetty's client buffers a request's headers in {@code requestBufferSize} bytes, 4 KiB by
   * default, while its server accepts 8 KiB of them: a browser's 4 KiB cookie would pass the
   * gateway and then fail the proxy (502, and a failure charged to the backend). Unless the {@code
   * requestBufferSize} init-param says otherwise, the buffer fits what the server accepts.
   */
  @Override
  protected HttpClient newHttpClient() {
    HttpClient client = super.newHttpClient();
    if (getServletConfig().getInitParameter("requestBufferSize") == null) {
      client.setRequestBufferSize(DEFAULT_REQUEST_BUFFER_SIZE);
    }
    return client;
  }

  /** The proxy's request buffer unless configured: twice Jetty's default request header limit. */
  static final int DEFAULT_REQUEST_BUFFER_SIZE = 16 * 1024;

  /** The router this proxy picks with when no filter ran, or {@code null} for none of its own. */
  public @Nullable Router router() {
    ServletBalancer b = own;
    return b == null ? null : b.router();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    Exchange exchange =
        Exchange.forProxy(request, response, own, warnedUnconfigured, getServletName());
    if (exchange == null) {
      return; // answered: 500 unconfigured, or 503
    }
    Decision decision = exchange.decision();
    AsyncContext async;
    try {
      async = request.startAsync();
    } catch (IllegalStateException e) {
      exchange.finish(Outcome.COMPLETED);
      throw e;
    }
    // The proxy request has its own timeout; the asynchronous cycle waits for it.
    async.setTimeout(0);
    exchange.listenTo(async);
    send(request, response, exchange, decision);
  }

  /** Sends one attempt to the decision's backend; called again for each retry. */
  private void send(
      HttpServletRequest request,
      HttpServletResponse response,
      Exchange exchange,
      Decision decision) {
    String target = target(request, decision);
    if (target == null) {
      exchange.finish(Outcome.COMPLETED);
      onProxyRewriteFailed(request, response);
      return;
    }
    Request proxyRequest;
    try {
      proxyRequest = newProxyRequest(request, target);
    } catch (IllegalArgumentException e) {
      // A request target the server accepted but the client cannot send (rare, odd characters).
      logger.debug("cannot proxy {}", target, e);
      exchange.finish(Outcome.COMPLETED);
      sendProxyResponseError(request, response, HttpServletResponse.SC_BAD_REQUEST);
      return;
    }
    Attempt attempt = new Attempt(exchange, decision);
    proxyRequest.attribute(ATTEMPT_KEY, attempt);
    proxyRequest.onRequestCommit(LoadBalancingProxyServlet::committed);
    copyRequestHeaders(request, proxyRequest);
    addProxyHeaders(request, proxyRequest);
    proxyRequest.timeout(getTimeout(), TimeUnit.MILLISECONDS);
    try {
      if (hasContent(request)) {
        if (expects100Continue(request)) {
          // As ProxyServlet: reading the body sends "100 Continue", so wait for the backend's.
          AsyncRequestContent delegate = new AsyncRequestContent();
          proxyRequest.body(delegate);
          attempt.continueAction =
              () -> {
                try {
                  Request.Content content = proxyRequestContent(request, response, proxyRequest);
                  Content.copy(
                      content,
                      delegate,
                      Callback.from(
                          delegate::close,
                          x -> onClientRequestFailure(request, proxyRequest, response, x)));
                } catch (Throwable x) {
                  // The client's body could not even be opened.
                  attempt.clientGone = true;
                  onClientRequestFailure(request, proxyRequest, response, x);
                }
              };
        } else {
          proxyRequest.body(proxyRequestContent(request, response, proxyRequest));
        }
      }
    } catch (IOException e) {
      // The client's body cannot be read: nothing was sent, so answer here.
      logger.debug("cannot read the body of {}", target, e);
      exchange.finish(Outcome.COMPLETED);
      sendProxyResponseError(request, response, ProxyFailure.ofClientBody(e).status());
      return;
    }
    sendProxyRequest(request, response, proxyRequest);
  }

  /**
   * {@code http://} + the backend's authority + the request's raw path and query. Returns {@code
   * null} (answered 403 by {@link #onProxyRewriteFailed}) when there is no backend or the backend
   * is not allowed by the {@code whiteList}/{@code blackList} init-params.
   */
  @Override
  protected @Nullable String rewriteTarget(HttpServletRequest request) {
    Exchange exchange = Exchange.of(request);
    return exchange == null ? null : target(request, exchange.decision());
  }

  /** The target of one attempt: {@link #rewriteTarget} for the attempt's own decision. */
  private @Nullable String target(HttpServletRequest request, Decision decision) {
    Backend backend = decision.backend();
    if (backend == null || !validateDestination(backend.host(), backend.port())) {
      return null;
    }
    String path = request.getRequestURI();
    String query = request.getQueryString();
    StringBuilder target = new StringBuilder(64).append("http://").append(backend.authority());
    target.append(path == null || path.isEmpty() ? "/" : path);
    if (query != null) {
      target.append('?').append(query);
    }
    return target.toString();
  }

  /**
   * Adds {@code Via} (Jetty's, extending the client's), RFC 7239 {@code Forwarded} (the client's
   * extended with this hop's element, as Jetty 12.1 writes it, on every Jetty 12), and the {@code
   * X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code -Server} headers that nginx setups
   * and Jetty 12.0 send. A malformed {@code Via} (Jetty throws on one) or {@code Forwarded} is the
   * client's and is replaced by the gateway's own.
   */
  @Override
  protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    try {
      addViaHeader(clientRequest, proxyRequest);
    } catch (IllegalArgumentException e) {
      logger.debug("replacing a malformed Via header", e);
      proxyRequest.headers(headers -> headers.remove(HttpHeader.VIA));
      addViaHeader(clientRequest, proxyRequest);
    }
    String forwarded =
        ProxyHeaders.forwarded(
            new ServletHeaderSource(clientRequest).get("Forwarded"), clientRequest);
    String host = clientRequest.getHeader(HttpHeader.HOST.asString());
    proxyRequest.headers(
        headers -> {
          headers.put(HttpHeader.FORWARDED, forwarded);
          headers.add(HttpHeader.X_FORWARDED_FOR, clientRequest.getRemoteAddr());
          headers.put(HttpHeader.X_FORWARDED_PROTO, clientRequest.getScheme());
          if (host != null) {
            headers.put(HttpHeader.X_FORWARDED_HOST, host);
          }
          headers.put(HttpHeader.X_FORWARDED_SERVER, clientRequest.getLocalName());
        });
  }

  /**
   * This Jetty's {@code filterServerResponseHeader(request, response, HttpField)} (12.1, which
   * deprecates the {@code String} form for removal), or null where there is only the {@code String}
   * form (12.0).
   */
  private static final @Nullable MethodHandle FIELD_FILTER = fieldFilter();

  // A method handle, not a call: the build for Jetty 12.0 compiles this class against 12.0,
  // which has no HttpField form to name in source.
  private static @Nullable MethodHandle fieldFilter() {
    try {
      return MethodHandles.lookup()
          .findVirtual(
              AbstractProxyServlet.class,
              "filterServerResponseHeader",
              MethodType.methodType(
                  HttpField.class, HttpServletRequest.class, Response.class, HttpField.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /**
   * The one place that differs between Jetty 12.0 and 12.1: a response field passes through the
   * header filter hook this Jetty has, so that a subclass overriding it is honoured. Returns the
   * value to copy, or null to leave the field out.
   */
  @SuppressWarnings("removal")
  private @Nullable String filterResponseField(
      HttpServletRequest clientRequest, Response serverResponse, HttpField field) {
    MethodHandle filter = FIELD_FILTER;
    if (filter != null) {
      HttpField filtered;
      try {
        filtered = (HttpField) filter.invokeExact(this, clientRequest, serverResponse, field);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("filterServerResponseHeader threw " + e, e);
      }
      return filtered == null ? null : filtered.getValue();
    }
    return filterServerResponseHeader(
        clientRequest, serverResponse, field.getName(), field.getValue());
  }

  /**
   * Keeps the client's body stream open across a failed attempt, and records whether it was read
   * and whether reading it failed.
   */
  @Override
  protected Request.Content proxyRequestContent(
      HttpServletRequest request, HttpServletResponse response, Request proxyRequest)
      throws IOException {
    BodyStream body = new BodyStream(request.getInputStream());
    Attempt attempt = attemptOf(proxyRequest);
    if (attempt != null) {
      attempt.body = body;
    }
    // Anonymous: the constructor is protected to subclasses of the inner class.
    return new ProxyInputStreamRequestContent(request, response, proxyRequest, body) {};
  }

  @Override
  protected @Nullable Runnable onContinue(HttpServletRequest clientRequest, Request proxyRequest) {
    Attempt attempt = attemptOf(proxyRequest);
    return attempt == null ? null : attempt.continueAction;
  }

  /** As Jetty's, but the status of an attempt that may no longer answer is not copied. */
  @Override
  protected Response.Listener newProxyResponseListener(
      HttpServletRequest request, HttpServletResponse response) {
    return new ProxyResponseListener(request, response) {
      @Override
      public void onBegin(Response proxyResponse) {
        if (answersClient(proxyResponse.getRequest())) {
          super.onBegin(proxyResponse);
        }
      }

      /**
       * A backend may answer without taking the whole request: a final status instead of "100
       * Continue" (Jetty's client then fails the request with "Expectation failed"), or an early
       * answer before the body was read. Its whole response was relayed: the backend did its job.
       */
      @Override
      public void onComplete(Result result) {
        if (!result.isSucceeded()
            && result.getResponseFailure() == null
            && result.getResponse().getStatus() >= 200) {
          onProxyResponseSuccess(request, response, result.getResponse());
          return;
        }
        super.onComplete(result);
      }
    };
  }

  /**
   * Copies the backend's response headers, the same on every Jetty 12. As Jetty 12.1 does, the
   * first field of each name replaces what the response held (a header a filter set earlier), and
   * hop-by-hop fields are left out, with those the response's {@code Connection} names; unlike it,
   *
   * <ul>
   *   <li>the session headers lbkit wrote before the chain are kept: Jetty 12.1 sets the first
   *       {@code Set-Cookie} of the backend, which dropped the session's cookie whenever the
   *       backend set one of its own (issue 12);
   *   <li>each field is copied as received: Jetty 12.1 splits a value at its commas and joins the
   *       parts again without their spaces, which turns a cookie's {@code Expires=Thu, 01 Jan 2037
   *       00:00:00 GMT} into {@code Thu,01 Jan ...}.
   * </ul>
   *
   * <p>Each field passes through Jetty's {@code filterServerResponseHeader} hook: the {@code
   * HttpField} form on Jetty 12.1, the {@code String} form on 12.0.
   */
  @Override
  protected void onServerResponseHeaders(
      HttpServletRequest clientRequest,
      HttpServletResponse proxyResponse,
      Response serverResponse) {
    if (!answersClient(serverResponse.getRequest())) {
      return;
    }
    Exchange exchange = Exchange.of(clientRequest);
    HttpFields fields = serverResponse.getHeaders();
    if (exchange != null) {
      // Learn mode: the backend's own headers, before any reaches the client.
      exchange.learn(
          name -> {
            List<String> values = fields.getValuesList(name);
            return values.isEmpty() ? null : String.join(", ", values);
          });
    }
    List<String> connection = new ArrayList<>(1);
    for (HttpField field : fields) {
      if (field.is(HttpHeader.CONNECTION.asString())) {
        connection.add(field.getValue());
      }
    }
    Set<String> options = ProxyHeaders.connectionOptions(connection);
    Set<String> copied = new HashSet<>();
    for (HttpField field : fields) {
      String name = field.getName();
      String lowerCase = name.toLowerCase(Locale.ROOT);
      if (ProxyHeaders.isHopByHop(lowerCase) || options.contains(lowerCase)) {
        continue;
      }
      String value = filterResponseField(clientRequest, serverResponse, field);
      if (value == null) {
        continue;
      }
      ProxyHeaders.copyResponseField(proxyResponse, exchange, copied, name, value);
    }
  }

  @Override
  protected void onResponseContent(
      HttpServletRequest request,
      HttpServletResponse response,
      Response proxyResponse,
      byte[] buffer,
      int offset,
      int length,
      Callback callback) {
    Attempt attempt = attemptOf(proxyResponse.getRequest());
    if (attempt != null && !attempt.answersClient()) {
      // The client's response completed under this attempt (the client went away): stop reading.
      attempt.clientGone = true;
      callback.failed(new IOException("the client's response is complete"));
      return;
    }
    super.onResponseContent(
        request,
        response,
        proxyResponse,
        buffer,
        offset,
        length,
        Callback.from(
            callback::succeeded,
            x -> {
              // Writing to the client failed: the client went away, the backend did nothing wrong.
              if (attempt != null) {
                attempt.clientGone = true;
              }
              callback.failed(x);
            }));
  }

  /**
   * Aborts the attempt and answers nothing: the attempt was sent, so its own end ({@link
   * #onProxyResponseFailure}) answers the client, once. Jetty's version answers 500 itself when the
   * attempt had ended or been aborted already, on top of that answer. It did whenever Jetty's
   * client, after a connect to a backend failed, aborted the requests queued for that backend while
   * one of them was being sent on another connection: that body read as failed with the {@code
   * ConnectException}, the client got a 500, then a retry's answer or a 502 written over it. Only a
   * body whose reading threw means that the client went away.
   */
  @Override
  protected void onClientRequestFailure(
      HttpServletRequest clientRequest,
      Request proxyRequest,
      HttpServletResponse proxyResponse,
      Throwable failure) {
    Attempt attempt = attemptOf(proxyRequest);
    if (attempt != null && attempt.clientBodyFailed()) {
      attempt.clientGone = true;
    }
    proxyRequest.abort(failure);
  }

  @Override
  protected void onProxyResponseSuccess(
      HttpServletRequest clientRequest,
      HttpServletResponse proxyResponse,
      Response serverResponse) {
    Attempt attempt = attemptOf(serverResponse.getRequest());
    if (attempt != null) {
      // The backend answered; only a status configured as failure (failureStatuses) counts.
      boolean failed = attempt.exchange.balancer().isFailureStatus(serverResponse.getStatus());
      attempt.report(failed ? Outcome.FAILURE : Outcome.SUCCESS);
      if (!attempt.answersClient()) {
        return;
      }
    }
    super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
  }

  /**
   * Reports the attempt by what the backend did ({@link ProxyFailure}), retries a backend that
   * could not be connected to, and answers the client: 502 or 504 for the backend's failure, a 4xx
   * for what the client or the gateway's own limits caused.
   */
  @Override
  protected void onProxyResponseFailure(
      HttpServletRequest clientRequest,
      HttpServletResponse proxyResponse,
      @Nullable Response serverResponse,
      Throwable failure) {
    Request proxyRequest = serverResponse == null ? null : serverResponse.getRequest();
    Attempt attempt = proxyRequest == null ? null : attemptOf(proxyRequest);
    if (attempt == null) {
      super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
      return;
    }
    ProxyFailure why = attempt.classify(failure);
    attempt.report(why.outcome());
    logger.debug("{} failed: {} ({})", attempt.decision, why, failure.toString());
    if (!attempt.answersClient()) {
      return;
    }
    Exchange exchange = attempt.exchange;
    // As nginx's proxy_next_upstream error: a backend that could not be reached, or (for an
    // idempotent request without a body read) one that reset or closed the connection, as a
    // stopped backend does to a pooled connection, is retried while nothing reached the client.
    boolean retriable =
        (why == ProxyFailure.BACKEND_UNREACHABLE && attempt.neverReachedBackend())
            || (why == ProxyFailure.BACKEND_FAILED
                && IDEMPOTENT.contains(clientRequest.getMethod())
                && attempt.readNoBody());
    if (retriable && !proxyResponse.isCommitted()) {
      Decision next = exchange.retry(attempt.decision, proxyResponse);
      logger.debug("retry after {}: {}", attempt.decision, next);
      if (next.hasBackend()) {
        send(clientRequest, proxyResponse, exchange, next);
        return;
      }
      if (next.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
        // A strict session is refused rather than moved (lb-core): answered as the filter answers
        // a refused session, 503 with Retry-After, and its cookie left as it was.
        refuse(clientRequest, proxyResponse, exchange);
        return;
      }
    }
    if (why == ProxyFailure.CLIENT_GONE) {
      // Nothing can reach the client; end the cycle without writing.
      sendProxyResponseError(clientRequest, proxyResponse, -1);
      return;
    }
    sendProxyResponseError(clientRequest, proxyResponse, why.status());
  }

  /** Methods nginx retries after an error once the request was sent (RFC 9110 idempotent). */
  private static final java.util.Set<String> IDEMPOTENT =
      java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private static void refuse(
      HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Exchange exchange) {
    try {
      ServletBalancer.respondNoBackend(proxyResponse, exchange.balancer().retryAfterSeconds());
    } catch (IOException e) {
      logger.debug("cannot answer a refused session", e);
    }
    clientRequest.getAsyncContext().complete();
  }

  private static boolean answersClient(Request proxyRequest) {
    Attempt attempt = attemptOf(proxyRequest);
    return attempt == null || attempt.answersClient();
  }

  private static @Nullable Attempt attemptOf(Request proxyRequest) {
    Object value = proxyRequest.getAttributes().get(ATTEMPT_KEY);
    return value instanceof Attempt ? (Attempt) value : null;
  }

  /** Jetty's client wrote the request's head to the backend's connection. */
  private static void committed(Request proxyRequest) {
    Attempt attempt = attemptOf(proxyRequest);
    if (attempt != null) {
      attempt.committed = true;
    }
  }

  /**
   * The client's body: closing it (as a failed attempt does) leaves the servlet stream open for the
   * next attempt, and it remembers whether any byte was taken.
   */
  private static final class BodyStream extends FilterInputStream {
    volatile boolean read;
    volatile boolean ended;
    volatile @Nullable IOException failure;

    BodyStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      read = true;
      try {
        int b = super.read();
        ended |= b < 0;
        return b;
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      read = true;
      try {
        int n = super.read(b, off, len);
        ended |= n < 0;
        return n;
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() {
      // The servlet container owns the request's stream.
    }
  }

  /**
   * One try of a request on one backend, kept in the proxy request's attributes. Jetty calls back
   * on its own threads, and a callback may come after the exchange moved on to a retry or after the
   * client's response was completed (the client went away, the gateway is stopping): only the
   * exchange's current attempt, while the client's response is open, may write to it; any other
   * only reports its own decision (a decision is reported once, lb-core ignores the rest).
   */
  private static final class Attempt {
    final Exchange exchange;
    final Decision decision;
    volatile @Nullable BodyStream body;
    volatile @Nullable Runnable continueAction;

    /** The request's head was written to the backend. */
    volatile boolean committed;

    /** The client went away (its body could not be read, or its response not written). */
    volatile boolean clientGone;

    /** When the attempt started ({@link System#nanoTime()}): reported as its duration. */
    final long startedNanos = System.nanoTime();

    Attempt(Exchange exchange, Decision decision) {
      this.exchange = exchange;
      this.decision = decision;
    }

    boolean answersClient() {
      return exchange.decision() == decision && !exchange.isCompleted();
    }

    /** Nothing of the request reached the backend: neither its head nor a byte of its body. */
    boolean neverReachedBackend() {
      BodyStream b = body;
      return !committed && (b == null || !b.read);
    }

    /** No byte of the client's body was read for this attempt (or it has none). */
    boolean readNoBody() {
      BodyStream b = body;
      return b == null || !b.read;
    }

    /** Reading the client's body threw (as opposed to the body being failed by an abort). */
    boolean clientBodyFailed() {
      BodyStream b = body;
      return b != null && b.failure != null;
    }

    /** Whose fault the failure of this attempt is. */
    ProxyFailure classify(Throwable failure) {
      BodyStream b = body;
      boolean bodyPending = b != null && !b.ended;
      return ProxyFailure.classify(
          failure, clientGone, b == null ? null : b.failure, bodyPending, committed);
    }

    void report(Outcome outcome) {
      decision.report(outcome, System.nanoTime() - startedNanos);
    }
  }
}
