package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoBackendsTest {
  @Test
  void answersLikeNginxHelloPlainText() throws Exception {
    int[] ports = Http.freePorts(2);
    try (DemoBackends backends =
        DemoBackends.start(
            List.of(
                Backend.of("tea-1", "127.0.0.1", ports[0]),
                Backend.of("tea-2", "127.0.0.1", ports[1]),
                Backend.of("tea-1", "127.0.0.1", ports[0])))) {
      assertThat(backends.names()).containsExactly("tea-1", "tea-2");

      Http.Response r = Http.get(ports[1], "cafe.example.com", "/tea?x=1");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      assertThat(r.body())
          .matches(
              "Server address: 127\\.0\\.0\\.1:"
                  + ports[1]
                  + "\n"
                  + "Server name: tea-2\n"
                  + "Date: \\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\n"
                  + "URI: /tea\\?x=1\n"
                  + "Request ID: [0-9a-f]{32}\n");
      assertThat(Http.get(ports[0], "x", "/").serverName()).isEqualTo("tea-1");
    }
  }

  @Test
  void aStoppedBackendRefusesConnectionsUntilRestarted() throws Exception {
    int[] ports = Http.freePorts(1);
    try (DemoBackends backends =
        DemoBackends.start(List.of(Backend.of("latte-1", "127.0.0.1", ports[0])))) {
      backends.stop("latte-1");
      assertThatThrownBy(() -> Http.get(ports[0], "x", "/"))
          .isInstanceOf(UncheckedIOException.class);

      backends.restart("latte-1");
      assertThat(Http.get(ports[0], "x", "/").serverName()).isEqualTo("latte-1");
      assertThat(backends.port("latte-1")).isEqualTo(ports[0]);
    }
  }
}
