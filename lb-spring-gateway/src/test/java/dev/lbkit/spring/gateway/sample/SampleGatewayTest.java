package dev.lbkit.spring.gateway.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The documented sample starts and shows the cafe: tea sticks by its cookie, latte spreads. */
class SampleGatewayTest {
  @Test
  void theSampleGatewayServesTheCafe() throws Exception {
    SampleGateway.main(
        new String[] {"--server.port=0", "--spring.main.register-shutdown-hook=false"});
    int port = SampleGateway.lastPort;
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> first =
          client.send(get(port, "/tea/", null), HttpResponse.BodyHandlers.ofString());
      String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
      assertThat(setCookie).startsWith("cookie-tea=").contains("Max-Age=86400", "Path=/tea");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      for (int i = 0; i < 5; i++) {
        assertThat(
                client
                    .send(get(port, "/tea/", cookie), HttpResponse.BodyHandlers.ofString())
                    .body())
            .isEqualTo(first.body());
      }
      Set<String> latte = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        latte.add(
            client.send(get(port, "/latte/", null), HttpResponse.BodyHandlers.ofString()).body());
      }
      assertThat(latte)
          .containsExactlyInAnyOrder("Server name: latte-1\n", "Server name: latte-2\n");
    } finally {
      SampleGateway.stop();
    }
  }

  private static HttpRequest get(int port, String path, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return b.build();
  }
}
