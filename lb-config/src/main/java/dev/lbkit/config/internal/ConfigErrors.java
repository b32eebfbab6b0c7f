package dev.lbkit.config.internal;

import dev.lbkit.config.Durations;
import java.time.Duration;
import java.util.function.Function;

/**
 * Re-labels errors of lbkit's own builders and parsers with the field of the source configuration.
 */
public final class ConfigErrors {
  private static final String DURATION_PREFIX = "duration: ";

  private ConfigErrors() {}

  /**
   * Parses a duration with one of {@link Durations}' parsers, naming {@code field} instead of
   * {@code duration} when it fails.
   */
  public static Duration duration(String field, String value, Function<String, Duration> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith(DURATION_PREFIX)
              ? field + ": " + message.substring(DURATION_PREFIX.length())
              : field + ": " + message,
          e);
    }
  }

  /**
   * Checks that a session timeout is whole seconds and at least one: lbkit's tokens count time in
   * seconds.
   */
  public static Duration wholeSeconds(String field, String shown, Duration duration) {
    if (duration.isZero() || duration.isNegative() || duration.getNano() != 0) {
      throw new IllegalArgumentException(
          field
              + ": "
              + shown
              + " (expected: whole seconds, at least 1s; lbkit's session tokens count seconds)");
    }
    return duration;
  }

  /** Runs a build step, prefixing any {@link IllegalArgumentException} with the source's name. */
  public static <T> T within(String source, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }
}
