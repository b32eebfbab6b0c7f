package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSecretsTest {
  private static final String NEW = "k7Hq2V9xR4mT8wZ1pL6nB3cF5yJ0sD2g";
  private static final String OLD = "Zr0Q8wLk3N5vB1xT7cJ4mH9pD2sF6gY0";

  @Test
  void commasAndLineBreaksSeparateSecrets() {
    assertThat(TokenSecrets.parse("secret", " " + NEW + " , " + OLD + ","))
        .containsExactly(NEW, OLD);
    assertThat(TokenSecrets.parse("secret", NEW + "\n" + OLD + "\r\n\n")).containsExactly(NEW, OLD);
    assertThatThrownBy(() -> TokenSecrets.parse("secret", " ,\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: empty (expected: one or more secrets)");
  }

  @Test
  void environmentVariables() {
    Map<String, String> env = Map.of("LBKIT_SESSION_SECRET", NEW + "," + OLD, "BLANK", " ");
    assertThat(TokenSecrets.fromEnvironment("secretEnv", "LBKIT_SESSION_SECRET", env))
        .containsExactly(NEW, OLD);
    assertThatThrownBy(() -> TokenSecrets.fromEnvironment("secretEnv", "UNSET", env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secretEnv: UNSET is unset (expected: the environment variable set")
        .hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(() -> TokenSecrets.fromEnvironment("secretEnv", "BLANK", env))
        .hasMessageStartingWith("secretEnv: BLANK is empty");
  }

  @Test
  void files(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, NEW + "\n" + OLD + "\n", StandardCharsets.UTF_8);
    assertThat(TokenSecrets.fromFile("secretFile", file)).containsExactly(NEW, OLD);
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> TokenSecrets.fromFile("secretFile", missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "secretFile: "
                + missing
                + " cannot be read (NoSuchFileException; expected: a readable"
                + " UTF-8 file holding one or more secrets)");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> TokenSecrets.fromFile("secretFile", empty))
        .hasMessage("secretFile (" + empty + "): empty (expected: one or more secrets)");
  }
}
