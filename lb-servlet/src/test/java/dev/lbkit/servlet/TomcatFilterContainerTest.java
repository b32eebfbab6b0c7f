package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;

/**
 * The filter's container tests in embedded Tomcat (11 by default, 10.1 with -Ptomcat-10.1). Run by
 * lb-servlet's surefire execution "tomcat", on a class path whose only Servlet API is Tomcat's.
 */
class TomcatFilterContainerTest extends FilterContainerContract {
  @Override
  FilterContainer.Starter starter() {
    return TomcatFilterContainerTest::start;
  }

  @Test
  void tomcatIsTheVersionTheBuildAskedFor() throws Exception {
    String expected = System.getProperty("lbkit.test.tomcat.version");
    assertThat(expected).as("lbkit.test.tomcat.version, set by lb-servlet's pom").isNotBlank();
    assertThat(ServerInfo.getServerNumber()).startsWith(expected);
    try (FilterContainer c = starter().start("tea", Map.of("backends", BACKENDS), List.of("/*"))) {
      HttpResponse<String> response = Http.get(c.uri("/"));
      assertThat(response.body()).startsWith("backend=tea-");
    }
  }

  /**
   * The application as Tomcat's web.xml parser declares it: a {@link FilterDef} (class name, init
   * params, async supported) and a {@link FilterMap}, then the servlet at {@code /*}.
   */
  static FilterContainer start(FilterContainer.WebApp app) throws Exception {
    Path base = Files.createTempDirectory("lbkit-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context context = tomcat.addContext(FilterContainer.CONTEXT_PATH, base.toString());
    // As a servlet's init failure fails the application in Jetty (Tomcat only logs it otherwise).
    ((StandardContext) context).setFailCtxIfServletStartFails(true);
    if (app.filterName != null) {
      FilterDef filter = new FilterDef();
      filter.setFilterName(app.filterName);
      if (app.filter != null) {
        filter.setFilter(app.filter);
        filter.setFilterClass(app.filter.getClass().getName());
      } else {
        filter.setFilterClass(LoadBalancingFilter.class.getName());
      }
      filter.setAsyncSupported("true");
      app.filterParams.forEach(filter::addInitParameter);
      context.addFilterDef(filter);
      FilterMap mapping = new FilterMap();
      mapping.setFilterName(app.filterName);
      for (String pattern : app.filterPatterns) {
        mapping.addURLPattern(pattern);
      }
      context.addFilterMap(mapping);
    }
    Wrapper servlet;
    if (app.servlet != null) {
      servlet = Tomcat.addServlet(context, "app", app.servlet);
    } else {
      servlet = Tomcat.addServlet(context, "app", app.servletClass.getName());
    }
    servlet.setAsyncSupported(true);
    // As <load-on-startup>: a servlet whose init fails stops the application at start.
    servlet.setLoadOnStartup(1);
    app.servletParams.forEach(servlet::addInitParameter);
    context.addServletMappingDecoded("/*", "app");

    // Tomcat logs a filter's failed init and marks the context FAILED, it does not throw.
    List<Throwable> failures = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getThrown() != null) {
              synchronized (failures) {
                failures.add(record.getThrown());
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger catalina = Logger.getLogger("org.apache.catalina");
    catalina.addHandler(capture);
    try {
      tomcat.start();
    } finally {
      catalina.removeHandler(capture);
    }
    if (context.getState() != LifecycleState.STARTED) {
      IllegalStateException failed =
          new IllegalStateException("the application did not start: " + context.getState());
      synchronized (failures) {
        failures.forEach(failed::addSuppressed);
      }
      stop(tomcat, base);
      throw failed;
    }
    int port = tomcat.getConnector().getLocalPort();
    return new FilterContainer() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + FilterContainer.CONTEXT_PATH + path);
      }

      @Override
      public void close() {
        stop(tomcat, base);
      }
    };
  }

  private static void stop(Tomcat tomcat, Path base) {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.sorted(Comparator.reverseOrder()).forEach(TomcatFilterContainerTest::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
