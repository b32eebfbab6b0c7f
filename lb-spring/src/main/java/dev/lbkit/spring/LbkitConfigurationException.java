package dev.lbkit.spring;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@code lbkit.*} property that cannot be used, found when the application starts. Its message
 * is the property's full name, the value and what is allowed ({@code lbkit.upstreams.tea.method:
 * "fastest" (expected: one of round_robin, ...)}); Spring Boot's failure analysis prints it in
 * those parts.
 */
public final class LbkitConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String problem;

  /**
   * A bad property.
   *
   * @param property the property's full name, such as {@code lbkit.upstreams.tea.method}
   * @param problem the value and what is allowed, such as {@code "fastest" (expected: ...)}
   * @param cause the exception lbkit's builders threw, or {@code null}
   */
  public LbkitConfigurationException(String property, String problem, @Nullable Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = Objects.requireNonNull(property, "property");
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** The property's full name. */
  public String property() {
    return property;
  }

  /** The value and what is allowed. */
  public String problem() {
    return problem;
  }
}
