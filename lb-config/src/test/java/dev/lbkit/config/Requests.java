package dev.lbkit.config;

import dev.lbkit.core.RequestContext;
import org.jspecify.annotations.Nullable;

/** Requests as the readers' sessions see them: a {@code Cookie} header and a path. */
final class Requests {
  private Requests() {}

  static RequestContext request(@Nullable String cookie, String path) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase("Cookie") ? cookie : null)
        .path(path)
        .build();
  }

  static RequestContext cookie(@Nullable String cookie) {
    return request(cookie, "/");
  }
}
