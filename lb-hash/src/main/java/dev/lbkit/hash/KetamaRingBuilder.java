package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a Ketama continuum exactly as spymemcached's {@code KetamaNodeLocator} (2.12.3) with
 * {@code KETAMA_HASH}, which is libketama's for unweighted servers.
 *
 * <ul>
 *   <li>For server string {@code S} and {@code i = 0 .. points/4 - 1}, {@code md5(S + "-" + i)}
 *       gives four points: the digest's bytes {@code 4h..4h+3} read little-endian, {@code h =
 *       0..3}.
 *   <li>Points per server: 160 ({@code pointsPerWeight}) unweighted; weighted (see {@link
 *       KetamaWeighting}), spymemcached's formula in its float arithmetic, {@code floor(weight /
 *       totalWeight x 160 / 4 x servers) x 4} (weights 1, 2, 3, 5 give 56, 116, 172 and 288).
 *   <li>Equal points: the server later in the list wins, as with spymemcached's {@code
 *       TreeMap.put}. This is the one place where the listing order matters, as it does for the
 *       peer.
 * </ul>
 */
final class KetamaRingBuilder implements Precomputation<ConsistentRing> {
  private final int pointsPerServer;
  private final BackendKey key;
  private final KetamaWeighting weighting;

  KetamaRingBuilder(int pointsPerServer, BackendKey key, KetamaWeighting weighting) {
    this.pointsPerServer = pointsPerServer;
    this.key = Objects.requireNonNull(key, "key");
    this.weighting = Objects.requireNonNull(weighting, "weighting");
  }

  /**
   * spymemcached's number of points for a server: its {@code pointerPerServer}, computed in float
   * exactly as there (the tiny epsilon included), when weights differ; {@code numReps} otherwise.
   */
  static int pointsFor(int weight, int totalWeight, int servers, int numReps, boolean weighted) {
    if (!weighted) {
      return numReps / 4 * 4;
    }
    float percent = (float) weight / (float) totalWeight;
    return (int)
        ((Math.floor((float) (percent * (float) numReps / 4 * (float) servers + 0.0000000001)))
            * 4);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof KetamaRingBuilder
        && pointsPerServer == ((KetamaRingBuilder) o).pointsPerServer
        && key.equals(((KetamaRingBuilder) o).key)
        && weighting == ((KetamaRingBuilder) o).weighting;
  }

  @Override
  public int hashCode() {
    return Objects.hash(KetamaRingBuilder.class, pointsPerServer, key, weighting);
  }

  @Override
  public ConsistentRing compute(List<Backend> backends) {
    int n = backends.size();
    int totalWeight = 0;
    boolean weightsDiffer = false;
    for (int i = 0; i < n; i++) {
      int w = backends.get(i).weight();
      totalWeight += w;
      weightsDiffer |= w != backends.get(0).weight();
    }
    boolean weighted =
        weighting == KetamaWeighting.ALWAYS || (weighting == KetamaWeighting.AUTO && weightsDiffer);
    int[] counts = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      counts[i] = pointsFor(backends.get(i).weight(), totalWeight, n, pointsPerServer, weighted);
      total += counts[i];
    }
    dev.lbkit.core.internal.Checks.checkArgument(
        total <= DefaultRingBuilder.MAX_POINTS,
        "ketama ring points: %s (expected: <= %s; lower pointsPerWeight=%s)",
        total,
        DefaultRingBuilder.MAX_POINTS,
        pointsPerServer);
    int[] points = new int[(int) total];
    int[] owners = new int[(int) total];
    MessageDigest md5 = md5();
    int k = 0;
    for (int i = 0; i < n; i++) {
      String server = Objects.requireNonNull(key.of(backends.get(i)), "placement key");
      for (int rep = 0; rep < counts[i] / 4; rep++) {
        byte[] d = md5.digest((server + "-" + rep).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          int point =
              (d[4 * h] & 0xff)
                  | (d[4 * h + 1] & 0xff) << 8
                  | (d[4 * h + 2] & 0xff) << 16
                  | (d[4 * h + 3] & 0xff) << 24;
          points[k] = IntPointRing.flip(point);
          owners[k++] = i;
        }
      }
    }
    PointSort.sort(points, owners);
    // Keep the last of each run of equal points: the later server in the list.
    int m = 0;
    for (int j = 0; j < points.length; j++) {
      if (m > 0 && points[m - 1] == points[j]) {
        owners[m - 1] = owners[j];
      } else {
        points[m] = points[j];
        owners[m++] = owners[j];
      }
    }
    return new IntPointRing(Arrays.copyOf(points, m), Arrays.copyOf(owners, m), n, "KetamaRing");
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  @Override
  public String toString() {
    return "ketama(" + pointsPerServer + ", " + key + ", " + weighting + ")";
  }
}
