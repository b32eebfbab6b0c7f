package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The test backend dies as a killed pod does: a request caught half-read when it stops gets no
 * answer at all, the connection just ends. Jetty 12.0's own {@code Server.stop()} answers such a
 * connection "500 Server Error" ({@code /badRequest}, EofException): through the proxy that was a
 * backend's answer, relayed as it should be, and {@link InFlightStressTest} saw a 500 about one run
 * in six.
 */
class BackendStopTest {
  @Test
  void aRequestHalfReadWhenTheBackendStopsIsNotAnswered() throws Exception {
    HelloBackend backend = HelloBackend.start("s-1");
    try (Socket headersOnly = new Socket("127.0.0.1", backend.port());
        Socket bodyPending = new Socket("127.0.0.1", backend.port())) {
      send(headersOnly, "POST /stress HTTP/1.1\r\nHost: s-1\r\n");
      send(bodyPending, "POST /stress HTTP/1.1\r\nHost: s-1\r\nContent-Length: 7\r\n\r\npay");
      // Both requests are in the backend (the second one in the servlet, reading its body).
      waitUntil(() -> backend.requests() == 1);

      backend.stop();

      assertThat(readAll(headersOnly)).isEmpty();
      assertThat(readAll(bodyPending)).isEmpty();
      assertThat(refusesConnections(backend.port())).isTrue();
    } finally {
      backend.close();
    }
  }

  @Test
  void aStoppedBackendStartsAgainOnItsPort() throws Exception {
    HelloBackend backend = HelloBackend.start("s-1");
    try {
      int port = backend.port();
      backend.stop();
      backend.restart();
      assertThat(backend.port()).isEqualTo(port);
      assertThat(Http.get(URI.create("http://127.0.0.1:" + port + "/")).statusCode())
          .isEqualTo(200);
    } finally {
      backend.close();
    }
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Everything the backend sends before the connection ends (reset counts as the end). */
  private static String readAll(Socket socket) throws IOException {
    socket.setSoTimeout(5_000);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        bytes.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // Connection reset: ended, as for a killed process with unread input.
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static boolean refusesConnections(int port) throws IOException {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    }
  }

  private interface Condition {
    boolean holds();
  }

  private static void waitUntil(Condition condition) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("condition not met in 5 s").isLessThan(end);
      Thread.sleep(10);
    }
  }
}
