package dev.lbkit.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny HTTP/1.1 client over a plain socket, so that tests send exactly the bytes they mean (a
 * {@code Host} of their choosing, malformed headers) and see every response header as sent.
 */
final class Http {
  private Http() {}

  /** A response: status, headers in order (names lower-cased), body. */
  record Response(int status, List<Map.Entry<String, String>> headers, String body) {
    List<String> headers(String name) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equals(name.toLowerCase(Locale.ROOT))) {
          out.add(h.getValue());
        }
      }
      return out;
    }

    String header(String name) {
      List<String> values = headers(name);
      return values.isEmpty() ? null : values.get(0);
    }

    /** The {@code Set-Cookie} header that sets {@code name}, or null. */
    String setCookie(String name) {
      for (String value : headers("Set-Cookie")) {
        if (value.startsWith(name + "=")) {
          return value;
        }
      }
      return null;
    }

    /** The {@code name=value} pair of the {@code Set-Cookie} for {@code name}, to send back. */
    String cookiePair(String name) {
      String setCookie = setCookie(name);
      if (setCookie == null) {
        throw new AssertionError("no Set-Cookie for " + name + " in " + headers);
      }
      int semicolon = setCookie.indexOf(';');
      return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
    }

    /** The {@code Server name:} line of an nginx-hello page. */
    String serverName() {
      return line("Server name: ");
    }

    String serverAddress() {
      return line("Server address: ");
    }

    private String line(String prefix) {
      for (String line : body.split("\n")) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length());
        }
      }
      return null;
    }
  }

  /**
   * GET {@code path} from 127.0.0.1:{@code port} with {@code Host: host} and extra header lines.
   */
  static Response get(int port, String host, String path, String... headerLines) {
    StringBuilder request = new StringBuilder();
    request.append("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append("\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return exchange(port, request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static Response exchange(int port, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("no complete response head: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(
          Map.entry(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim()));
    }
    String body = text.substring(end + 4);
    Map<String, String> first = new LinkedHashMap<>();
    headers.forEach(h -> first.putIfAbsent(h.getKey(), h.getValue()));
    if ("chunked".equalsIgnoreCase(first.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(
        status,
        headers,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", pos);
      String sizeText = body.substring(pos, lineEnd).split(";")[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      pos = lineEnd + 2 + size + 2;
    }
  }

  /** Ports that were free a moment ago, distinct, on 127.0.0.1. */
  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a probe socket.
        }
      }
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
