package dev.lbkit.redis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What slf4j-simple, the tests' SLF4J binding, writes while this is open. slf4j-simple looks up
 * {@code System.err} for every record (its default output, not cached), so replacing the stream
 * captures everything logged in between; closing puts the old stream back. A copy of lb-core's, so
 * that each module's tests stand alone.
 *
 * <pre>{@code
 * try (CapturedLog log = CapturedLog.start()) {
 *   ... code that logs ...
 *   assertThat(log.records("WARN", "dev.lbkit.hash.HashSelectors")).hasSize(1);
 * }
 * }</pre>
 */
final class CapturedLog implements AutoCloseable {
  /** {@code [thread] LEVEL logger - message}, slf4j-simple's default layout. */
  private static final Pattern RECORD =
      Pattern.compile("^(?:\\[[^\\]]*\\] )?(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

  /** One record: its level, logger name, message, and the stack trace printed after it. */
  record Entry(String level, String logger, String message, String stackTrace) {}

  private final PrintStream original;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private CapturedLog() {
    original = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  static CapturedLog start() {
    return new CapturedLog();
  }

  /** Every record written so far, in order. */
  List<Entry> records() {
    System.err.flush();
    List<Entry> entries = new ArrayList<>();
    String level = null;
    String logger = null;
    String message = null;
    StringBuilder trace = new StringBuilder();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      Matcher m = RECORD.matcher(line);
      if (m.matches()) {
        if (level != null) {
          entries.add(new Entry(level, logger, message, trace.toString()));
        }
        level = m.group(1);
        logger = m.group(2);
        message = m.group(3);
        trace.setLength(0);
      } else if (level != null && !line.isEmpty()) {
        trace.append(line).append('\n');
      }
    }
    if (level != null) {
      entries.add(new Entry(level, logger, message, trace.toString()));
    }
    return entries;
  }

  /** The records of {@code logger} at {@code level}. */
  List<Entry> records(String level, String logger) {
    List<Entry> matching = new ArrayList<>();
    for (Entry e : records()) {
      if (e.level().equals(level) && e.logger().equals(logger)) {
        matching.add(e);
      }
    }
    return matching;
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
