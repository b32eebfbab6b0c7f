package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Router;
import dev.lbkit.core.TrafficSplit;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy for any Servlet 6 container (Tomcat 10.1 and 11, Jetty 12, Spring MVC's embedded
 * containers), on the JDK's {@link HttpClient}: it forwards each request to the backend its {@link
 * Router} chose, streams the bodies both ways, reports how the exchange ended, and retries a
 * request whose backend could not be connected to on another backend through {@link
 * Decision#retry}, as nginx's {@code proxy_next_upstream error timeout} does for connection
 * failures. It behaves as {@link LoadBalancingProxyServlet} (which needs Jetty): the same
 * forwarding headers, the same failure classification, the same retries.
 *
 * <p>Behind a {@link LoadBalancingFilter} it forwards to the filter's decision. Alone, constructed
 * with a router (or given a {@code backends} init-param, read as the filter reads it), it picks
 * itself, with the same 503 when no backend can take the request. Behind a {@link TrafficSplit} a
 * retry stays within the member. A retry that moves the session replaces the session headers
 * written for the failed backend; a retry that refuses a strict session answers 503.
 *
 * <p><b>Threads.</b> The proxy is blocking: the container's thread that serves a request is held
 * until the backend's response has been relayed (Java 17 has no virtual threads), while the JDK
 * client's own threads send the client's body. Size the container's thread pool for the requests
 * that can be in flight at once (Tomcat's {@code maxThreads}, 200 by default). Neither body is ever
 * held whole in memory: both are copied in 16 KiB chunks.
 *
 * <p><b>Retries.</b> Only connection failures (refused, unreachable, unresolved, connect timeout)
 * are retried, and only while no byte of the client's body was read, so repeating the request is
 * safe for every method. A failure after that answers 502 (504 on timeout) and counts against the
 * backend; whatever the client caused (a body that breaks off, a client that goes away) counts as
 * {@link Outcome#COMPLETED} and never against a backend.
 *
 * <p><b>Init-params</b> (besides the filter's, when it picks itself): {@code connectTimeout}
 * (default 15 s), {@code timeout} (60 s: until the backend's response head arrives, the upload of
 * the client's body included), {@code idleTimeout} (60 s: the longest pause while the response body
 * is relayed) as nginx times ({@code 30s}, {@code 1m}, {@code 500ms}), and {@code viaHost} (this
 * host's name: the {@code Via} pseudonym). Backends are reached over plain HTTP/1.1.
 */
public class HttpClientProxyServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger logger = LoggerFactory.getLogger(HttpClientProxyServlet.class);

  /** Jetty's client connect timeout, the default of {@code connectTimeout}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /** Jetty's proxy {@code timeout} and nginx's {@code proxy_read_timeout}: 60 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** nginx's {@code proxy_read_timeout}, the default of {@code idleTimeout}: 60 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  static final String CONNECT_TIMEOUT = "connectTimeout";
  static final String TIMEOUT = "timeout";
  static final String IDLE_TIMEOUT = "idleTimeout";
  static final String VIA_HOST = "viaHost";

  private static final int BUFFER_SIZE = 16 * 1024;

  /**
   * Request headers not copied from the client: set by the proxy itself (forwarding headers), by
   * the JDK client from the target and the body ({@code Host}, {@code Content-Length}), or not sent
   * on ({@code Expect}: the container answers the client's {@code 100-continue} when the body is
   * first read, which is once a backend is connected). Lower case.
   */
  private static final Set<String> NOT_COPIED =
      Set.of(
          "host",
          "content-length",
          "expect",
          "forwarded",
          "via",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-server");

  private transient volatile @Nullable ServletBalancer own;
  private transient volatile @Nullable HttpClient client;
  private transient volatile @Nullable ScheduledExecutorService timer;
  private volatile Duration timeout = DEFAULT_TIMEOUT;
  private volatile Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private volatile String viaHost = "lbkit";
  private final AtomicBoolean warnedUnconfigured = new AtomicBoolean();

  /**
   * A proxy that forwards to the decision of a {@link LoadBalancingFilter} mapped in front of it,
   * or, given a {@code backends} init-param, picks itself with the filter's init-params.
   */
  public HttpClientProxyServlet() {}

  /**
   * A proxy that picks with {@code router} (a load balancer, or a traffic split) when no {@link
   * LoadBalancingFilter} ran before it, and otherwise forwards to the filter's decision.
   */
  public HttpClientProxyServlet(Router router) {
    this.own = LoadBalancingFilter.builder(router).balancer();
  }

  /**
   * A proxy that picks with the configuration of {@code filter} (its router, 503 and failure
   * settings) when the filter did not run before it.
   */
  public HttpClientProxyServlet(LoadBalancingFilter.Builder filter) {
    this.own = filter.balancer();
  }

  /**
   * Reads the init-params and creates the HTTP client.
   *
   * @throws ServletException naming the parameter, when one is invalid
   */
  @Override
  public void init() throws ServletException {
    if (own == null && getInitParameter(InitParameters.BACKENDS) != null) {
      own = InitParameters.balancer(getServletConfig());
    }
    Duration connectTimeout = positiveTime(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    timeout = positiveTime(TIMEOUT, DEFAULT_TIMEOUT);
    idleTimeout = positiveTime(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    String via = getInitParameter(VIA_HOST);
    viaHost = via != null && !via.isBlank() ? via.trim() : localHostName();
    client = newHttpClient(connectTimeout);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "lbkit-proxy-idle-" + getServletName());
              thread.setDaemon(true);
              return thread;
            });
    timer = scheduler;
  }

  private Duration positiveTime(String name, Duration defaultValue) throws ServletException {
    Duration value = InitParameters.duration(this::getInitParameter, name, defaultValue);
    if (value.isZero() || value.isNegative()) {
      throw InitParameters.invalid(name, "\"" + value + "\" (expected: a time > 0)");
    }
    return value;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "lbkit";
    }
  }

  /**
   * The JDK client requests go through: HTTP/1.1, no redirects followed, no cookies kept, no proxy.
   * A subclass may return one of its own (an executor, an SSL context); it must not follow
   * redirects or keep cookies, which are the client's business.
   */
  protected HttpClient newHttpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .build();
  }

  /** The router this proxy picks with when no filter ran, or {@code null} for none of its own. */
  public @Nullable Router router() {
    ServletBalancer b = own;
    return b == null ? null : b.router();
  }

  @Override
  public void destroy() {
    ScheduledExecutorService scheduler = timer;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    HttpClient http = client;
    if (http == null) {
      throw new ServletException(getClass().getSimpleName() + " was not initialised");
    }
    Exchange exchange =
        Exchange.forProxy(request, response, own, warnedUnconfigured, getServletName());
    if (exchange == null) {
      return; // answered: 500 unconfigured, or 503
    }
    Decision decision = exchange.decision();
    RequestBody body = null;
    if (hasContent(request)) {
      try {
        body = new RequestBody(request.getInputStream());
      } catch (IOException | IllegalStateException e) {
        logger.debug("cannot read the body of {}", request.getRequestURI(), e);
        decision.report(Outcome.COMPLETED);
        answer(response, 400);
        return;
      }
    }
    while (true) {
      Attempt attempt = new Attempt(decision, body);
      ProxyFailure failure = forward(http, request, response, exchange, attempt);
      if (failure == null) {
        return;
      }
      logger.debug("{} failed: {}", decision, failure);
      if (failure == ProxyFailure.BACKEND_UNREACHABLE
          && attempt.neverReachedBackend()
          && !response.isCommitted()) {
        Decision next = exchange.retry(decision, response);
        logger.debug("retry after {}: {}", decision, next);
        if (next.hasBackend()) {
          decision = next;
          continue;
        }
        if (next.reason() == Decision.Reason.REFUSED_UNAVAILABLE) {
          // A strict session is refused rather than moved: 503 with Retry-After, as the filter.
          ServletBalancer.respondNoBackend(response, exchange.balancer().retryAfterSeconds());
          return;
        }
      }
      if (failure != ProxyFailure.CLIENT_GONE) {
        answer(response, failure.status());
      }
      return;
    }
  }

  /**
   * Sends one attempt and relays its response. Returns null when the exchange ended (answered, or
   * the failure already handled), or why the attempt failed before anything was relayed. The
   * attempt's decision is reported in every case.
   */
  private @Nullable ProxyFailure forward(
      HttpClient http,
      HttpServletRequest request,
      HttpServletResponse response,
      Exchange exchange,
      Attempt attempt)
      throws IOException {
    Decision decision = attempt.decision;
    HttpRequest proxyRequest;
    try {
      proxyRequest = newProxyRequest(request, decision, attempt.body);
    } catch (IllegalArgumentException e) {
      // A request the server accepted but the JDK client cannot send (odd characters in the
      // target, a method such as CONNECT): the client's, answered without a verdict.
      logger.debug("cannot proxy {} {}", request.getMethod(), request.getRequestURI(), e);
      decision.report(Outcome.COMPLETED);
      return ProxyFailure.REQUEST_UNSENDABLE;
    }
    HttpResponse<InputStream> upstream;
    try {
      upstream = http.send(proxyRequest, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      ProxyFailure why = attempt.classify(e);
      logger.debug("{}: {}", decision, e.toString());
      decision.report(why.outcome());
      return why;
    } catch (InterruptedException e) {
      // The container is stopping: no verdict on the backend.
      Thread.currentThread().interrupt();
      decision.report(Outcome.COMPLETED);
      return ProxyFailure.CLIENT_GONE;
    }
    relay(response, exchange, attempt, upstream);
    return null;
  }

  private HttpRequest newProxyRequest(
      HttpServletRequest request, Decision decision, @Nullable RequestBody body) {
    Backend backend = decision.backend();
    if (backend == null) {
      throw new IllegalArgumentException("no backend");
    }
    String path = request.getRequestURI();
    String query = request.getQueryString();
    StringBuilder target = new StringBuilder(64).append("http://").append(backend.authority());
    target.append(path == null || path.isEmpty() ? "/" : path);
    if (query != null) {
      target.append('?').append(query);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(target.toString())).timeout(timeout);
    copyRequestHeaders(request, builder);
    addProxyHeaders(request, builder);
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else {
      HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(body::open);
      long length = request.getContentLengthLong();
      publisher = length >= 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }
    return builder.method(request.getMethod(), publisher).build();
  }

  /**
   * Copies the client's headers but the hop-by-hop ones (RFC 9110 section 7.6.1: {@code
   * Connection}, {@code Keep-Alive}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code
   * Upgrade}, {@code Proxy-*}, and those the client's {@code Connection} names) and those the proxy
   * sets itself. A header the JDK client refuses (a value with bytes it does not accept) is left
   * out, never an error.
   */
  private static void copyRequestHeaders(HttpServletRequest request, HttpRequest.Builder builder) {
    Set<String> options = ProxyHeaders.connectionOptions(request);
    Enumeration<String> names = request.getHeaderNames();
    if (names == null) {
      return;
    }
    for (String name : Collections.list(names)) {
      String lowerCase = name.toLowerCase(Locale.ROOT);
      if (ProxyHeaders.isHopByHop(lowerCase)
          || options.contains(lowerCase)
          || NOT_COPIED.contains(lowerCase)) {
        continue;
      }
      for (String value : Collections.list(request.getHeaders(name))) {
        try {
          builder.header(name, value);
        } catch (IllegalArgumentException e) {
          logger.debug("leaving out request header {}", name, e);
        }
      }
    }
  }

  /**
   * {@code Via} (the client's extended with {@code 1.1 viaHost}), {@code Forwarded} (the client's
   * extended with this hop's element, or replaced when malformed), {@code X-Forwarded-For} (the
   * client's kept, the peer's address added, as nginx's {@code $proxy_add_x_forwarded_for}), {@code
   * X-Forwarded-Proto}, {@code -Host} and {@code -Server} (this gateway's), exactly as {@link
   * LoadBalancingProxyServlet} sends them.
   */
  private void addProxyHeaders(HttpServletRequest request, HttpRequest.Builder builder) {
    ServletHeaderSource headers = new ServletHeaderSource(request);
    String via = headers.get("Via");
    String ours = "1.1 " + viaHost;
    setQuietly(
        builder, "Via", via == null || via.isBlank() ? ours : via.trim() + ", " + ours, ours);
    String element = ProxyHeaders.forwardedElement(request);
    setQuietly(
        builder, "Forwarded", ProxyHeaders.forwarded(headers.get("Forwarded"), request), element);
    String peer = request.getRemoteAddr();
    if (peer != null && !peer.isEmpty()) {
      setQuietly(builder, "X-Forwarded-For", null, peer); // added beside the client's
    }
    setQuietly(builder, "X-Forwarded-Proto", request.getScheme(), null);
    setQuietly(builder, "X-Forwarded-Host", request.getHeader("Host"), null);
    setQuietly(builder, "X-Forwarded-Server", request.getLocalName(), null);
  }

  /**
   * Sets {@code name} to {@code value}, or adds {@code fallback} (a value of the gateway's own)
   * when there is no value or the JDK client refuses it.
   */
  private static void setQuietly(
      HttpRequest.Builder builder, String name, @Nullable String value, @Nullable String fallback) {
    if (value != null && !value.isEmpty()) {
      try {
        builder.setHeader(name, value);
        return;
      } catch (IllegalArgumentException e) {
        logger.debug("replacing request header {}", name, e);
      }
    }
    if (fallback != null) {
      try {
        builder.header(name, fallback);
      } catch (IllegalArgumentException e) {
        logger.debug("leaving out request header {}", name, e);
      }
    }
  }

  /** Copies the status, the headers and the body of the backend's response, and reports it. */
  private void relay(
      HttpServletResponse response,
      Exchange exchange,
      Attempt attempt,
      HttpResponse<InputStream> upstream)
      throws IOException {
    Decision decision = attempt.decision;
    InputStream in = upstream.body();
    response.setStatus(upstream.statusCode());
    // Learn mode: the backend's own headers, before any reaches the client.
    exchange.learn(
        name -> {
          List<String> values = upstream.headers().allValues(name);
          return values.isEmpty() ? null : String.join(", ", values);
        });
    copyResponseHeaders(response, exchange, upstream);
    Idle idle = new Idle(in);
    idle.arm();
    byte[] buffer = new byte[BUFFER_SIZE];
    try {
      OutputStream out;
      try {
        out = response.getOutputStream();
      } catch (IOException | IllegalStateException e) {
        decision.report(Outcome.COMPLETED);
        closeQuietly(in);
        return;
      }
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          ProxyFailure why =
              idle.fired ? ProxyFailure.BACKEND_TIMEOUT : ProxyFailure.BACKEND_FAILED;
          logger.debug("{}: the response broke off: {} ({})", decision, why, e.toString());
          decision.report(why.outcome());
          breakOff(response, exchange, why);
          return;
        }
        if (n < 0) {
          break;
        }
        idle.progress();
        try {
          out.write(buffer, 0, n);
          if (in.available() == 0) {
            out.flush(); // stream as the backend sends: no wait for a full buffer
          }
        } catch (IOException e) {
          // The client went away: the backend did nothing wrong; stop reading from it.
          logger.debug("{}: the client went away: {}", decision, e.toString());
          decision.report(Outcome.COMPLETED);
          closeQuietly(in);
          return;
        }
      }
    } finally {
      idle.disarm();
    }
    decision.report(
        exchange.balancer().isFailureStatus(upstream.statusCode())
            ? Outcome.FAILURE
            : Outcome.SUCCESS);
  }

  /**
   * The backend's response broke off while being relayed. Not committed yet: the client gets a 502
   * (504) with the session headers already written. Committed: the only honest signal left is to
   * break the client's connection too, so that a truncated body is not taken for a whole one;
   * throwing is how a servlet asks its container for that.
   */
  private static void breakOff(HttpServletResponse response, Exchange exchange, ProxyFailure why)
      throws IOException {
    if (!response.isCommitted()) {
      response.reset();
      exchange.rewriteSessionHeaders(response);
      answer(response, why.status());
      return;
    }
    throw new IOException("the backend's response broke off: " + why);
  }

  /**
   * Copies the backend's response headers: each field as received, hop-by-hop fields and those the
   * response's {@code Connection} names left out; the first field of a name replaces what the
   * response held, except the session headers lbkit wrote, which are kept beside the backend's.
   */
  private static void copyResponseHeaders(
      HttpServletResponse response, Exchange exchange, HttpResponse<InputStream> upstream) {
    Map<String, List<String>> fields = upstream.headers().map();
    Set<String> options =
        ProxyHeaders.connectionOptions(upstream.headers().allValues("Connection"));
    Set<String> copied = new HashSet<>();
    for (Map.Entry<String, List<String>> field : fields.entrySet()) {
      String name = field.getKey();
      String lowerCase = name.toLowerCase(Locale.ROOT);
      if (name.startsWith(":")
          || ProxyHeaders.isHopByHop(lowerCase)
          || options.contains(lowerCase)) {
        continue;
      }
      if (lowerCase.equals("content-length")) {
        try {
          response.setContentLengthLong(Long.parseLong(field.getValue().get(0).trim()));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          // The JDK client checked it already; the container then frames the body itself.
        }
        continue;
      }
      for (String value : field.getValue()) {
        ProxyHeaders.copyResponseField(response, exchange, copied, name, value);
      }
    }
  }

  /** A proxy's own answer: a status and a one-line body, the headers written so far kept. */
  private static void answer(HttpServletResponse response, int status) throws IOException {
    if (response.isCommitted() || status <= 0) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status);
    byte[] body = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.US_ASCII);
    response.setContentType("text/plain;charset=us-ascii");
    response.setContentLength(body.length);
    try {
      response.getOutputStream().write(body);
    } catch (IOException e) {
      logger.debug("cannot answer {}", status, e);
    }
  }

  private static String reason(int status) {
    switch (status) {
      case 400:
        return "Bad Request";
      case 408:
        return "Request Timeout";
      case 431:
        return "Request Header Fields Too Large";
      case 502:
        return "Bad Gateway";
      case 504:
        return "Gateway Timeout";
      default:
        return "Error";
    }
  }

  /** Whether the request has a body: a {@code Content-Length} above 0, or a transfer coding. */
  private static boolean hasContent(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Closing a response body only cancels it.
    }
  }

  /** One try of a request on one backend. */
  private static final class Attempt {
    final Decision decision;
    final @Nullable RequestBody body;

    Attempt(Decision decision, @Nullable RequestBody body) {
      this.decision = decision;
      this.body = body;
    }

    /** Nothing of the client's body was read (the head alone is safe to send again). */
    boolean neverReachedBackend() {
      RequestBody b = body;
      return b == null || !b.read;
    }

    ProxyFailure classify(Throwable failure) {
      RequestBody b = body;
      boolean bodyPending = b != null && !b.ended;
      // The JDK client does not tell whether the head was written: a failure that is no connect
      // failure counts as one that reached the backend.
      return ProxyFailure.classify(failure, false, b == null ? null : b.failure, bodyPending, true);
    }
  }

  /**
   * The client's body, read by the JDK client's threads. It is handed out once: a second
   * subscription (a retry inside the JDK client after some of it was sent) fails rather than send a
   * body cut in two.
   */
  private static final class RequestBody extends FilterInputStream {
    volatile boolean read;
    volatile boolean ended;
    volatile @Nullable IOException failure;

    RequestBody(InputStream in) {
      super(in);
    }

    InputStream open() {
      if (read) {
        return new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the client's body was sent already");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException("the client's body was sent already");
          }
        };
      }
      return this;
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
      // The container owns the request's stream.
    }
  }

  /**
   * The response body's idle timeout: the JDK client has none once the head arrived, so a timer
   * closes the body (which makes the blocked read fail) after {@code idleTimeout} without a byte.
   */
  private final class Idle implements Runnable {
    private final InputStream in;
    private final long idleNanos = idleTimeout.toNanos();
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean done;
    private volatile @Nullable ScheduledFuture<?> future;
    volatile boolean fired;

    Idle(InputStream in) {
      this.in = in;
    }

    void arm() {
      schedule(idleNanos);
    }

    void progress() {
      lastProgress = System.nanoTime();
    }

    void disarm() {
      done = true;
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }

    private void schedule(long delayNanos) {
      ScheduledExecutorService scheduler = timer;
      if (scheduler == null || done) {
        return;
      }
      try {
        future = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The servlet is being destroyed.
      }
    }

    @Override
    public void run() {
      if (done) {
        return;
      }
      long idle = System.nanoTime() - lastProgress;
      if (idle < idleNanos) {
        schedule(idleNanos - idle);
        return;
      }
      fired = true;
      closeQuietly(in);
    }
  }
}
