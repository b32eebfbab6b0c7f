package dev.lbkit.kubernetes;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks in lbkit's message style ({@code "field: value (expected: ...)"}). A copy of
 * lb-core's internal helper: this module is an automatic module, to which lb-core does not export
 * its internal package.
 */
final class Arguments {
  private Arguments() {}

  static void checkArgument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }

  /** A DNS-1123 label, what Kubernetes accepts as a namespace or Service name. */
  static boolean isDnsLabel(String name) {
    if (name.isEmpty() || name.length() > 63) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      boolean inner = c == '-' && i > 0 && i < name.length() - 1;
      if (!alnum && !inner) {
        return false;
      }
    }
    return true;
  }
}
