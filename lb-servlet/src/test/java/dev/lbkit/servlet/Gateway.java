package dev.lbkit.servlet;

import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A Jetty 12 ee10 server on 127.0.0.1 and an ephemeral port, set up by each test. */
final class Gateway implements AutoCloseable {
  private final Server server;
  private final int port;

  private Gateway(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  static Gateway start(Consumer<ServletContextHandler> setup) throws Exception {
    return start(setup, new HttpConfiguration().getRequestHeaderSize());
  }

  /** As {@link #start(Consumer)}, accepting request heads of up to {@code requestHeaderSize}. */
  static Gateway start(Consumer<ServletContextHandler> setup, int requestHeaderSize)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("gateway");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(requestHeaderSize);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    setup.accept(context);
    server.setHandler(context);
    server.start();
    return new Gateway(server, connector.getLocalPort());
  }

  int port() {
    return port;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
