package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /lbkit/status} in a real browser: headless Chromium (Debian's {@code chromium} package)
 * loads the page from the running gateway, and the DOM it rendered, and a screenshot, are checked.
 * Skipped, saying so, where Chromium is not installed; {@code .ci/run} installs it.
 */
class StatusPageBrowserTest {
  private static final long BROWSER_TIMEOUT_SECONDS = 90;

  private Demo demo;

  @TempDir Path profile;

  @AfterEach
  void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void chromiumRendersTheBackendsAndTheirCounts() throws Exception {
    Path chromium = chromium();
    assumeTrue(
        chromium != null,
        "chromium is not on the PATH: install Debian's chromium package (.ci/run does) to load"
            + " /lbkit/status in a real browser");
    demo = Demo.start(Cafe.config());
    int port = demo.gateway().port();
    Http.Response first = Http.get(port, Cafe.HOST, "/tea");
    String cookie = first.cookiePair("cookie-tea");
    String backend = first.serverName();
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(port, Cafe.HOST, "/tea", "Cookie: " + cookie).serverName())
          .isEqualTo(backend);
    }
    demo.gateway().upstream("latte").setState("latte-2", dev.lbkit.core.BackendState.DOWN);
    String url = "http://127.0.0.1:" + port + "/lbkit/status";

    String dom = run(chromium, "--dump-dom", url);
    assertThat(dom)
        .contains("<title>lbkit status</title>")
        .contains("<h2 id=\"upstream-tea\">Upstream tea</h2>")
        .contains("<td class=\"l down\">down</td>")
        .containsPattern(
            "<td class=\"l\">"
                + backend
                + "</td><td class=\"l\">127\\.0\\.0\\.1:\\d+</td>"
                + "<td class=\"l available\">available</td><td>1</td><td>0</td><td>0</td>"
                + "<td></td><td>3</td><td>1</td>");

    Path png = Paths.get("target", "status-page.png").toAbsolutePath();
    Files.deleteIfExists(png);
    run(chromium, "--screenshot=" + png, "--window-size=1280,1100", "--hide-scrollbars", url);
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(10_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  /** Runs headless Chromium on {@code arguments} and returns what it printed on stdout. */
  private String run(Path chromium, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(chromium.toString());
    command.add("--headless");
    // Root in a container has no user namespace for the sandbox; the page is our own.
    command.add("--no-sandbox");
    command.add("--disable-gpu");
    command.add("--disable-dev-shm-usage");
    command.add("--no-first-run");
    command.add("--user-data-dir=" + profile);
    command.addAll(List.of(arguments));
    Path out = profile.resolve("stdout.txt");
    Path err = profile.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish in " + BROWSER_TIMEOUT_SECONDS + " s: " + Files.readString(err));
    }
    assertThat(process.exitValue())
        .as("chromium's exit status; stderr: %s", Files.readString(err))
        .isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static Path chromium() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Paths.get(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
