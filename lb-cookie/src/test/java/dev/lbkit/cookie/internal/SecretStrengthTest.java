package dev.lbkit.cookie.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretStrengthTest {
  @Test
  void guessableSecretsAreNamed() {
    assertThat(SecretStrength.weakness("aaaaaaaaaaaaaaaaaaaaaaaa"))
        .isEqualTo("only 1 distinct characters");
    assertThat(SecretStrength.weakness("abababab12121212")).isEqualTo("only 4 distinct characters");
    assertThat(SecretStrength.weakness("MyCompanyPassword2024!"))
        .isEqualTo("it contains the common word \"password\"");
    assertThat(SecretStrength.weakness("please-CHANGEME-before-prod"))
        .isEqualTo("it contains the common word \"changeme\"");
    assertThat(SecretStrength.weakness("correct horse battery staple"))
        .isEqualTo("only lower-case letters, like a word or a passphrase");
  }

  @Test
  void randomSecretsPass() {
    Random random = new Random(42); // seeded: the same 2,000 secrets on every run
    for (int i = 0; i < 1000; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      String base64 = Base64.getEncoder().encodeToString(key);
      String hex = HexFormat.of().formatHex(key, 0, 16);
      assertThat(SecretStrength.weakness(base64)).as(base64).isNull();
      assertThat(SecretStrength.weakness(hex)).as(hex).isNull();
    }
  }
}
