package dev.lbkit.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells why the application did not start when an {@code lbkit.*} property is bad: the property's
 * full name, the value and what is allowed, instead of a stack trace through bean creation.
 */
public final class LbkitFailureAnalyzer
    extends AbstractFailureAnalyzer<LbkitConfigurationException> {
  /** Created by Spring Boot from {@code META-INF/spring.factories}. */
  public LbkitFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LbkitConfigurationException cause) {
    return new FailureAnalysis(
        "The lbkit property '" + cause.property() + "' cannot be used: " + cause.problem(),
        "Change '"
            + cause.property()
            + "' in your application properties or YAML; docs/spring.md lists every lbkit"
            + " property and its values.",
        cause);
  }
}
