package dev.lbkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The header rules both proxies follow, whatever the container or the Jetty version: which headers
 * are hop-by-hop (RFC 9110 section 7.6.1), and the forwarding headers a proxy adds ({@code
 * Forwarded}, RFC 7239; {@code X-Forwarded-*} as nginx setups and Jetty 12.0 send them).
 *
 * <p>Every value a client sent is checked before it is extended: a malformed one is replaced by the
 * gateway's own, never an exception.
 */
final class ProxyHeaders {
  /**
   * Hop-by-hop headers: meaningful for one connection only, never forwarded (RFC 9110 section
   * 7.6.1, with {@code Keep-Alive} and {@code Proxy-Connection} as nginx and Jetty drop them).
   * Lower case.
   */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private ProxyHeaders() {}

  /** Whether a header of this name is hop-by-hop on every connection. */
  static boolean isHopByHop(String name) {
    return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The header names, lower case, that {@code Connection} values name as hop-by-hop for this
   * connection (RFC 9110 section 7.6.1): {@code Connection: close, X-Foo} drops {@code X-Foo}.
   */
  static Set<String> connectionOptions(Iterable<String> connectionValues) {
    Set<String> names = new HashSet<>();
    for (String value : connectionValues) {
      for (String option : value.split(",")) {
        String trimmed = option.trim();
        if (!trimmed.isEmpty()) {
          names.add(trimmed.toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }

  /** As {@link #connectionOptions(Iterable)}, for a servlet request's {@code Connection} fields. */
  static Set<String> connectionOptions(HttpServletRequest request) {
    Enumeration<String> values = request.getHeaders("Connection");
    if (values == null || !values.hasMoreElements()) {
      return Set.of();
    }
    return connectionOptions(Collections.list(values));
  }

  /**
   * Copies one field of a backend's response to the client's: the first field of a name ({@code
   * copied} remembers the names, lower case) replaces what the response held, as Jetty 12.1's proxy
   * does, except a session header lbkit wrote (a {@code Set-Cookie}), which is kept beside the
   * backend's.
   */
  static void copyResponseField(
      HttpServletResponse response,
      @Nullable Exchange exchange,
      Set<String> copied,
      String name,
      String value) {
    if (copied.add(name.toLowerCase(Locale.ROOT)) && (exchange == null || !exchange.wrote(name))) {
      response.setHeader(name, value);
    } else {
      response.addHeader(name, value);
    }
  }

  /**
   * The {@code Forwarded} value to send: the client's, extended with this gateway's element, as
   * Jetty 12.1's proxy does; the gateway's element alone when the client sent none or a value that
   * breaks RFC 7239's grammar.
   *
   * @param client the client's {@code Forwarded} fields joined with {@code ", "}, or null
   */
  static String forwarded(@Nullable String client, HttpServletRequest request) {
    String element = forwardedElement(request);
    if (client == null || client.isBlank() || !isWellFormedForwarded(client)) {
      return element;
    }
    return client.trim() + ", " + element;
  }

  /**
   * This hop's RFC 7239 element, as Jetty 12.1 writes it: {@code by="127.0.0.1";for="127.0.0.1";
   * host="example.com:8080";proto=http}. Nodes are quoted (an IPv6 address in brackets, as section
   * 6 requires); {@code host} is left out when the client's {@code Host} cannot be quoted.
   */
  static String forwardedElement(HttpServletRequest request) {
    StringBuilder element = new StringBuilder(96);
    element.append("by=").append(quotedNode(request.getLocalAddr()));
    element.append(";for=").append(quotedNode(request.getRemoteAddr()));
    String host = request.getHeader("Host");
    if (host != null && isQuotable(host)) {
      element.append(";host=").append(quoted(host));
    }
    String scheme = request.getScheme();
    if (scheme != null && isToken(scheme, 0, scheme.length())) {
      element.append(";proto=").append(scheme);
    }
    return element.toString();
  }

  /** A node (an address) as a quoted string: {@code "192.0.2.1"}, {@code "[2001:db8::1]"}. */
  private static String quotedNode(@Nullable String address) {
    if (address == null || address.isEmpty() || !isQuotable(address)) {
      return "unknown";
    }
    boolean ipv6 = address.indexOf(':') >= 0 && !address.startsWith("[");
    return quoted(ipv6 ? "[" + address + "]" : address);
  }

  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }

  /** Whether every character may stand in a quoted-string (RFC 9110: no controls but tab). */
  private static boolean isQuotable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code value} is a list of RFC 7239 elements: {@code pair *( ";" pair )} separated by
   * commas with optional whitespace, each pair {@code token "=" ( token / quoted-string )}.
   * Stricter than the RFC in one way: an empty pair or element ({@code for=x;}, {@code a=1,,b=2})
   * counts as malformed, and the value is replaced rather than extended.
   */
  static boolean isWellFormedForwarded(String value) {
    int i = 0;
    int n = value.length();
    boolean expectPair = true;
    while (true) {
      i = skipWhitespace(value, i);
      if (i >= n) {
        return !expectPair;
      }
      int nameEnd = tokenEnd(value, i);
      if (nameEnd == i || nameEnd >= n || value.charAt(nameEnd) != '=') {
        return false;
      }
      i = nameEnd + 1;
      if (i < n && value.charAt(i) == '"') {
        i = quotedStringEnd(value, i);
        if (i < 0) {
          return false;
        }
      } else {
        int valueEnd = tokenEnd(value, i);
        if (valueEnd == i) {
          return false;
        }
        i = valueEnd;
      }
      expectPair = false;
      if (i >= n) {
        return true;
      }
      char separator = value.charAt(i);
      if (separator == ';') {
        i++;
        expectPair = true;
      } else {
        i = skipWhitespace(value, i);
        if (i >= n) {
          return true;
        }
        if (value.charAt(i) != ',') {
          return false;
        }
        i++;
        expectPair = true;
      }
    }
  }

  private static int skipWhitespace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int tokenEnd(String s, int i) {
    while (i < s.length() && isTokenChar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index after the closing quote of the quoted-string at {@code i}, or -1. */
  private static int quotedStringEnd(String s, int i) {
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '"') {
        return j + 1;
      }
      if (c == '\\') {
        j++;
        if (j >= s.length()) {
          return -1;
        }
        c = s.charAt(j);
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return -1;
      }
    }
    return -1;
  }

  private static boolean isToken(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
