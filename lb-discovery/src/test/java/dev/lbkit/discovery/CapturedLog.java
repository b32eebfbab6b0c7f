package dev.lbkit.discovery;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What slf4j-simple, the tests' binding, writes to {@code System.err} while this is open (it looks
 * the stream up for every record), as lb-core's tests capture it. Closing puts the stream back.
 */
final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  CapturedLog() {
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  /** The lines of {@code level} from {@code logger}: {@code "[thread] LEVEL logger - message"}. */
  List<String> lines(String level, Class<?> logger) {
    System.err.flush();
    String marker = level + " " + logger.getName() + " - ";
    List<String> lines = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        lines.add(line.substring(at + marker.length()));
      }
    }
    return lines;
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
