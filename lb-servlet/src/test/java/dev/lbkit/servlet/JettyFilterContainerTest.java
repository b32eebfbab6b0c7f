package dev.lbkit.servlet;

import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** The filter's container tests in Jetty 12 ee10 (12.1 by default, 12.0 with -Pjetty-12.0). */
class JettyFilterContainerTest extends FilterContainerContract {
  @Override
  FilterContainer.Starter starter() {
    return JettyFilterContainerTest::start;
  }

  /** The filter as Jetty's web.xml reader declares it: a holder of the class, with init-params. */
  static FilterContainer start(String name, Map<String, String> params, List<String> patterns)
      throws Exception {
    Gateway gateway;
    try {
      gateway =
          Gateway.start(
              context -> {
                context.setContextPath(FilterContainer.CONTEXT_PATH);
                FilterHolder filter = new FilterHolder(LoadBalancingFilter.class);
                filter.setName(name);
                filter.setAsyncSupported(true);
                filter.setInitParameters(params);
                for (String pattern : patterns) {
                  context.addFilter(filter, pattern, EnumSet.of(DispatcherType.REQUEST));
                }
                ServletHolder app = new ServletHolder(new DecisionServlet());
                app.setAsyncSupported(true);
                context.addServlet(app, "/*");
              });
    } catch (Exception e) {
      throw new IllegalStateException("the application did not start", e);
    }
    return new FilterContainer() {
      @Override
      public URI uri(String path) {
        return gateway.uri(FilterContainer.CONTEXT_PATH + path);
      }

      @Override
      public void close() {
        gateway.close();
      }
    };
  }
}
