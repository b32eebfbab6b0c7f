package dev.lbkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Availability;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: requests that are ordinary or merely malformed must never charge a healthy backend with
 * a failure (with max_fails=1 one such request took a backend out for 10 s), and what is the
 * client's fault is answered as the client's error, never as a 5xx of the gateway.
 */
class ClientCannotFailBackendTest {
  private Cafe cafe;

  @BeforeEach
  void open() throws Exception {
    cafe = Cafe.open();
  }

  @AfterEach
  void close() {
    cafe.close();
  }

  @Test
  void expect100ContinueWithoutABodyIsAnOrdinaryRequest() throws Exception {
    for (int i = 0; i < 6; i++) {
      String response = send("GET /latte HTTP/1.1\r\nHost: cafe\r\nExpect: 100-continue\r\n", null);
      assertThat(status(response)).as(response).isEqualTo(200);
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void expect100ContinueWithABodyReachesTheBackend() throws Exception {
    for (int i = 0; i < 6; i++) {
      String response =
          send(
              "POST /latte HTTP/1.1\r\nHost: cafe\r\nExpect: 100-continue\r\n"
                  + "Content-Length: 5\r\n",
              "hello");
      assertThat(status(response)).as(response).isEqualTo(200);
      assertThat(response).contains("Body: hello");
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void expect100ContinueWithABodySentAfterTheInterimResponse() throws Exception {
    for (int i = 0; i < 6; i++) {
      String response =
          sendAfterContinue(
              "POST /latte HTTP/1.1\r\nHost: cafe\r\nExpect: 100-continue\r\n"
                  + "Content-Length: 5\r\n",
              "hello");
      assertThat(status(response)).as(response).isEqualTo(200);
      assertThat(response).contains("Body: hello");
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void expect100ContinueToABackendThatAnswersWithoutReadingTheBody() throws Exception {
    for (int i = 0; i < 6; i++) {
      String response =
          sendAfterContinue(
              "POST /latte?ignoreBody HTTP/1.1\r\nHost: cafe\r\nExpect: 100-continue\r\n"
                  + "Content-Length: 5\r\n",
              "hello");
      assertThat(status(response)).as(response).isEqualTo(200);
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void aRequestTooLargeToForwardIsTheClientsError() throws Exception {
    // A gateway that accepts larger heads than its proxy's request buffer holds.
    cafe.close();
    cafe = Cafe.openWithRequestHeaderSize(64 * 1024);
    StringBuilder head = new StringBuilder("GET /latte HTTP/1.1\r\nHost: cafe\r\n");
    // 1,000 lines: within what the gateway accepts, more than the proxy's request buffer holds.
    for (int i = 0; i < 1000; i++) {
      head.append("X-Forwarded-For: 192.0.2.").append(i % 250).append("\r\n");
    }
    for (int i = 0; i < 4; i++) {
      String response = send(head.toString(), null);
      int status = status(response);
      assertThat(status).as(response).isBetween(400, 499);
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void aMalformedChunkedBodyIsAnswered400() throws Exception {
    for (int i = 0; i < 4; i++) {
      String response =
          send(
              "POST /latte HTTP/1.1\r\nHost: cafe\r\nTransfer-Encoding: chunked\r\n",
              "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
      assertThat(status(response)).as(response).isEqualTo(400);
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void aMalformedTrailerIsAnswered400() throws Exception {
    for (int i = 0; i < 4; i++) {
      String response =
          send(
              "POST /latte HTTP/1.1\r\nHost: cafe\r\nTransfer-Encoding: chunked\r\n",
              "5\r\nhello\r\n0\r\nBad Trailer\r\n\r\n");
      assertThat(status(response)).as(response).isEqualTo(400);
    }
    assertNoBackendFailed("latte");
  }

  @Test
  void aMalformedForwardedOrViaHeaderIsReplacedByTheGatewaysOwn() throws Exception {
    String response =
        send(
            "GET /latte HTTP/1.1\r\nHost: cafe\r\nForwarded: for=\\\"zq\\\"\r\n"
                + "Via: \"1.1 x\r\nX-Forwarded-For: 203.0.113.7\r\n",
            null);
    assertThat(status(response)).as(response).isEqualTo(200);
    // The client's X-Forwarded-For is kept and the gateway's peer appended, as nginx's
    // $proxy_add_x_forwarded_for.
    assertThat(response).contains("X-Forwarded-For: 203.0.113.7").contains("127.0.0.1");
    assertNoBackendFailed("latte");
  }

  private void assertNoBackendFailed(String route) throws InterruptedException {
    LoadBalancer lb = cafe.lb(route);
    ProxyAssertions.assertNothingInFlight(lb);
    PoolSnapshot pool = lb.upstream().snapshot();
    for (int i = 0; i < pool.size(); i++) {
      assertThat(pool.availability(i)).as(pool.backend(i).id()).isEqualTo(Availability.AVAILABLE);
    }
  }

  /** Sends a head (lines ending CRLF, no empty line) and an optional raw body; reads it all. */
  private String send(String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cafe.gateway.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (body != null) {
        out.write(body.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        Http.readAnswer(in, bytes);
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // What arrived before the reset or timeout is the answer.
      }
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * As a client honouring {@code Expect: 100-continue}: sends the head, waits for the interim
   * response (or one second, as curl), then sends the body.
   */
  private String sendAfterContinue(String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cafe.gateway.port())) {
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      socket.setSoTimeout(1_000);
      try {
        while (!bytes.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          bytes.write(b);
        }
      } catch (SocketTimeoutException e) {
        // No interim response within a second: send the body anyway.
      }
      if (!bytes.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 1")
          && bytes.size() > 0) {
        socket.setSoTimeout(10_000);
        Http.readAnswer(in, bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
      }
      out.write(body.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.setSoTimeout(10_000);
      try {
        Http.readAnswer(in, bytes);
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // What arrived before the reset or timeout is the answer.
      }
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The final status: a "100 Continue" interim response is skipped. */
  private static int status(String response) {
    String text = response;
    while (text.startsWith("HTTP/1.1 100")) {
      int end = text.indexOf("\r\n\r\n");
      text = text.substring(end + 4);
    }
    if (!text.startsWith("HTTP/")) {
      return -1;
    }
    return Integer.parseInt(text.split(" ", 3)[1]);
  }
}
