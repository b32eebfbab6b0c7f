package dev.lbkit.core.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks whose messages name the field, the value and what is allowed, in the style {@code
 * "weight: 0 (expected: 1..10000)"}. Not part of the public API.
 */
public final class Checks {
  private Checks() {}

  /**
   * Throws an {@link IllegalArgumentException} with the formatted message if {@code condition} is
   * false. The message is only formatted on failure.
   */
  @Contract("false, _, _ -> fail")
  public static void checkArgument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }
}
