package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class HashFunctionsTest {
  @Test
  void defaultHashIsPinned() {
    // Rings are shared by gateway replicas and survive upgrades: these values must never change.
    assertThat(Rings.hashKey("")).isEqualTo(0xb9e477681d53861fL);
    assertThat(Rings.hashKey("a")).isEqualTo(0xc64615ca80166a66L);
    assertThat(Rings.hashKey("tea-1")).isEqualTo(0x86b62ea7d2581cf9L);
    assertThat(Rings.hashKey("user:123:v4")).isEqualTo(0xf95aef28fb29268bL);
  }

  @Test
  void defaultHashDependsOnTheCharactersNotTheType() {
    assertThat(Rings.hashKey(new StringBuilder("tea-1"))).isEqualTo(Rings.hashKey("tea-1"));
    assertThat(Rings.hashKey("ab")).isNotEqualTo(Rings.hashKey("ba"));
    assertThat(Rings.hashKey("a")).isNotEqualTo(Rings.hashKey("a\0"));
  }

  @Test
  void crc32MatchesTheJdkOnUtf8() {
    String[] samples = {
      "", "a", "127.0.0.1", "ключ", "\uD83D\uDE00 emoji", "lone \uD800 surrogate", "end \uDC00"
    };
    for (String s : samples) {
      CRC32 jdk = new CRC32();
      jdk.update(s.getBytes(StandardCharsets.UTF_8));
      assertThat(Crc32.ofUtf8(s) & 0xffffffffL).as(s).isEqualTo(jdk.getValue());
    }
  }

  @Test
  void crc32DecimalPrefixIsNginxsRehashCounter() {
    for (int rehash : new int[] {1, 9, 10, 20, 123}) {
      CRC32 jdk = new CRC32();
      jdk.update((rehash + "key").getBytes(StandardCharsets.US_ASCII));
      int state = Crc32.updateUtf8(Crc32.updateDecimal(Crc32.init(), rehash), "key");
      assertThat(Crc32.finish(state) & 0xffffffffL).isEqualTo(jdk.getValue());
    }
  }

  @Test
  void ketamaHashOfKnownKeys() {
    // From ketama-spymemcached.tsv (spymemcached 2.12.3).
    assertThat(Rings.ketamaHash("5176212678436240880")).isEqualTo(3103125543L);
    assertThat(Rings.ketamaHash("3acdb0d2-89b5-408f-bde7-ea286fc11ad1")).isEqualTo(4028716400L);
  }
}
