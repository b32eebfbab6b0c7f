package dev.lbkit.jpmstest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a modular application that used lb-servlet failed with {@code NoClassDefFoundError:
 * org/slf4j/LoggerFactory} unless started with {@code --add-modules}, as lbkit's jars had no module
 * descriptors. This launches {@link Main} in a JVM of its own with every runtime jar on the module
 * path and no other option; the test JVM itself runs on the class path, where descriptors do not
 * count.
 *
 * <p>{@code Main} fails if an lbkit jar is an automatic module (no descriptor), if an lbkit module
 * resolved alone does not read SLF4J (a missing or {@code static} {@code requires org.slf4j}; Jetty
 * requires SLF4J too, so the gateway itself would still run), if an internal package is exported
 * beyond lbkit, or if the requests through the filter and the proxy servlet fail: a class not
 * found, a package not exported to Jetty (which instantiates the filter and the servlet), a package
 * split across jars (refused at start).
 */
class Issue12ModulePathTest {
  @TempDir Path temp;

  @Test
  void aModularApplicationRunsLbServletFromTheModulePathAlone() throws Exception {
    String modulePath =
        System.getProperty("lbkit.jpms.classes")
            + File.pathSeparator
            + Files.readString(Path.of(System.getProperty("lbkit.jpms.dependencies"))).strip();
    Path output = temp.resolve("output.txt");
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // The parent POM's locale trick, for the forked JVM too.
                    "-Duser.language=hi",
                    "-Duser.country=IN",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "--module-path",
                    modulePath,
                    "--module",
                    "dev.lbkit.jpmstest/dev.lbkit.jpmstest.Main"))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean exited = process.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    String printed = Files.readString(output);

    assertThat(exited).as("exited within 30 s; printed:%n%s", printed).isTrue();
    assertThat(process.exitValue()).as("exit status; printed:%n%s", printed).isZero();
    assertThat(printed)
        .contains("OK modules: ")
        .containsPattern("OK proxied: (b[12]) /tea, again with its cookie: \\1 /tea")
        .doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "IllegalAccessError");
  }
}
