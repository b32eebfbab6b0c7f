package dev.lbkit.spring.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A real reactive Spring Cloud Gateway application on a random port, and HTTP to it. */
final class TestGateway implements AutoCloseable {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The gateway application: auto-configuration only, routes and lbkit from the properties. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  final ConfigurableApplicationContext context;
  final int port;

  private TestGateway(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
  }

  static TestGateway start(Map<String, Object> properties, Class<?>... configurations) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("server.port", "0");
    all.put("spring.main.banner-mode", "off");
    all.put("lbkit.session-secrets-env", "LBKIT_TEST_SESSION_SECRET");
    all.put("spring.cloud.loadbalancer.cache.enabled", "false");
    all.putAll(properties);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(App.class)
            .sources(configurations)
            .web(WebApplicationType.REACTIVE)
            .properties(all)
            .run();
    return new TestGateway(context);
  }

  /** Properties builder: a route {@code id} for {@code Path=/id/**} to {@code lb://id}. */
  static void route(Map<String, Object> p, int index, String id) {
    String at = "spring.cloud.gateway.server.webflux.routes[" + index + "].";
    p.put(at + "id", id);
    p.put(at + "uri", "lb://" + id);
    p.put(at + "predicates[0]", "Path=/" + id + "/**");
  }

  /** Properties builder: instance {@code i} of {@code service} in the simple discovery client. */
  static void instance(Map<String, Object> p, String service, int i, TestBackend b) {
    String at = "spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].";
    p.put(at + "uri", b.uri());
    p.put(at + "instance-id", b.name);
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer read off a raw connection. */
  record RawResponse(int status, List<String> headerLines, String body) {
    List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          values.add(line.substring(colon + 1).trim());
        }
      }
      return values;
    }
  }

  /**
   * Sends {@code head} (request line and headers, without the final empty line) as bytes over a
   * connection from {@code from}, so that the bytes java.net.http refuses to send (CR, LF, raw
   * octets) and an untrusted peer address can be tried.
   */
  RawResponse raw(InetAddress from, byte[] head) {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(20000);
      OutputStream out = s.getOutputStream();
      byte[] close = "Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] request = java.util.Arrays.copyOf(head, head.length + close.length);
      System.arraycopy(close, 0, request, head.length, close.length);
      try {
        // One write: two would wait on Nagle's algorithm and the server's delayed ACK.
        out.write(request);
        out.flush();
      } catch (java.net.SocketException e) {
        // Refused before it was all sent; the answer, if any, is read below.
      }
      InputStream in = s.getInputStream();
      java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          read.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // A server that refused an oversized head closes while it is still being sent (a reset);
        // what it answered before is kept.
      }
      String text = read.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String headPart = end < 0 ? text : text.substring(0, end);
      String[] lines = headPart.split("\r\n");
      int status = -1;
      if (lines.length > 0 && lines[0].startsWith("HTTP/")) {
        String[] parts = lines[0].split(" ");
        status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
      }
      List<String> headerLines = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        headerLines.add(lines[i]);
      }
      return new RawResponse(status, headerLines, end < 0 ? "" : text.substring(end + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawResponse raw(InetAddress from, String head) {
    return raw(from, head.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The {@code name=value} of the Set-Cookie {@code name}, or null. */
  static String cookiePair(HttpResponse<?> response, String name) {
    for (String c : response.headers().allValues("set-cookie")) {
      if (c.startsWith(name + "=")) {
        int semi = c.indexOf(';');
        return semi < 0 ? c : c.substring(0, semi);
      }
    }
    return null;
  }

  @Override
  public void close() {
    context.close();
  }
}
