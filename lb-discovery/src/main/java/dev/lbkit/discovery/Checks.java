package dev.lbkit.discovery;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks in lbkit's message style, {@code "ttlFloor: PT0S (expected: > 0)"}. lb-core's
 * internal package is exported only to the modules on its main line, so this module keeps its own.
 */
final class Checks {
  private Checks() {}

  static void checkArgument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }
}
