package dev.lbkit.servlet;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A servlet container on 127.0.0.1 and a free port, running one web application at {@link
 * #CONTEXT_PATH}: a {@link LoadBalancingFilter} declared as {@code web.xml} declares it (class
 * name, filter name, init-params, URL patterns, async supported) in front of {@link
 * DecisionServlet} at {@code /*}.
 */
interface FilterContainer extends AutoCloseable {
  /** Not the root: cookie paths must carry it, as the servlet docs promise. */
  String CONTEXT_PATH = "/cafe";

  /** Starts a container of one kind. */
  interface Starter {
    /**
     * Starts the application.
     *
     * @throws IllegalStateException when the application did not start (a filter's {@code init}
     *     threw), with the filter's message in it
     */
    FilterContainer start(String filterName, Map<String, String> initParams, List<String> patterns)
        throws Exception;
  }

  /** The URI of {@code path} (after the context path) on this container. */
  URI uri(String path);

  @Override
  void close();
}
