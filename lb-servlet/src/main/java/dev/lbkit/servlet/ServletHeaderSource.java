package dev.lbkit.servlet;

import dev.lbkit.core.HeaderSource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/**
 * Reads a servlet request's headers for a {@link dev.lbkit.core.RequestContext}: a header sent once
 * is returned as is (no copy), a repeated one joined with {@code ", "}, or with {@code "; "} for
 * {@code Cookie} (RFC 6265 section 5.4: a user agent sends one {@code Cookie} line, but HTTP/2
 * clients may split it into several fields, which RFC 9113 section 8.2.3 says to join so).
 */
final class ServletHeaderSource implements HeaderSource {
  private final HttpServletRequest request;

  ServletHeaderSource(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public @Nullable String get(String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return first;
    }
    String separator = "Cookie".equalsIgnoreCase(name) ? "; " : ", ";
    StringBuilder joined = new StringBuilder(first);
    while (values.hasMoreElements()) {
      joined.append(separator).append(values.nextElement());
    }
    return joined.toString();
  }
}
