package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Main.Launch launch(String... args) {
    return Main.launch(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aBadFileNamesTheFileLineFieldAndWhatIsAllowedAndExitsWithTwo() throws IOException {
    Path bad = file("bad.yaml", Cafe.onFreePorts().replace("method: ip_hash", "method: iphash"));

    Main.Launch launch = launch(bad.toString());

    assertThat(launch.demo()).isNull();
    assertThat(launch.status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .isEqualTo(
            "lb-demo: "
                + bad
                + ":29: upstreams[0].method: \"iphash\" (expected: round_robin,"
                + " least_conn, random, random two least_conn, ip_hash, hash, hash consistent,"
                + " ketama, ring or maglev)\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void aMissingFileExitsWithTwo() {
    Main.Launch launch = launch(dir.resolve("nope.yaml").toString());
    assertThat(launch.status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err()).contains("nope.yaml: no such file (expected: a YAML gateway file)");
  }

  @Test
  void aRedisPasswordIsNeverPrinted() {
    assertThat(Main.withoutPassword("redis://:s3cret@10.0.0.7:6379/0"))
        .isEqualTo("redis://***@10.0.0.7:6379/0");
    assertThat(Main.withoutPassword("rediss://user:s3cret@cache:6380"))
        .isEqualTo("rediss://***@cache:6380");
    assertThat(Main.withoutPassword("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void checkReadsTheFileAndStartsNothing() throws IOException {
    assertThat(launch("--check").status()).isEqualTo(Main.OK);
    assertThat(out()).isEqualTo("classpath:cafe.yaml: OK, 9 routes, 10 upstreams\n");

    Path bad =
        file(
            "tea.yaml",
            Cafe.onFreePorts().replace("lifetimeType: Permanent", "lifetimeType: Forever"));
    assertThat(launch("--check", bad.toString()).status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .startsWith("lb-demo: " + bad + ":")
        .contains("routes[1].sessionPersistence.cookieConfig.lifetimeType: \"Forever\"")
        .contains("Permanent or Session");
  }

  @Test
  void helpPrintDefaultAndBadArguments() {
    assertThat(launch("--help").status()).isEqualTo(Main.OK);
    assertThat(out()).startsWith("usage: lb-demo [--check] [FILE]");

    out.reset();
    assertThat(launch("--print-default").status()).isEqualTo(Main.OK);
    assertThat(out()).isEqualTo(GatewayConfigReader.defaultText());

    assertThat(launch("--port", "9").status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err()).startsWith("lb-demo: unexpected argument \"--port\"\nusage:");
  }

  @Test
  void startsAndPrintsTheCurlLinesToTry() throws IOException {
    Path cafe = file("cafe.yaml", Cafe.onFreePorts());

    Main.Launch launch = launch(cafe.toString());

    try (Demo demo = launch.demo()) {
      assertThat(demo).isNotNull();
      String base = "http://127.0.0.1:" + demo.gateway().port();
      assertThat(out())
          .contains("lbkit demo gateway on " + base + " (" + cafe + ")")
          .contains("curl -s -H 'Host: cafe.example.com' " + base + "/coffee\n")
          .contains("curl -si -c /tmp/lbkit-tea.txt -H 'Host: cafe.example.com' " + base + "/tea")
          .contains("curl -s -b /tmp/lbkit-tea.txt -H 'Host: cafe.example.com' " + base + "/tea")
          .contains(
              "curl -s -H 'Host: cafe.example.com' -H 'Session-B: <value from above>' "
                  + base
                  + "/header")
          .contains(
              "# canary: PathPrefix /canary -> espresso-v1 (weight 90, round_robin), espresso-v2"
                  + " (weight 10, round_robin), cookie session cookie-espresso")
          .contains(
              "for i in $(seq 20); do curl -s -H 'Host: cafe.example.com' "
                  + base
                  + "/canary | grep '^Server name'; done | sort | uniq -c")
          .contains(
              "curl -s -b /tmp/lbkit-canary.txt -H 'Host: cafe.example.com' "
                  + base
                  + "/canary   # same upstream and backend every time")
          .contains("Ctrl-C stops the gateway and the demo backends.");
      assertThat(Http.get(demo.gateway().port(), Cafe.HOST, "/latte").serverName())
          .startsWith("latte-");
    }
  }

  @Test
  void aPortInUseExitsWithOneAndLeavesNoBackendRunning() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String yaml =
          Cafe.onFreePorts()
              .replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + taken.getLocalPort());
      Path cafe = file("cafe.yaml", yaml);
      int backendPort = GatewayConfigReader.read(cafe).upstreams().get(0).backends().get(0).port();

      Main.Launch launch = launch(cafe.toString());

      assertThat(launch.status()).isEqualTo(Main.CANNOT_START);
      assertThat(err()).startsWith("lb-demo: cannot start: a port is already in use");
      assertThatThrownBy(() -> Http.get(backendPort, "x", "/"))
          .isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void manifestsCheckReadsTheDirectoryAndStartsNothing() {
    Path guide = ManifestWalkthroughTest.guide("001-nginx-gateway-fabric");

    Main.Launch launch = launch("--check", "--manifests", guide.toString());

    assertThat(launch.status()).isEqualTo(Main.OK);
    assertThat(out())
        .isEqualTo(guide + " (endpoints: stand-in pods on 127.0.0.1): OK, 3 routes, 3 upstreams\n");
  }

  @Test
  void manifestsStartTheGatewayWithStandInPodsAndPrintTheCurlLines() {
    Path guide = ManifestWalkthroughTest.guide("000-nginx-ingress-virtualserver");

    Main.Launch launch = launch("--manifests", guide.toString(), "--listen", "127.0.0.1:0");

    try (Demo demo = launch.demo()) {
      assertThat(demo).isNotNull();
      String base = "http://127.0.0.1:" + demo.gateway().port();
      assertThat(out())
          .contains("lbkit demo gateway on " + base + " (" + guide)
          .contains("demo backends: tea-svc-")
          .contains(
              "curl -si -c /tmp/lbkit-cafe-tea.txt -H 'Host: cafe.example.com' " + base + "/tea");
      assertThat(Http.get(demo.gateway().port(), "cafe.example.com", "/coffee").serverName())
          .startsWith("coffee-svc-");
    }
  }

  @Test
  void manifestOptionsAreCheckedBeforeAnythingStarts() throws IOException {
    String guide = ManifestWalkthroughTest.guide("002-ingress-nginx").toString();

    assertThat(launch("--endpoints", "e.yaml").status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .startsWith(
            "lb-demo: --endpoints, --cluster, --demo-backends, --listen and --token-secret-env"
                + " need --manifests\nusage:");

    err.reset();
    assertThat(launch("--manifests").status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err()).startsWith("lb-demo: --manifests needs a value\n");

    err.reset();
    assertThat(launch("--manifests", guide, "--listen", "localhost").status())
        .isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .isEqualTo(
            "lb-demo: --listen: \"localhost\" (expected: host:port such as 127.0.0.1:8080,"
                + " [::1]:8080; port 0..65535)\n");

    err.reset();
    assertThat(launch("--manifests", guide, "--endpoints", "e.yaml", "--demo-backends").status())
        .isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .startsWith("lb-demo: --endpoints, --cluster and --demo-backends are exclusive; give one");

    err.reset();
    Path missing = dir.resolve("missing.yaml");
    assertThat(launch("--manifests", guide, "--endpoints", missing.toString()).status())
        .isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .isEqualTo("lb-demo: " + missing + ": no such file (expected: a YAML endpoints file)\n");

    err.reset();
    Path bad = file("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {}\n");
    assertThat(launch("--manifests", bad.toString()).status()).isEqualTo(Main.BAD_CONFIG);
    assertThat(err())
        .isEqualTo("lb-demo: " + bad + ":3: metadata.name: missing (expected: a value)\n");
  }

  // The real thing: a JVM of its own, its exit status, and Ctrl-C (SIGINT) running the hook.

  @Test
  void theProcessExitsWithTwoOnABadFile() throws Exception {
    Path bad = file("bad.yaml", "listen: 127.0.0.1:0\nupstreams: []\nroutes: []\n");
    Process p = java(bad.toString());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains(
            "lb-demo: " + bad + ":2: upstreams: an empty list (expected: at least one upstream)");
  }

  @Test
  void ctrlCStopsTheGatewayAndTheBackendsCleanly() throws Exception {
    String yaml = Cafe.onFreePorts();
    int gatewayPort = Http.freePorts(1)[0];
    Path cafe =
        file("cafe.yaml", yaml.replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + gatewayPort));
    int backendPort = GatewayConfigReader.read(cafe).upstreams().get(1).backends().get(0).port();
    Process p = java(cafe.toString());
    try {
      String banner = readUntil(p, "Ctrl-C stops");
      assertThat(banner).contains("lbkit demo gateway on http://127.0.0.1:" + gatewayPort);
      assertThat(Http.get(gatewayPort, Cafe.HOST, "/tea").serverName()).startsWith("tea-");

      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(130); // 128 + SIGINT, after the hooks ran
      assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("lbkit demo stopped.");
      assertThatThrownBy(() -> Http.get(gatewayPort, Cafe.HOST, "/tea"))
          .isInstanceOf(UncheckedIOException.class);
      assertThatThrownBy(() -> Http.get(backendPort, "x", "/"))
          .isInstanceOf(UncheckedIOException.class);
    } finally {
      p.destroyForcibly();
    }
  }

  private static Process java(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  /** Reads the process's output until {@code marker} (or the end), then returns what it read. */
  private static String readUntil(Process p, String marker) throws IOException {
    StringBuilder sb = new StringBuilder();
    var reader = p.inputReader(StandardCharsets.UTF_8);
    String line;
    while ((line = reader.readLine()) != null) {
      sb.append(line).append('\n');
      if (line.contains(marker)) {
        return sb.toString();
      }
    }
    throw new AssertionError(
        "the process ended before printing \""
            + marker
            + "\": "
            + sb
            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
