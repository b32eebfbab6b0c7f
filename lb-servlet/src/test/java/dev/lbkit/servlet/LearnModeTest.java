package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.LearnedSessions;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.core.Backend;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Upstream;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Learn mode (NGINX Plus {@code sticky learn create=$upstream_cookie_jsessionid
 * lookup=$cookie_jsessionid}) through both proxies over real HTTP: each backend issues its own
 * {@code JSESSIONID}; the proxy learns it from the backend's response, and every later request
 * carrying it reaches the backend that issued it, with no cookie of lbkit's.
 */
class LearnModeTest {
  private final List<Gateway> backends = new ArrayList<>();
  private Gateway gateway;

  /** A backend that starts a session of its own for a request without one, and says its name. */
  static final class SessionApp extends HttpServlet {
    private final String name;
    private final AtomicInteger sessions = new AtomicInteger();

    SessionApp(String name) {
      this.name = name;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String cookie = req.getHeader("Cookie");
      if (cookie == null || !cookie.contains("JSESSIONID=")) {
        resp.addHeader("Set-Cookie", "theme=dark; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/");
        resp.addHeader(
            "Set-Cookie", "JSESSIONID=" + name + "." + sessions.incrementAndGet() + "; Path=/");
      }
      resp.setContentType("text/plain");
      resp.getWriter().print(name);
    }
  }

  @BeforeEach
  void startBackends() throws Exception {
    for (int i = 1; i <= 3; i++) {
      String name = "shop-" + i;
      backends.add(Gateway.start(c -> c.addServlet(new ServletHolder(new SessionApp(name)), "/*")));
    }
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(Gateway::close);
  }

  private LoadBalancer loadBalancer() {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < backends.size(); i++) {
      list.add(Backend.of("shop-" + (i + 1), "127.0.0.1", backends.get(i).port()));
    }
    return LoadBalancer.builder(Upstream.of("shop", list))
        .affinity(
            LearnedSessions.createCookie("JSESSIONID")
                .table(SessionStore.inMemory(1000).table("shop"))
                .toAffinity())
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty-proxy", "http-client-proxy"})
  void eachSessionStaysWithTheBackendThatIssuedIt(String proxy) throws Exception {
    LoadBalancer lb = loadBalancer();
    Function<LoadBalancer, Servlet> servlet =
        proxy.equals("jetty-proxy")
            ? l -> new LoadBalancingProxyServlet()
            : l -> new HttpClientProxyServlet(l);
    gateway =
        Gateway.start(
            context -> {
              if (proxy.equals("jetty-proxy")) {
                FilterHolder filter = new FilterHolder(LoadBalancingFilter.builder(lb).build());
                filter.setAsyncSupported(true);
                context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
              }
              ServletHolder holder = new ServletHolder(servlet.apply(lb));
              holder.setAsyncSupported(true);
              context.addServlet(holder, "/*");
            });
    Map<String, String> sessions = new LinkedHashMap<>(); // JSESSIONID pair -> backend
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> r = Http.get(gateway.uri("/cart"));
      assertThat(r.statusCode()).isEqualTo(200);
      String pair = null;
      for (String c : r.headers().allValues("Set-Cookie")) {
        assertThat(c).doesNotStartWith("lbkit");
        if (c.startsWith("JSESSIONID=")) {
          pair = Http.cookiePair(c);
        }
      }
      assertThat(pair).as("the backend's own session cookie reaches the client").isNotNull();
      assertThat(pair).startsWith("JSESSIONID=" + r.body() + ".");
      sessions.put(pair, r.body());
    }
    assertThat(sessions.values()).as("new sessions are balanced").contains("shop-1", "shop-2");
    for (Map.Entry<String, String> s : sessions.entrySet()) {
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> r = Http.get(gateway.uri("/cart"), "Cookie", "a=1; " + s.getKey());
        assertThat(r.body()).isEqualTo(s.getValue());
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
      }
    }
  }
}
