package dev.lbkit.servlet;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The processes of {@code perf/run-wrk.sh} (not a test):
 *
 * <pre>
 *   PerfGateway backends NAME...                  nginx-hello backends; prints "NAME PORT" lines
 *   PerfGateway gateway PORT MODE HOST:PORT...    a Jetty 12 proxy in front of them
 * </pre>
 *
 * MODE is {@code plain} (Jetty's ProxyServlet, round robin by a counter: the baseline), {@code
 * filter} (LoadBalancingFilter + LoadBalancingProxyServlet, round robin) or {@code cookie} (the
 * same with a cookie session, as the seed guide's tea).
 */
public final class PerfGateway {
  private PerfGateway() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("backends")) {
      List<HelloBackend> backends = new ArrayList<>();
      for (int i = 1; i < args.length; i++) {
        HelloBackend backend = HelloBackend.start(args[i]);
        backends.add(backend);
        System.out.println(args[i] + " " + backend.port());
      }
      System.out.flush();
      new CountDownLatch(1).await();
    } else if (args.length >= 4 && args[0].equals("gateway")) {
      gateway(Integer.parseInt(args[1]), args[2], List.of(args).subList(3, args.length));
    } else {
      System.err.println(
          "usage: PerfGateway backends NAME... | gateway PORT plain|filter|cookie HOST:PORT...");
      System.exit(2);
    }
  }

  private static void gateway(int port, String mode, List<String> targets) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("gateway");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    List<Backend> backends = new ArrayList<>();
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      backends.add(
          Backend.of(
              "b" + backends.size(),
              target.substring(0, colon),
              Integer.parseInt(target.substring(colon + 1))));
    }
    ServletHolder proxy;
    switch (mode) {
      case "plain":
        proxy = new ServletHolder(new RoundRobinProxy(targets));
        break;
      case "filter":
      case "cookie":
        LoadBalancer.Builder lb = LoadBalancer.builder(Upstream.of("perf", backends));
        if (mode.equals("cookie")) {
          lb.affinity(
              SessionPersistence.cookie("cookie-tea")
                  .secrets("perf-secret-0123456789abcdef0123")
                  .build()
                  .toAffinity());
        }
        FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb.build()).build());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        proxy = new ServletHolder(new LoadBalancingProxyServlet());
        break;
      default:
        throw new IllegalArgumentException(
            "mode: " + mode + " (expected: plain, filter or cookie)");
    }
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/*");
    server.setHandler(context);
    server.start();
    System.out.println("gateway " + mode + " on 127.0.0.1:" + connector.getLocalPort());
    System.out.flush();
    server.join();
  }

  /** The baseline: Jetty's own proxy, round robin over the same backends. */
  private static final class RoundRobinProxy extends ProxyServlet {
    private static final long serialVersionUID = 1L;
    private final String[] targets;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinProxy(List<String> targets) {
      this.targets = targets.toArray(new String[0]);
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
      String target = targets[Math.floorMod(next.getAndIncrement(), targets.length)];
      String query = request.getQueryString();
      return "http://" + target + request.getRequestURI() + (query == null ? "" : "?" + query);
    }
  }
}
