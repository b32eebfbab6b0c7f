package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Ketama against a transcription of spymemcached's {@code KetamaNodeLocator}: a {@code TreeMap}
 * filled in list order (so a later node overwrites an equal point) and {@code ceilingEntry} with
 * wrap-around; and the key hash against the JDK's MD5.
 */
class KetamaReferenceProperties {
  static TreeMap<Long, Integer> spymemcachedContinuum(List<Backend> nodes, boolean weighted)
      throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    TreeMap<Long, Integer> map = new TreeMap<>();
    int totalWeight = 0;
    for (Backend b : nodes) {
      totalWeight += b.weight();
    }
    for (int n = 0; n < nodes.size(); n++) {
      Backend node = nodes.get(n);
      int reps = 160;
      if (weighted) {
        float percent = (float) node.weight() / (float) totalWeight;
        reps =
            (int)
                ((Math.floor(
                        (float) (percent * (float) 160 / 4 * (float) nodes.size() + 0.0000000001)))
                    * 4);
      }
      for (int i = 0; i < reps / 4; i++) {
        byte[] d = md5.digest((node.authority() + "-" + i).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          long k =
              ((long) (d[3 + h * 4] & 0xFF) << 24)
                  | ((long) (d[2 + h * 4] & 0xFF) << 16)
                  | ((long) (d[1 + h * 4] & 0xFF) << 8)
                  | (d[h * 4] & 0xFF);
          map.put(k, n);
        }
      }
    }
    return map;
  }

  static long keyHash(String key) throws Exception {
    byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
    return ((long) (d[3] & 0xFF) << 24)
        | ((long) (d[2] & 0xFF) << 16)
        | ((long) (d[1] & 0xFF) << 8)
        | (d[0] & 0xFF);
  }

  @Property(tries = 30)
  void ringAgreesWithSpymemcached(
      @ForAll @IntRange(min = 1, max = 30) int n, @ForAll boolean weighted, @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    List<Backend> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(
          Backend.of(
                  "n" + i, "10.0." + random.nextInt(4) + "." + (i + 1), 11211 + random.nextInt(3))
              .withWeight(weighted ? 1 + random.nextInt(5) : 1));
    }
    // A client built with a weights map is weighted even when the weights are equal.
    TreeMap<Long, Integer> reference = spymemcachedContinuum(nodes, weighted);
    ConsistentRing ring =
        Rings.ketama(
                160,
                BackendKey.authority(),
                weighted ? KetamaWeighting.ALWAYS : KetamaWeighting.NEVER)
            .compute(nodes);
    assertThat(((IntPointRing) ring).pointCount()).isEqualTo(reference.size());
    for (int k = 0; k < 500; k++) {
      String key = Long.toString(random.nextLong(), 36);
      long hash = keyHash(key);
      Map.Entry<Long, Integer> e = reference.ceilingEntry(hash);
      int expected = (e == null ? reference.firstEntry() : e).getValue();
      assertThat(ring.locate(Rings.ketamaHash(key), i -> true))
          .as("key %s", key)
          .isEqualTo(expected);
    }
  }

  @Property(tries = 200)
  void keyHashIsTheFirstFourMd5BytesLittleEndian(@ForAll @StringLength(max = 150) String key)
      throws Exception {
    assertThat(Rings.ketamaHash(key)).isEqualTo(keyHash(key));
  }

  @Property(tries = 100)
  void keyHashAcrossBlockBoundaries(
      @ForAll @IntRange(min = 0, max = 200) int length, @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(
          (char)
              (random.nextInt(10) == 0
                  ? 0x80 + random.nextInt(0x700)
                  : 0x20 + random.nextInt(0x5f)));
    }
    assertThat(Rings.ketamaHash(sb)).isEqualTo(keyHash(sb.toString()));
  }
}
