package dev.lbkit.servlet;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lbkit.core.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A backend on the JDK's own HTTP server, so that it runs beside any servlet container (it needs no
 * Servlet API). It answers, by query parameter:
 *
 * <ul>
 *   <li>by default: {@code Server name: NAME}, {@code URI: ...}, one {@code > Name: value} line per
 *       request header field, and {@code Body: LENGTH crc=CRC32} for a body;
 *   <li>{@code size=N}: N bytes of {@link #pattern} (chunked; {@code &fixed} with a length); with
 *       {@code &gate} it sends 64 KiB, then waits until {@link #openGate} before the rest;
 *   <li>{@code sleep=MS}: waits before answering; {@code stall}: sends its head and 1 KiB, then
 *       nothing for 30 s;
 *   <li>{@code status=N}: that status; {@code setCookie=V} (repeatable): that Set-Cookie; {@code
 *       hop}: hop-by-hop headers and {@code X-End-To-End: kept}.
 * </ul>
 */
final class JdkBackend implements AutoCloseable {
  static final int GATE_BYTES = 64 * 1024;

  private final String name;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);

  /** Counted down once an uploaded body's first 64 KiB arrived. */
  final CountDownLatch uploadStarted = new CountDownLatch(1);

  private JdkBackend(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  static JdkBackend start(String name) throws IOException {
    return new JdkBackend(name);
  }

  Backend backend() {
    return Backend.of(name, "127.0.0.1", port());
  }

  int port() {
    return server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  void openGate() {
    gate.countDown();
  }

  /** The byte at {@code index} of a {@code size=N} body. */
  static byte pattern(long index) {
    return (byte) ('a' + index % 26);
  }

  /** Stops at once: connecting is refused from now on, open connections are closed. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
      Headers headers = exchange.getResponseHeaders();
      for (String cookie : query.getOrDefault("setCookie", List.of())) {
        headers.add("Set-Cookie", cookie);
      }
      if (query.containsKey("sleep")) {
        sleep(Long.parseLong(query.get("sleep").get(0)));
      }
      if (query.containsKey("hop")) {
        headers.add("Connection", "X-Backend-Hop");
        headers.add("X-Backend-Hop", "secret");
        headers.add("Keep-Alive", "timeout=5");
        headers.add("Proxy-Authenticate", "Basic realm=\"backend\"");
        headers.add("X-End-To-End", "kept");
      }
      int status = query.containsKey("status") ? Integer.parseInt(query.get("status").get(0)) : 200;
      if (query.containsKey("size")) {
        sendPattern(exchange, Long.parseLong(query.get("size").get(0)), query);
        return;
      }
      if (query.containsKey("stall")) {
        exchange.sendResponseHeaders(status, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(new byte[1024]);
        out.flush();
        sleep(30_000);
        return;
      }
      StringBuilder text = new StringBuilder();
      text.append("Server name: ").append(name).append('\n');
      text.append("URI: ").append(exchange.getRequestURI().toASCIIString()).append('\n');
      text.append("Method: ").append(exchange.getRequestMethod()).append('\n');
      Map<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      sorted.putAll(exchange.getRequestHeaders());
      for (Map.Entry<String, List<String>> field : sorted.entrySet()) {
        for (String value : field.getValue()) {
          text.append("> ").append(field.getKey()).append(": ").append(value).append('\n');
        }
      }
      long[] body = drain(exchange.getRequestBody());
      if (body[0] > 0) {
        text.append("Body: ").append(body[0]).append(" crc=").append(body[1]).append('\n');
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      headers.set("Content-Type", "text/plain;charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private void sendPattern(HttpExchange exchange, long size, Map<String, List<String>> query)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.sendResponseHeaders(200, query.containsKey("fixed") ? size : 0);
    OutputStream out = exchange.getResponseBody();
    byte[] chunk = new byte[8192];
    long sent = 0;
    boolean gated = query.containsKey("gate");
    while (sent < size) {
      int n = (int) Math.min(chunk.length, size - sent);
      for (int i = 0; i < n; i++) {
        chunk[i] = pattern(sent + i);
      }
      out.write(chunk, 0, n);
      sent += n;
      if (gated && sent == GATE_BYTES) {
        out.flush();
        await(gate);
      }
    }
  }

  /** Reads a body to its end: its length and CRC-32. */
  private long[] drain(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      crc.update(buffer, 0, n);
      total += n;
      if (total >= GATE_BYTES) {
        uploadStarted.countDown();
      }
    }
    return new long[] {total, crc.getValue()};
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> values = new TreeMap<>();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return values;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The value of an answer's {@code Server name:} line, or null. */
  static String serverName(String body) {
    for (String line : body.split("\n")) {
      if (line.startsWith("Server name: ")) {
        return line.substring("Server name: ".length()).trim();
      }
    }
    return null;
  }
}
