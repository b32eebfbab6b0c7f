package dev.lbkit.hash;

import dev.lbkit.core.Backend;

/**
 * The string that places a backend on a ring or in a Maglev table. It is always explicit, never
 * {@link Object#toString()}: two gateways agree on where a backend sits only if they derive the
 * same string from it, and a peer (nginx, a memcached client) places its servers by a particular
 * string that must be reproduced exactly.
 *
 * <p>Must be a pure function of the backend's stable fields, and must not return {@code null}.
 */
@FunctionalInterface
public interface BackendKey {
  /** The placement string of {@code backend}. */
  String of(Backend backend);

  /** The backend's {@linkplain Backend#id() id}: the default everywhere. */
  static BackendKey id() {
    return BackendKeys.ID;
  }

  /**
   * The backend's {@linkplain Backend#authority() authority}, {@code host:port} ({@code [v6]:port}
   * for IPv6 literals): memcached clients' {@code "127.0.0.1:11211"} and nginx's {@code server
   * 127.0.0.1:9001;} when the config names servers by address and port.
   */
  static BackendKey authority() {
    return BackendKeys.AUTHORITY;
  }
}
