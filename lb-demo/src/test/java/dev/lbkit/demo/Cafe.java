package dev.lbkit.demo;

import java.util.LinkedHashMap;
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

  static GatewayConfig config() {
    return GatewayConfigReader.read("cafe-test.yaml", onFreePorts());
  }
}
