package dev.lbkit.servlet;

import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** The filter's container tests in Jetty 12 ee10 (12.1 by default, 12.0 with -Pjetty-12.0). */
class JettyFilterContainerTest extends FilterContainerContract {
  @Override
  FilterContainer.Starter starter() {
    return JettyFilterContainerTest::start;
  }

  /** The application as Jetty's web.xml reader declares it: holders of classes, init-params. */
  static FilterContainer start(FilterContainer.WebApp app) throws Exception {
    Gateway gateway;
    try {
      gateway =
          Gateway.start(
              context -> {
                context.setContextPath(FilterContainer.CONTEXT_PATH);
                if (app.filterName != null) {
                  FilterHolder filter =
                      app.filter != null
                          ? new FilterHolder(app.filter)
                          : new FilterHolder(LoadBalancingFilter.class);
                  filter.setName(app.filterName);
                  filter.setAsyncSupported(true);
                  filter.setInitParameters(app.filterParams);
                  for (String pattern : app.filterPatterns) {
                    context.addFilter(filter, pattern, EnumSet.of(DispatcherType.REQUEST));
                  }
                }
                ServletHolder servlet =
                    app.servlet != null
                        ? new ServletHolder(app.servlet)
                        : new ServletHolder(app.servletClass);
                servlet.setName("app");
                servlet.setAsyncSupported(true);
                servlet.setInitParameters(app.servletParams);
                context.addServlet(servlet, "/*");
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
      public int port() {
        return gateway.port();
      }

      @Override
      public void close() {
        gateway.close();
      }
    };
  }
}
