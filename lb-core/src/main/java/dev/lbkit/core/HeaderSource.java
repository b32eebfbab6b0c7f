package dev.lbkit.core;

import org.jspecify.annotations.Nullable;

/**
 * Reads request headers for a {@link RequestContext}. An adapter implements it over its own request
 * type (a servlet request, a Netty request, a map in a test).
 *
 * <p>It should not throw. One that does reads as absent, so that the request is still answered, and
 * the first failure of each implementing class is logged at WARN under this interface's name.
 */
@FunctionalInterface
public interface HeaderSource {
  /** A source with no headers. */
  HeaderSource EMPTY = name -> null;

  /**
   * The value of the header, matching the name case-insensitively, or {@code null} if absent. A
   * header sent several times is returned as its values joined with {@code ", "} ({@code "; "} for
   * {@code Cookie}), as RFC 9110 and RFC 6265 allow.
   */
  @Nullable String get(String name);
}
