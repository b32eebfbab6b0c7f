package dev.lbkit.discovery;

import dev.lbkit.core.IpAddress;

/** One address a lookup produced: where to connect and the weight the records gave it. */
record ResolvedEndpoint(IpAddress address, int port, int weight) {
  /** {@code host:port}, with an IPv6 address in brackets. */
  String authority() {
    String host = address.toString();
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
