package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.ResponseHeader;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's journey through a {@link dev.lbkit.core.Router}: the current decision (the first
 * pick, or the latest retry), the session headers already written to the response, and the report
 * of how the request ended. The decision reports and retries itself through the load balancer that
 * made it (behind a split, the member's), so nothing here depends on what kind of router decided.
 *
 * <p>Lives in a request attribute so that the filter and the proxy servlet share it. Fields are
 * volatile because an asynchronous request moves between threads (the container's, the proxy
 * client's) over its life.
 */
final class Exchange implements AsyncListener {
  private static final Logger logger = LoggerFactory.getLogger(Exchange.class);

  /** The request attribute holding the exchange; private to this package. */
  static final String ATTRIBUTE = Exchange.class.getName();

  private final ServletRequest request;
  private final ServletBalancer balancer;
  private volatile Decision decision;

  /** When the current decision was made ({@link System#nanoTime()}): its request's duration. */
  private volatile long decidedNanos = System.nanoTime();

  private volatile List<ResponseHeader> written = List.of();
  private volatile boolean failed;
  private volatile boolean learned;
  private volatile boolean listening;
  private volatile boolean completed;

  Exchange(ServletRequest request, Decision decision, ServletBalancer balancer) {
    this.request = request;
    this.decision = decision;
    this.balancer = balancer;
  }

  /** The exchange of a request, or {@code null} if no load balancer has seen it. */
  static @Nullable Exchange of(ServletRequest request) {
    Object value = request.getAttribute(ATTRIBUTE);
    return value instanceof Exchange ? (Exchange) value : null;
  }

  /**
   * The exchange a proxy servlet forwards: the one a {@link LoadBalancingFilter} started before it,
   * or one it starts with its own balancer. Answers the request and returns {@code null} when there
   * is nothing to forward to: 500 (once a WARN) for a proxy with neither, 503 when no backend can
   * take the request.
   */
  static @Nullable Exchange forProxy(
      HttpServletRequest request,
      HttpServletResponse response,
      @Nullable ServletBalancer own,
      AtomicBoolean warnedUnconfigured,
      String proxyName)
      throws IOException {
    Exchange exchange = of(request);
    if (exchange == null) {
      if (own == null) {
        if (warnedUnconfigured.compareAndSet(false, true)) {
          logger.warn(
              "{}: no LoadBalancingFilter ran before this servlet and it has no load balancer of"
                  + " its own; answering 500",
              proxyName);
        }
        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        return null;
      }
      exchange = own.start(request, response);
      if (exchange == null) {
        return null; // answered 503
      }
    }
    if (!exchange.decision().hasBackend()) {
      // The filter let the request through without a backend: nowhere to forward it.
      ServletBalancer.respondNoBackend(response, exchange.balancer().retryAfterSeconds());
      return null;
    }
    return exchange;
  }

  /** The configuration of the filter (or proxy servlet) that started the exchange. */
  ServletBalancer balancer() {
    return balancer;
  }

  /** The current decision: the first pick's, or the latest retry's. */
  Decision decision() {
    return decision;
  }

  /** Whether the session headers written to the response include one named {@code name}. */
  boolean wrote(String name) {
    List<ResponseHeader> headers = written;
    for (int i = 0; i < headers.size(); i++) {
      if (headers.get(i).name().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the session headers of the current decision again, after a {@link
   * HttpServletResponse#reset()} cleared them (a proxy answering an error in place of a response it
   * had begun to copy).
   */
  void rewriteSessionHeaders(HttpServletResponse response) {
    List<ResponseHeader> headers = written;
    for (int i = 0; i < headers.size(); i++) {
      ResponseHeader header = headers.get(i);
      response.addHeader(header.name(), header.value());
    }
  }

  /** Publishes the exchange in the request and writes the first decision's session headers. */
  void begin(HttpServletResponse response) {
    request.setAttribute(ATTRIBUTE, this);
    Decision first = decision;
    request.setAttribute(LoadBalancingFilter.DECISION_ATTRIBUTE, first);
    List<ResponseHeader> headers = first.responseHeaders();
    for (int i = 0; i < headers.size(); i++) {
      ResponseHeader header = headers.get(i);
      response.addHeader(header.name(), header.value());
    }
    written = headers;
  }

  /**
   * Picks again for a request whose attempt on {@code failed} could not connect: through the
   * decision's own load balancer (a retry stays within a split's member, as in NGINX or Envoy),
   * then {@linkplain #move moves} to the answer.
   */
  Decision retry(Decision failed, HttpServletResponse response) {
    Decision next = failed.retry();
    move(next, response);
    return next;
  }

  /**
   * Makes {@code next} (a retry) the current decision. If the response is not committed yet, the
   * session headers of the previous decision are replaced by the new ones, so that a session that
   * failed over is rebound in the answer the client gets; a retry on the same backend without
   * headers of its own keeps the ones written. Returns false when the headers had to change but the
   * response was committed already.
   */
  boolean move(Decision next, HttpServletResponse response) {
    Decision previous = decision;
    decidedNanos = System.nanoTime();
    decision = next;
    request.setAttribute(LoadBalancingFilter.DECISION_ATTRIBUTE, next);
    List<ResponseHeader> old = written;
    List<ResponseHeader> headers = next.responseHeaders();
    boolean sameBackend = Objects.equals(idOf(previous.backend()), idOf(next.backend()));
    if (headers.isEmpty() && (sameBackend || old.isEmpty())) {
      return true;
    }
    if (response.isCommitted()) {
      logger.debug(
          "response already committed; cannot replace session headers {} with {}", old, headers);
      return false;
    }
    replace(response, old, headers);
    written = headers;
    return true;
  }

  /**
   * Replaces exactly the values we wrote ({@code old}) with {@code now}, keeping any other value of
   * the same names (a {@code Set-Cookie} of the application's). The Servlet API removes a value
   * only through {@code setHeader}, and a Servlet 6.0 container (Tomcat 10.1) ignores {@code
   * setHeader(name, null)}: a name that keeps a value is rewritten with {@code setHeader(name,
   * first)} and {@code addHeader}; one left with no value at all, should the container keep it,
   * goes through {@code reset()} with every other header written again.
   */
  private static void replace(
      HttpServletResponse response, List<ResponseHeader> old, List<ResponseHeader> now) {
    List<String> names = new ArrayList<>(2);
    for (List<ResponseHeader> list : List.of(old, now)) {
      for (ResponseHeader header : list) {
        if (!containsIgnoreCase(names, header.name())) {
          names.add(header.name());
        }
      }
    }
    List<String> emptied = new ArrayList<>(1);
    for (String name : names) {
      List<String> values = new ArrayList<>(response.getHeaders(name));
      for (ResponseHeader header : old) {
        if (header.name().equalsIgnoreCase(name)) {
          values.remove(header.value());
        }
      }
      for (ResponseHeader header : now) {
        if (header.name().equalsIgnoreCase(name)) {
          values.add(header.value());
        }
      }
      if (values.isEmpty()) {
        response.setHeader(name, null);
        if (!response.getHeaders(name).isEmpty()) {
          emptied.add(name);
        }
        continue;
      }
      response.setHeader(name, values.get(0));
      for (int i = 1; i < values.size(); i++) {
        response.addHeader(name, values.get(i));
      }
    }
    if (!emptied.isEmpty()) {
      resetWithout(response, emptied);
    }
  }

  /** Resets the (uncommitted) response, then writes back its status and every header not named. */
  private static void resetWithout(HttpServletResponse response, List<String> names) {
    int status = response.getStatus();
    String contentType = response.getContentType();
    Map<String, List<String>> kept = new LinkedHashMap<>();
    for (String name : response.getHeaderNames()) {
      if (!containsIgnoreCase(names, name)) {
        kept.put(name, new ArrayList<>(response.getHeaders(name)));
      }
    }
    response.reset();
    response.setStatus(status);
    if (contentType != null) {
      response.setContentType(contentType);
    }
    for (Map.Entry<String, List<String>> header : kept.entrySet()) {
      for (String value : header.getValue()) {
        response.addHeader(header.getKey(), value);
      }
    }
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    for (String n : names) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable String idOf(@Nullable Backend backend) {
    return backend == null ? null : backend.id();
  }

  /**
   * Hands the backend's response headers to the current decision, once, when its affinity learns
   * sessions from responses (NGINX Plus {@code sticky learn}): a proxy calls it with the headers it
   * received, the filter (when nothing downstream did) with the response's headers when the request
   * ends.
   */
  void learn(HeaderSource backendResponseHeaders) {
    Decision current = decision;
    if (learned || !current.learnsFromResponse()) {
      return;
    }
    learned = true;
    current.learn(backendResponseHeaders);
  }

  /** {@link #learn} from the headers of the response the application wrote. */
  void learnFrom(HttpServletResponse response) {
    if (learned || !decision.learnsFromResponse()) {
      return;
    }
    learn(
        name -> {
          Collection<String> values = response.getHeaders(name);
          return values == null || values.isEmpty() ? null : String.join(", ", values);
        });
  }

  /** Marks the request failed: its end is reported as {@link Outcome#FAILURE}. */
  void fail() {
    failed = true;
  }

  /** Reports the current decision; a decision already reported (by the proxy) stays as it was. */
  void finish(Outcome outcome) {
    long started = decidedNanos;
    decision.report(outcome, System.nanoTime() - started);
  }

  /**
   * Reports the current decision from what the container saw: a failure (exception, async error or
   * timeout) or a failure status is {@link Outcome#FAILURE}, anything else {@link Outcome#SUCCESS}.
   * Used when nothing downstream reported a verdict of its own.
   */
  void finish(int status) {
    finish(failed || balancer.isFailureStatus(status) ? Outcome.FAILURE : Outcome.SUCCESS);
  }

  /** Reports when the asynchronous request completes; registering twice registers once. */
  void listenTo(AsyncContext async) {
    if (listening) {
      return;
    }
    listening = true;
    async.addListener(this);
  }

  boolean isListening() {
    return listening;
  }

  /**
   * Whether the asynchronous request completed: its response was sent (or given up), and the
   * container may recycle the request and response objects, so nothing may touch them any more.
   */
  boolean isCompleted() {
    return completed;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    completed = true;
    ServletResponse response = event.getSuppliedResponse();
    int status =
        response instanceof HttpServletResponse
            ? ((HttpServletResponse) response).getStatus()
            : 200;
    if (response instanceof HttpServletResponse) {
      learnFrom((HttpServletResponse) response);
    }
    finish(status);
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    failed = true;
  }

  @Override
  public void onError(AsyncEvent event) {
    failed = true;
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // A new asynchronous cycle drops its listeners (Servlet 6, AsyncContext#startAsync): stay on.
    AsyncContext async = event.getAsyncContext();
    if (async != null) {
      async.addListener(this);
    }
  }

  @Override
  public String toString() {
    return "Exchange{" + decision + '}';
  }
}
