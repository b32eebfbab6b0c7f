package dev.lbkit.cookie;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where token secrets come from outside the code: an environment variable or a file (a mounted
 * Kubernetes Secret, say), so that no container has to substitute a placeholder into its
 * configuration. The servlet's {@code secretEnv} and {@code secretFile} init-params and the demo's
 * {@code tokenSecretEnv} and {@code tokenSecretFile} read through here.
 *
 * <p>A value holds one or more secrets separated by commas or line breaks, the first signing
 * (rotation lists the new one first); blank entries are ignored. Every failure is an {@link
 * IllegalArgumentException} that names the option and never prints a secret.
 */
public final class TokenSecrets {
  private TokenSecrets() {}

  /**
   * The secrets in {@code value}, separated by commas or line breaks.
   *
   * @param option the option the value was given as, for the error message
   * @throws IllegalArgumentException if the value holds no secret
   */
  public static List<String> parse(String option, String value) {
    Objects.requireNonNull(option, "option");
    Objects.requireNonNull(value, "value");
    List<String> secrets = new ArrayList<>();
    for (String s : value.split("[,\r\n]")) {
      String trimmed = s.strip();
      if (!trimmed.isEmpty()) {
        secrets.add(trimmed);
      }
    }
    checkArgument(!secrets.isEmpty(), "%s: empty (expected: one or more secrets)", option);
    return List.copyOf(secrets);
  }

  /**
   * The secrets in the environment variable {@code variable}.
   *
   * @throws IllegalArgumentException naming {@code option} and the variable if it is unset or empty
   */
  public static List<String> fromEnvironment(String option, String variable) {
    return fromEnvironment(option, variable, System.getenv());
  }

  static List<String> fromEnvironment(String option, String variable, Map<String, String> env) {
    Objects.requireNonNull(variable, "variable");
    String value = env.get(variable);
    checkArgument(
        value != null && !value.isBlank(),
        "%s: %s is %s (expected: the environment variable set to one or more secrets, e.g."
            + " `export %s=$(openssl rand -base64 32)`)",
        option,
        variable,
        value == null ? "unset" : "empty",
        variable);
    return parse(option + " (" + variable + ")", value);
  }

  /**
   * The secrets in {@code file} (UTF-8), one per line or separated by commas.
   *
   * @throws IllegalArgumentException naming {@code option} and the file if it cannot be read or is
   *     empty
   */
  public static List<String> fromFile(String option, Path file) {
    Objects.requireNonNull(file, "file");
    String value;
    try {
      value = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          option
              + ": "
              + file
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "; expected: a readable UTF-8 file holding one or more secrets)",
          e);
    }
    return parse(option + " (" + file + ")", value);
  }
}
