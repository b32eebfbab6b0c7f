package dev.lbkit.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default file as shipped, moved to free ports so that tests never need 8080 or the fixed
 * backend ports: the gateway listens on an ephemeral port, and each backend port of the file is
 * replaced by a port that was free a moment ago (consistently, so every mention agrees).
 */
final class Cafe {
  static final String HOST = "cafe.example.com";
  private static final Pattern ADDRESS = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

  private Cafe() {}

  /** The default file's text on free ports; the same call gives new ports. */
  static String onFreePorts() {
    String text = GatewayConfigReader.defaultText();
    Matcher m = ADDRESS.matcher(text);
    Map<String, Integer> ports = new LinkedHashMap<>();
    while (m.find()) {
      ports.putIfAbsent(m.group(1), 0);
    }
    int[] free = Http.freePorts(ports.size());
    int i = 0;
    for (Map.Entry<String, Integer> e : ports.entrySet()) {
      e.setValue(free[i++]);
    }
    StringBuilder out = new StringBuilder();
    m = ADDRESS.matcher(text);
    while (m.find()) {
      m.appendReplacement(out, "127.0.0.1:" + ports.get(m.group(1)));
    }
    m.appendTail(out);
    return out.toString()
        .replace("listen: 127.0.0.1:" + ports.get("8080") + "\n", "listen: 127.0.0.1:0\n");
  }

  /**
   * The default file on free ports, with tea and latte balanced by round robin instead of the
   * file's {@code random two least_conn}. Under round robin two fresh picks in a row go to
   * different backends, so a tea cookie that does not stick sends the next request elsewhere, and
   * latte reaches both backends within two requests: every run, not most. (The file's own methods
   * are checked as read, in {@code GatewayConfigReaderTest}.)
   */
  static GatewayConfig config() {
    String text =
        onFreePorts().replace("    method: random two least_conn\n", "    method: round_robin\n");
    GatewayConfig config = GatewayConfigReader.read("cafe-test.yaml", text);
    for (String upstream : List.of("tea", "latte")) {
      String method = config.upstream(upstream).method().directive();
      if (!method.equals("round_robin")) {
        // The default file changed: the tests would be back to passing by chance.
        throw new IllegalStateException(
            upstream + " is balanced by " + method + " in cafe-test.yaml");
      }
    }
    return config;
  }
}
