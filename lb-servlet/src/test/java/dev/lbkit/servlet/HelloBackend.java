package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A demo backend answering like {@code nginxdemos/nginx-hello:plain-text}, on 127.0.0.1. It can be
 * stopped and started again on the same port, as a restarted pod.
 *
 * <p>Stopping drops every connection unanswered, as the kernel does for a killed process, before
 * Jetty's own stop runs: Jetty 12.0's {@code Server.stop()} answers a connection whose request it
 * has only partly read with its own "500 Server Error" ({@code /badRequest}, EofException), a
 * status no backend of these tests ever answers (see {@code BackendStopTest}).
 */
final class HelloBackend implements AutoCloseable {
  private static final DateTimeFormatter NGINX_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final String name;
  private final AtomicInteger requests = new AtomicInteger();
  private Server server;
  private KillableConnector connector;
  private int port;

  private HelloBackend(String name) {
    this.name = name;
  }

  static HelloBackend start(String name) throws Exception {
    HelloBackend backend = new HelloBackend(name);
    backend.startOn(0);
    return backend;
  }

  private void startOn(int wantedPort) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("backend-" + name);
    Server s = new Server(threads);
    KillableConnector connector = new KillableConnector(s);
    connector.setHost("127.0.0.1");
    connector.setPort(wantedPort);
    s.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new HelloServlet(), "/*");
    s.setHandler(context);
    s.start();
    this.server = s;
    this.connector = connector;
    this.port = connector.getLocalPort();
  }

  /** The backend as a load balancer sees it; its id is its name. */
  Backend backend() {
    return Backend.of(name, "127.0.0.1", port);
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  int requests() {
    return requests.get();
  }

  /** Refuses new connections and drops open ones without an answer, then stops the server. */
  void stop() throws Exception {
    connector.kill();
    server.stop();
  }

  void restart() throws Exception {
    startOn(port);
  }

  @Override
  public void close() {
    try {
      connector.kill();
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server name line of an nginx-hello answer, or null. */
  static String serverName(String body) {
    for (String line : body.split("\n")) {
      if (line.startsWith("Server name: ")) {
        return line.substring("Server name: ".length()).trim();
      }
    }
    return null;
  }

  /**
   * A connector that can drop its connections at once. Every accepted socket is recorded before
   * Jetty sees it ({@code configure} runs on the acceptor thread, ahead of the selector), so that a
   * socket accepted while stopping is closed too instead of left open without a reader.
   */
  private static final class KillableConnector extends ServerConnector {
    private final Object lock = new Object();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private boolean killed; // guarded by lock

    KillableConnector(Server server) {
      super(server, 1, 1);
    }

    @Override
    protected void configure(Socket socket) {
      super.configure(socket);
      synchronized (lock) {
        if (!killed) {
          sockets.removeIf(Socket::isClosed);
          sockets.add(socket);
          return;
        }
      }
      closeQuietly(socket);
    }

    void kill() {
      synchronized (lock) {
        killed = true;
      }
      close(); // the listening socket: connecting is refused from now on
      for (Socket socket : sockets) {
        closeQuietly(socket);
      }
      sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closed already.
      }
    }
  }

  private static final List<String> FORWARDING_HEADERS =
      List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "Via");

  private final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      requests.incrementAndGet();
      // Drain a request body, as a real backend would, and count it; "?ignoreBody" answers
      // without reading it, as a backend that rejects or ignores bodies does.
      byte[] body =
          "ignoreBody".equals(request.getQueryString())
              ? new byte[0]
              : request.getInputStream().readAllBytes();
      String text =
          "Server address: 127.0.0.1:"
              + port
              + "\n"
              + "Server name: "
              + name
              + "\n"
              + "Date: "
              + NGINX_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))
              + "\n"
              + "URI: "
              + request.getRequestURI()
              + (request.getQueryString() == null ? "" : "?" + request.getQueryString())
              + "\n"
              + "Request ID: "
              + requestId()
              + "\n"
              + forwardedFor(request)
              + (body.length > 0 ? "Body: " + new String(body, StandardCharsets.UTF_8) + "\n" : "");
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      // "?setCookie=app%3D1&setCookie=..." answers with those cookies of the application's own.
      for (String cookie : queryValues(request.getQueryString(), "setCookie")) {
        response.addHeader("Set-Cookie", cookie);
      }
      response.setContentType("text/plain");
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }

    /** The decoded values of {@code name} in a raw query, without reading any body. */
    private List<String> queryValues(String query, String name) {
      List<String> values = new ArrayList<>();
      if (query == null) {
        return values;
      }
      for (String pair : query.split("&")) {
        if (pair.startsWith(name + "=")) {
          values.add(URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8));
        }
      }
      return values;
    }

    /**
     * The forwarding headers the proxy sent, one "NAME: value" line per field: X-Forwarded-For,
     * -Proto, -Host, Forwarded and Via.
     */
    private String forwardedFor(HttpServletRequest request) {
      StringBuilder lines = new StringBuilder();
      for (String name : FORWARDING_HEADERS) {
        for (String value : Collections.list(request.getHeaders(name))) {
          lines.append(name).append(": ").append(value).append('\n');
        }
      }
      return lines.toString();
    }

    private String requestId() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      return String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
    }
  }
}
