package dev.lbkit.spring.gateway;

import dev.lbkit.core.HeaderSource;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * The headers of a WebFlux request, as lbkit reads them. Reactor Netty keeps the {@code Cookie}
 * header among the headers (HTTP/2 may send several, joined here with {@code "; "}).
 */
final class ExchangeHeaders implements HeaderSource {
  private final HttpHeaders headers;

  ExchangeHeaders(HttpHeaders headers) {
    this.headers = headers;
  }

  @Override
  public @Nullable String get(String name) {
    List<String> values = headers.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() == 1) {
      return values.get(0);
    }
    return String.join("cookie".equalsIgnoreCase(name) ? "; " : ", ", values);
  }
}
