package dev.lbkit.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, as the store's calls see it: one WARN when it stops answering, one INFO
 * when it answers again (with what was written back), nothing per failed call.
 */
final class RedisHealth {
  private static final Logger logger = LoggerFactory.getLogger(RedisSessionStore.class);

  private final String where;
  private final AtomicBoolean down = new AtomicBoolean();

  RedisHealth(String where) {
    this.where = where;
  }

  boolean isDown() {
    return down.get();
  }

  /** A call failed or timed out. */
  void failed(Throwable cause) {
    if (down.compareAndSet(false, true)) {
      logger.warn(
          "Redis at {} does not answer ({}); requests go on: near-cached sessions stick, others"
              + " are balanced, and sessions bound meanwhile are kept for write-back",
          where,
          cause.toString());
    } else {
      logger.debug("Redis at {} still does not answer: {}", where, cause.toString());
    }
  }

  /** A call succeeded. */
  void answered() {
    if (down.get() && down.compareAndSet(true, false)) {
      logger.info("Redis at {} answers again", where);
    }
  }

  /** Bindings written back after an outage. */
  void wroteBack(int count) {
    if (count > 0) {
      logger.info("wrote back {} session(s) bound while Redis at {} was away", count, where);
    }
  }
}
