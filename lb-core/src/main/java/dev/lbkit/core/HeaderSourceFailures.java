package dev.lbkit.core;

import dev.lbkit.core.internal.FirstFailureWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a {@link HeaderSource} that threw: the first failure of each header source class at WARN,
 * later ones at DEBUG, under the logger {@code dev.lbkit.core.HeaderSource}.
 *
 * <p>Per class rather than per instance: an adapter usually creates a header source for every
 * request (a lambda or a small class over its request object), so an instance lives as long as one
 * request, while its class is the adapter's code, the thing that has the bug. Every lambda of one
 * call site shares one class, so the count of warnings stays bounded by the code, not the traffic.
 */
final class HeaderSourceFailures {
  private static final Logger logger = LoggerFactory.getLogger(HeaderSource.class);

  private static final ClassValue<FirstFailureWarning> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected FirstFailureWarning computeValue(Class<?> type) {
          return new FirstFailureWarning();
        }
      };

  private HeaderSourceFailures() {}

  /** Logs that {@code source} threw {@code failure} reading {@code header}. */
  static void report(HeaderSource source, String header, RuntimeException failure) {
    Class<?> type = source.getClass();
    BY_CLASS
        .get(type)
        .log(
            logger,
            "header source {} threw reading header {}; the header counts as absent, which turns"
                + " off whatever depends on it (sessions, hash keys, the client address)",
            type.getName(),
            header,
            failure);
  }
}
