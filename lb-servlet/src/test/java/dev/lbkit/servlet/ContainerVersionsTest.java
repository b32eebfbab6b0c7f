package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;

/**
 * The suite runs on the container versions the build names (Jetty 12.1 by default, 12.0 with {@code
 * -Pjetty-12.0}): a profile that silently kept the default would test one version twice.
 */
class ContainerVersionsTest {
  @Test
  void jettyIsTheVersionTheBuildAskedFor() throws Exception {
    String expected = System.getProperty("lbkit.test.jetty.version");
    assertThat(expected).as("lbkit.test.jetty.version, set by lb-servlet's pom").isNotBlank();
    assertThat(Jetty.VERSION).isEqualTo(expected);
    try (Gateway gateway = Gateway.start(context -> {})) {
      HttpResponse<String> response = Http.get(gateway.uri("/"));
      assertThat(response.headers().firstValue("Server")).hasValue("Jetty(" + expected + ")");
    }
  }
}
