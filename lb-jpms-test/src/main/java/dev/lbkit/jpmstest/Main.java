package dev.lbkit.jpmstest;

import static dev.lbkit.jpmstest.ModuleChecks.expect;

import dev.lbkit.servlet.LoadBalancingFilter;
import dev.lbkit.servlet.LoadBalancingProxyServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A gateway on 127.0.0.1: {@link LoadBalancingFilter} with a sticky cookie in front of {@link
 * LoadBalancingProxyServlet}, and two backends that name themselves. It sends a request through the
 * gateway, then another with the cookie it got, and exits normally only if both were proxied to the
 * same backend; any failure (a class not found included) ends it with an exception.
 */
public final class Main {
  /** The parent POM's test secret: random-looking, so that lb-cookie does not warn about it. */
  private static final String SECRET = "Tq3vX8kR1mZ6wB0nL5cH9yF2pD7sJ4gA";

  private Main() {}

  public static void main(String[] args) {
    try {
      run();
    } catch (Throwable e) {
      // Not left to the default handler: Jetty's threads would keep a failed run alive.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run() throws Exception {
    ModuleChecks.check();
    System.out.println("OK modules: " + ModuleChecks.LBKIT + " resolved as named modules");

    List<Server> servers = new ArrayList<>();
    try {
      Server one = start(backend("b1"), servers);
      Server two = start(backend("b2"), servers);
      Server gateway =
          start(gateway("b1 127.0.0.1:" + port(one) + ", b2 127.0.0.1:" + port(two)), servers);

      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + port(gateway) + "/tea");
      HttpResponse<String> first =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      expect(
          first.statusCode() == 200 && first.body().matches("b[12] /tea"),
          "first answer: " + first.statusCode() + " " + first.body());
      String setCookie =
          first
              .headers()
              .firstValue("Set-Cookie")
              .orElseThrow(() -> new AssertionError("no Set-Cookie: " + first.headers().map()));
      String cookie = setCookie.split(";", 2)[0];
      expect(cookie.startsWith("srv_id="), "cookie: " + setCookie);

      HttpResponse<String> second =
          client.send(
              HttpRequest.newBuilder(uri).header("Cookie", cookie).build(),
              HttpResponse.BodyHandlers.ofString());
      expect(
          second.statusCode() == 200 && second.body().equals(first.body()),
          "answer with " + cookie + ": " + second.statusCode() + " " + second.body());
      System.out.println(
          "OK proxied: " + first.body() + ", again with its cookie: " + second.body());
    } finally {
      for (Server server : servers) {
        server.stop();
      }
    }
  }

  /**
   * The filter and the proxy servlet registered by class name and init-params, as {@code web.xml}
   * registers them: Jetty's module instantiates lbkit's classes reflectively, and the init-params
   * go through lb-config's and lb-cookie's readers.
   */
  private static ServletContextHandler gateway(String backends) {
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder filter =
        context.addFilter(LoadBalancingFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
    filter.setAsyncSupported(true);
    filter.setInitParameter("backends", backends);
    filter.setInitParameter("method", "least_conn");
    filter.setInitParameter("sticky", "sticky cookie srv_id");
    filter.setInitParameter("secret", SECRET);
    ServletHolder proxy = context.addServlet(LoadBalancingProxyServlet.class, "/*");
    proxy.setAsyncSupported(true);
    return context;
  }

  private static ServletContextHandler backend(String name) {
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void service(HttpServletRequest request, HttpServletResponse response)
                  throws IOException {
                response.setContentType("text/plain");
                response.getWriter().print(name + " " + request.getRequestURI());
              }
            }),
        "/*");
    return context;
  }

  private static Server start(ServletContextHandler context, List<Server> started)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
    started.add(server);
    server.start();
    return server;
  }

  private static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
