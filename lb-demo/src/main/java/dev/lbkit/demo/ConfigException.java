package dev.lbkit.demo;

import org.jspecify.annotations.Nullable;

/**
 * A gateway file that cannot be used: says which file, which line, which field, the value and what
 * is allowed, in the form {@code cafe.yaml:14: routes[1].path.type: "Prefix" (expected: Exact or
 * PathPrefix)}.
 */
final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String field;
  private final String problem;

  ConfigException(String file, int line, String field, String problem) {
    this(file, line, field, problem, null);
  }

  ConfigException(String file, int line, String field, String problem, @Nullable Throwable cause) {
    super(format(file, line, field, problem), cause);
    this.file = file;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  /** The file as the user named it. */
  String file() {
    return file;
  }

  /** The 1-based line the problem is on, or 0 when it is about the file as a whole. */
  int line() {
    return line;
  }

  /** The field's path in the file ({@code routes[1].path.type}), empty for the whole file. */
  String field() {
    return field;
  }

  /** What is wrong with the value and what is allowed. */
  String problem() {
    return problem;
  }

  private static String format(String file, int line, String field, String problem) {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (!field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(problem).toString();
  }
}
