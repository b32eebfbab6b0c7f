package dev.lbkit.spring;

import dev.lbkit.core.HeaderSource;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Spring's {@link HttpHeaders} as lbkit reads headers: a header sent several times is its values
 * joined with {@code ", "}, or {@code "; "} for {@code Cookie} (HTTP/2 may send one per cookie).
 * The adapter every Spring integration of lbkit hands to {@link dev.lbkit.core.RequestContext}.
 */
public final class HttpHeadersSource implements HeaderSource {
  private final HttpHeaders headers;

  private HttpHeadersSource(HttpHeaders headers) {
    this.headers = headers;
  }

  /** A view of {@code headers}; it reads them as they are when asked. */
  public static HttpHeadersSource of(HttpHeaders headers) {
    return new HttpHeadersSource(Objects.requireNonNull(headers, "headers"));
  }

  @Override
  public @Nullable String get(String name) {
    return read(headers, name);
  }

  /** A header of {@code headers} as {@link #get} reads it. */
  static @Nullable String read(HttpHeaders headers, String name) {
    return read(headers, name, isCookie(name));
  }

  /**
   * Whether {@code name} is {@code Cookie}, in any case. lbkit's own lookups spell it {@code
   * Cookie}, which a plain {@code equals} (an intrinsic) answers before the case-blind compare.
   */
  static boolean isCookie(String name) {
    return name.length() == 6
        && (name.equals("Cookie") || name.equals("cookie") || name.equalsIgnoreCase("cookie"));
  }

  /** {@link #read(HttpHeaders, String)} when the caller knows whether {@code name} is Cookie. */
  static @Nullable String read(HttpHeaders headers, String name, boolean cookie) {
    // Spring's HttpHeaders lowercases every name it is asked for (a new String per lookup unless
    // it is lowercase already); lbkit asks for "Cookie" on every session request.
    List<String> values = headers.get(cookie ? "cookie" : name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() == 1) {
      return values.get(0);
    }
    return String.join(cookie ? "; " : ", ", values);
  }
}
