package dev.lbkit.spring.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on 127.0.0.1: answers every request with its name (body and {@code X-Backend}) and, if
 * asked, sets a cookie of its own, as an application behind the gateway does.
 */
final class TestBackend implements AutoCloseable {
  static {
    // The JDK server writes a response's head and body apart; without TCP_NODELAY each answer
    // waits out the gateway's delayed ACK (40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  final String name;
  private final HttpServer server;
  final AtomicInteger hits = new AtomicInteger();

  private TestBackend(String name, HttpServer server) {
    this.name = name;
    this.server = server;
  }

  static TestBackend start(String name) {
    return start(name, null);
  }

  /** A backend that sets {@code Set-Cookie: ownCookie} on each answer, when not null. */
  static TestBackend start(String name, String ownCookie) {
    return start(name, ownCookie, 0);
  }

  /** A backend that waits {@code delayMillis} before it answers. */
  static TestBackend slow(String name, long delayMillis) {
    return start(name, null, delayMillis, 200);
  }

  /** A backend that answers every request with {@code status}. */
  static TestBackend answering(String name, int status) {
    return start(name, null, 0, status);
  }

  private static TestBackend start(String name, String ownCookie, long delayMillis) {
    return start(name, ownCookie, delayMillis, 200);
  }

  private static TestBackend start(String name, String ownCookie, long delayMillis, int status) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TestBackend b = new TestBackend(name, server);
      server.createContext(
          "/",
          exchange -> {
            b.hits.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
              try {
                Thread.sleep(delayMillis);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            byte[] body = name.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().add("X-Backend", name);
            if (ownCookie != null) {
              exchange.getResponseHeaders().add("Set-Cookie", ownCookie);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String uri() {
    return "http://127.0.0.1:" + port();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  /** A port on 127.0.0.1 with nothing listening (bound, then released). */
  static int deadPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
