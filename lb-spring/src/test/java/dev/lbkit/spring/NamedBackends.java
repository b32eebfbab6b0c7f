package dev.lbkit.spring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP backends on 127.0.0.1, each answering with its own name. */
final class NamedBackends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  static NamedBackends start(String... names) throws IOException {
    NamedBackends b = new NamedBackends();
    for (String name : names) {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/",
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      b.servers.add(server);
      b.names.add(name);
    }
    return b;
  }

  int port(int i) {
    return servers.get(i).getAddress().getPort();
  }

  String address(int i) {
    return "127.0.0.1:" + port(i);
  }

  String name(int i) {
    return names.get(i);
  }

  int size() {
    return servers.size();
  }

  @Override
  public void close() {
    for (HttpServer s : servers) {
      s.stop(0);
    }
  }
}
