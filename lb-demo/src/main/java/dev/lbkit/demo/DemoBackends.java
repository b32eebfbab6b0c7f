package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local stand-ins for the walkthroughs' pods: one small Jetty server with one connector per
 * backend, each answering every request in plain text as the {@code nginxdemos/nginx-hello:
 * plain-text} image does, so that a response shows which backend served it.
 *
 * <pre>
 * Server address: 127.0.0.1:9011
 * Server name: tea-1
 * Date: 12/Mar/2025:10:15:02 +0000
 * URI: /tea
 * Request ID: 0f5c2b9a6d3e41c7a8b9e0d1f2a3b4c5
 * </pre>
 *
 * <p>Under {@code /shop} a backend also plays an application with its own sessions, as a servlet
 * container does: a request without a {@code JSESSIONID} cookie gets {@code Set-Cookie:
 * JSESSIONID=<backend>.<16 hex digits>; Path=/; HttpOnly}. The gateway's {@code stickyLearn} route
 * learns those ids and keeps each on the backend that issued it.
 *
 * <p>A backend can be stopped and started again on its port, as a pod that goes away and comes
 * back, which is how the failure tests take one out.
 */
final class DemoBackends implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DemoBackends.class);

  // nginx's $time_local.
  private static final DateTimeFormatter TIME_LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private final Server server;
  private final Map<String, ServerConnector> connectors;

  private DemoBackends(Server server, Map<String, ServerConnector> connectors) {
    this.server = server;
    this.connectors = connectors;
  }

  /**
   * Starts a server for each backend, on its address, named by its id. Backends that share an
   * address (listed in two upstreams) are started once.
   */
  static DemoBackends start(Collection<Backend> backends) throws Exception {
    Server server = Servers.create("demo-backend", 64, 4, 1_000);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    Map<String, ServerConnector> connectors = new LinkedHashMap<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (Backend b : backends) {
      if (seen.putIfAbsent(b.authority(), b.id()) != null) {
        continue;
      }
      // No acceptor thread: the selector accepts, so a dozen backends stay cheap in threads.
      ServerConnector connector =
          new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
      connector.setName(b.id());
      connector.setHost(b.host());
      connector.setPort(b.port());
      connector.setReuseAddress(true);
      server.addConnector(connector);
      connectors.put(b.id(), connector);
    }
    server.setHandler(new Hello());
    Servers.start(server);
    logger.info("demo backends listening: {}", describe(connectors));
    return new DemoBackends(server, connectors);
  }

  /** The names of the running demo backends, in file order. */
  Collection<String> names() {
    return connectors.keySet();
  }

  /** The port a backend listens on. */
  int port(String name) {
    return connector(name).getLocalPort();
  }

  /** Stops one backend: its port refuses connections until {@link #restart}. */
  void stop(String name) throws Exception {
    connector(name).stop();
  }

  /** Starts a stopped backend again on the same port. */
  void restart(String name) throws Exception {
    connector(name).start();
  }

  @Override
  public void close() {
    Servers.stop(server, "the demo backends");
  }

  private ServerConnector connector(String name) {
    ServerConnector c = connectors.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "no demo backend " + name + " (expected: " + names() + ")");
    }
    return c;
  }

  private static String describe(Map<String, ServerConnector> connectors) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, ServerConnector> e : connectors.entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.getKey())
          .append('=')
          .append(e.getValue().getHost())
          .append(':')
          .append(e.getValue().getLocalPort());
    }
    return sb.toString();
  }

  /** The nginx-hello plain-text page. */
  static final class Hello extends Handler.Abstract.NonBlocking {
    private static final String SHOP = "/shop";

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String name = request.getConnectionMetaData().getConnector().getName();
      String body =
          "Server address: "
              + Request.getLocalAddr(request)
              + ':'
              + Request.getLocalPort(request)
              + "\nServer name: "
              + name
              + "\nDate: "
              + TIME_LOCAL.format(ZonedDateTime.now())
              + "\nURI: "
              + request.getHttpURI().getPathQuery()
              + "\nRequest ID: "
              + requestId()
              + '\n';
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      // nginx-hello's "expires -1".
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      if (request.getHttpURI().getPath().startsWith(SHOP) && !hasSessionCookie(request)) {
        response
            .getHeaders()
            .add(
                HttpHeader.SET_COOKIE, "JSESSIONID=" + name + '.' + hex16() + "; Path=/; HttpOnly");
      }
      response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }

    private static boolean hasSessionCookie(Request request) {
      for (String cookie : request.getHeaders().getValuesList(HttpHeader.COOKIE)) {
        for (String pair : cookie.split(";", -1)) {
          if (pair.strip().startsWith("JSESSIONID=")) {
            return true;
          }
        }
      }
      return false;
    }

    private static String hex16() {
      return String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong());
    }

    // nginx's $request_id: 16 random bytes in hex.
    private static String requestId() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      return String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
    }
  }
}
