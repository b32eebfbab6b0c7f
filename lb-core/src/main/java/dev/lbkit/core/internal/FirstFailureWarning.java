package dev.lbkit.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs the failures of one piece of code that lbkit calls but does not own (an adapter's header
 * source, a session affinity, a key extractor): the first at WARN, every later one at DEBUG.
 *
 * <p>The request path treats such a failure as an absent value, so that the request is still
 * answered. But it is a bug, and a bug logged only at DEBUG turns stickiness off without anyone
 * noticing; logged at WARN on every request it would flood the log instead. Once per source is both
 * seen and bounded. Nothing is read or written until something fails, so the normal path pays
 * nothing. Not part of the public API.
 */
public final class FirstFailureWarning {
  private static final String LATER = " (later failures of the same code are logged at DEBUG)";

  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * Logs one failure: at WARN, followed by a note that later ones go to DEBUG, if it is the first
   * this instance sees (exactly one thread wins the first), else at DEBUG.
   *
   * @param message an SLF4J message naming the code that failed and what its failure counts as
   * @param arguments the message's arguments, the exception last (SLF4J logs its stack trace)
   */
  public void log(Logger logger, String message, Object... arguments) {
    if (!warned.get() && warned.compareAndSet(false, true)) {
      logger.warn(message + LATER, arguments);
    } else {
      logger.debug(message, arguments);
    }
  }
}
