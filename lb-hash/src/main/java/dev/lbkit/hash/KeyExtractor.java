package dev.lbkit.hash;

import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which part of a request is the hash key: nginx's {@code hash $key}, Envoy's {@code hashPolicy},
 * HAProxy's {@code balance hdr(...)}.
 *
 * <p>A key that is missing ({@code null}) is treated as nginx treats an empty key: the nginx
 * methods ({@link HashSelectors#hash}, {@link HashSelectors#hashConsistent}) fall back to round
 * robin, the other methods hash the empty string. Return {@code null} as well for a key that is
 * malformed: client input never fails a request. An extractor that throws is treated as one that
 * returned {@code null}, but as a bug: the first exception of each selector's extractor is logged
 * at WARN (logger {@code dev.lbkit.hash.HashSelectors}), later ones at DEBUG.
 *
 * <p>Implementations run on every request: they should read, not parse, and allocate little.
 */
@FunctionalInterface
public interface KeyExtractor {
  /** The key of {@code request}, or {@code null} when the request has none. */
  @Nullable CharSequence key(RequestContext request);

  /**
   * The client's address (after lb-core's trusted-proxy resolution) as text: a dotted quad, or IPv6
   * in its compressed form ({@link IpAddress#toString()}). nginx's {@code $remote_addr}.
   */
  static KeyExtractor clientAddress() {
    return KeyExtractors.CLIENT_ADDRESS;
  }

  /** The value of a request header (repeated headers joined), as nginx's {@code $http_name}. */
  static KeyExtractor header(String name) {
    Objects.requireNonNull(name, "name");
    return new KeyExtractors.Header(name);
  }

  /** The value of the first cookie with this exact name, as nginx's {@code $cookie_name}. */
  static KeyExtractor cookie(String name) {
    Objects.requireNonNull(name, "name");
    return new KeyExtractors.Cookie(name);
  }

  /**
   * The raw (not percent-decoded) value of the first query parameter with this name, as nginx's
   * {@code $arg_name}.
   */
  static KeyExtractor queryParameter(String name) {
    Objects.requireNonNull(name, "name");
    return new KeyExtractors.QueryParameter(name);
  }

  /** The request path without the query, not decoded: close to nginx's {@code $uri}. */
  static KeyExtractor path() {
    return KeyExtractors.PATH;
  }
}
