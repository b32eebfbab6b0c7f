package dev.lbkit.cookie.internal;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether a token secret looks chosen by a person rather than drawn at random. Length alone is
 * checked when the configuration is built; this catches the long but guessable ones ({@code
 * aaaaaaaaaaaaaaaa}, {@code changeme-changeme}, a passphrase) so that the operator hears of it
 * once, at WARN. A heuristic: it never refuses, and 32 random bytes in base64 or hex always pass.
 */
public final class SecretStrength {
  /** Fewer distinct characters than this is not random: 16 random hex digits have about 10. */
  private static final int MIN_DISTINCT = 8;

  private static final List<String> COMMON =
      List.of(
          "password",
          "passwd",
          "secret",
          "changeme",
          "change-me",
          "example",
          "default",
          "letmein",
          "qwerty",
          "admin",
          "lbkit",
          "123456",
          "abcdef",
          "test");

  private SecretStrength() {}

  /** Why {@code secret} looks guessable, or {@code null} when it looks random. */
  public static @Nullable String weakness(String secret) {
    long distinct = secret.chars().distinct().count();
    if (distinct < MIN_DISTINCT) {
      return "only " + distinct + " distinct characters";
    }
    String lower = secret.toLowerCase(Locale.ROOT);
    for (String word : COMMON) {
      if (lower.contains(word)) {
        return "it contains the common word \"" + word + "\"";
      }
    }
    if (secret.chars().allMatch(c -> (c >= 'a' && c <= 'z') || c == ' ' || c == '-')) {
      return "only lower-case letters, like a word or a passphrase";
    }
    return null;
  }
}
