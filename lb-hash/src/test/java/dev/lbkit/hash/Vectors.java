package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a compatibility vector file from the test resources: the upstream (or node list) of each
 * case from the header, and the rows.
 */
final class Vectors {
  private static final Pattern CASE = Pattern.compile("^#\\s*case (\\S+):.*");
  private static final Pattern NGINX_SERVER =
      Pattern.compile(
          "^#\\s+server (\\S+?):(\\d+)((?: \\w+(?:=\\d+)?)*);\\s+# peer index (\\d+) -> (\\S+?);?(?:\\s.*)?$");
  private static final Pattern KETAMA_NODE =
      Pattern.compile(
          "^#\\s+node (\\d+): /(\\S+):(\\d+) -> node string \"([^\"]+)\"(?: weight=(\\d+))?, points=(\\d+).*");

  /** One backend of a case, in the order of the header. */
  record Server(String name, String host, int port, int weight, boolean down, int points) {
    Backend toBackend() {
      Backend b = Backend.of(name, host, port).withWeight(weight);
      return down ? b.withState(BackendState.DOWN) : b;
    }
  }

  /** One data row: the case, its input columns and the expected answer (the last column). */
  record Row(String caseName, String[] columns) {
    String input() {
      return columns[1];
    }

    String expected() {
      return columns[columns.length - 1];
    }
  }

  final Map<String, List<Server>> cases = new LinkedHashMap<>();
  final List<Row> rows = new ArrayList<>();

  static Vectors read(String resource) {
    Vectors v = new Vectors();
    try (InputStream in = Vectors.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String current = null;
      boolean headerSeen = false;
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("#")) {
          Matcher c = CASE.matcher(line);
          if (c.matches()) {
            current = c.group(1);
            v.cases.put(current, new ArrayList<>());
            continue;
          }
          Matcher s = NGINX_SERVER.matcher(line);
          if (s.matches() && current != null) {
            String options = s.group(3);
            int weight = 1;
            Matcher w = Pattern.compile("weight=(\\d+)").matcher(options);
            if (w.find()) {
              weight = Integer.parseInt(w.group(1));
            }
            v.cases
                .get(current)
                .add(
                    new Server(
                        s.group(5),
                        s.group(1),
                        Integer.parseInt(s.group(2)),
                        weight,
                        options.contains("down"),
                        0));
            continue;
          }
          Matcher k = KETAMA_NODE.matcher(line);
          if (k.matches() && current != null) {
            int weight = k.group(5) == null ? 1 : Integer.parseInt(k.group(5));
            v.cases
                .get(current)
                .add(
                    new Server(
                        k.group(4),
                        k.group(2),
                        Integer.parseInt(k.group(3)),
                        weight,
                        false,
                        Integer.parseInt(k.group(6))));
          }
          continue;
        }
        if (line.isEmpty()) {
          continue;
        }
        if (!headerSeen) {
          headerSeen = true; // the column names
          continue;
        }
        String[] columns = line.split("\t", -1);
        v.rows.add(new Row(columns[0], columns));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return v;
  }

  List<Backend> backends(String caseName) {
    List<Backend> list = new ArrayList<>();
    for (Server s : cases.get(caseName)) {
      list.add(s.toBackend());
    }
    return list;
  }
}
