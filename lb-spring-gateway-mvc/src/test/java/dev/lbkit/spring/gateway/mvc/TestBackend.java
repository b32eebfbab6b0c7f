package dev.lbkit.spring.gateway.mvc;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend on 127.0.0.1 that answers its name, and sets a cookie of its own when asked to. */
final class TestBackend implements AutoCloseable {
  static {
    // The JDK server writes a response's headers and body apart; without TCP_NODELAY, Nagle and
    // delayed ACKs hold keep-alive answers back by tens of milliseconds.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String name;
  private final HttpServer server;
  final AtomicInteger hits = new AtomicInteger();

  private TestBackend(String name, String ownCookie) throws IOException {
    this.name = name;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          hits.incrementAndGet();
          if (ownCookie != null) {
            exchange.getResponseHeaders().add("Set-Cookie", ownCookie);
          }
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  static TestBackend start(String name) throws IOException {
    return new TestBackend(name, null);
  }

  /** A backend whose every answer carries {@code Set-Cookie: ownCookie}. */
  static TestBackend withCookie(String name, String ownCookie) throws IOException {
    return new TestBackend(name, ownCookie);
  }

  String name() {
    return name;
  }

  int port() {
    return server.getAddress().getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  String uri() {
    return "http://" + address();
  }

  /** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
  static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
