package dev.lbkit.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A servlet container on 127.0.0.1 and a free port, running one web application at {@link
 * #CONTEXT_PATH}: optionally a filter, declared as {@code web.xml} declares it (class name, filter
 * name, init-params, URL patterns, async supported) or given as an instance, in front of one
 * servlet at {@code /*}, given as a class with init-params or as an instance.
 */
interface FilterContainer extends AutoCloseable {
  /** Not the root: cookie paths must carry it, as the servlet docs promise. */
  String CONTEXT_PATH = "/cafe";

  /** What the application holds. */
  final class WebApp {
    @Nullable String filterName;
    @Nullable Filter filter;
    Map<String, String> filterParams = Map.of();
    List<String> filterPatterns = List.of();
    @Nullable HttpServlet servlet;
    Class<? extends HttpServlet> servletClass = DecisionServlet.class;
    Map<String, String> servletParams = Map.of();

    /** {@link LoadBalancingFilter} declared by class and init-params, then {@code servlet}. */
    static WebApp declared(
        String filterName, Map<String, String> params, List<String> patterns, HttpServlet servlet) {
      WebApp app = new WebApp();
      app.filterName = filterName;
      app.filterParams = params;
      app.filterPatterns = patterns;
      app.servlet = servlet;
      return app;
    }
  }

  /** Starts a container of one kind. */
  interface Starter {
    /**
     * Starts the application.
     *
     * @throws IllegalStateException when the application did not start (a filter's or servlet's
     *     {@code init} threw), with the message in its causes
     */
    FilterContainer start(WebApp app) throws Exception;

    /** The filter by its init-params in front of {@link DecisionServlet}. */
    default FilterContainer start(
        String filterName, Map<String, String> initParams, List<String> patterns) throws Exception {
      return start(WebApp.declared(filterName, initParams, patterns, new DecisionServlet()));
    }
  }

  /** The URI of {@code path} (after the context path) on this container. */
  URI uri(String path);

  /** The port the container listens on. */
  int port();

  @Override
  void close();
}
