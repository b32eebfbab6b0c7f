package dev.lbkit.demo;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import org.jspecify.annotations.Nullable;

/** The session persistence of a route, built with lb-cookie from the file's plain maps. */
final class Sessions {
  private Sessions() {}

  /**
   * The route's session persistence, or {@code null} when it has none.
   *
   * @throws ConfigException naming the file, line and field when lb-cookie refuses a setting
   */
  static @Nullable SessionPersistence persistence(GatewayConfig config, RouteSpec route) {
    if (route.session() == null) {
      return null;
    }
    throw new ConfigException(
        config.source(), route.session().line(), route.session().field(), "not supported yet");
  }
}
