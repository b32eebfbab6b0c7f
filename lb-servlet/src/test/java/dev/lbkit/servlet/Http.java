package dev.lbkit.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Clients for the tests: the JDK's HttpClient, and raw bytes over a socket for malformed input. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  static HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(URI uri, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a Set-Cookie header's cookie (before the first ';'). */
  static String cookiePair(String setCookie) {
    int semicolon = setCookie.indexOf(';');
    return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
  }

  /**
   * Reads from {@code in} into {@code bytes} until the connection ends or a final (non-1xx)
   * response with a {@code Content-Length} is complete. A server need not close a {@code
   * Connection: close} connection at once: Jetty 12.0 keeps one open after a {@code 100 Continue}.
   */
  static void readAnswer(InputStream in, ByteArrayOutputStream bytes) throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      bytes.write(buffer, 0, n);
      if (finalResponseComplete(bytes.toString(StandardCharsets.ISO_8859_1))) {
        return;
      }
    }
  }

  private static boolean finalResponseComplete(String text) {
    int start = 0;
    while (true) {
      int end = text.indexOf("\r\n\r\n", start);
      if (end < 0) {
        return false;
      }
      String head = text.substring(start, end);
      if (head.startsWith("HTTP/1.1 1")) {
        start = end + 4; // an interim response: the final one follows
        continue;
      }
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          int length = Integer.parseInt(line.substring("content-length:".length()).trim());
          return text.length() - (end + 4) >= length;
        }
      }
      return false;
    }
  }

  /** A response read off a raw socket: status line, header lines, body. */
  static final class Raw {
    final int status;
    final List<String> headerLines;
    final String body;

    Raw(int status, List<String> headerLines, String body) {
      this.status = status;
      this.headerLines = headerLines;
      this.body = body;
    }

    List<String> headerNames() {
      List<String> names = new ArrayList<>();
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        names.add(line.substring(0, colon < 0 ? line.length() : colon).toLowerCase(Locale.ROOT));
      }
      return names;
    }
  }

  /**
   * Sends {@code head} (request line and headers, lines ending in CRLF, without the empty line) as
   * ISO-8859-1 bytes with {@code Connection: close}, and reads the whole response.
   */
  static Raw raw(int port, String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String headPart = end < 0 ? text : text.substring(0, end);
      String body = end < 0 ? "" : text.substring(end + 4);
      String[] lines = headPart.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      List<String> headerLines = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        headerLines.add(lines[i]);
      }
      return new Raw(status, headerLines, body);
    }
  }
}
