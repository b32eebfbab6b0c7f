package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import java.util.List;

/**
 * The parts of lb-hash's selectors that run after the key is hashed, for the benchmarks' "from a
 * precomputed key hash" rows. lb-hash's public API hashes the key inside each selector (nginx's
 * {@code hash} must re-hash the key on every retry), and bounded load needs the pool's live counts,
 * so these entry points exist only here, in lb-hash's package, as Caffeine keeps its JMH sources
 * beside the classes they measure. Each method does exactly what the selector does once it has the
 * hash; {@code MethodsAgreeTest} checks that the answers are the selectors'.
 */
public final class HashInternals {
  private HashInternals() {}

  /**
   * nginx's CRC-32 of a key's UTF-8 bytes (the key hash of {@code hash} and {@code consistent}).
   */
  public static int crc32(CharSequence key) {
    return Crc32.ofUtf8(key);
  }

  /** nginx {@code hash $key consistent}: 160 CRC-32 points per unit of weight. */
  public static final class NginxConsistent {
    private static final int TRIES = 21;
    private final NginxRing ring;

    public NginxConsistent(List<Backend> backends, BackendKey key) {
      this.ring = NginxRing.of(backends, Rings.DEFAULT_POINTS_PER_WEIGHT, key);
    }

    /** As the selector after hashing: up to 21 points from the first at or after the CRC. */
    public int locate(int keyCrc, Eligibility eligible) {
      int start = ring.find(keyCrc);
      for (int tries = 0; tries < TRIES; tries++) {
        int peer = ring.pick(start + tries, eligible);
        if (peer >= 0) {
          return peer;
        }
      }
      return Selector.NONE; // the selector falls back to round robin
    }
  }

  /** nginx {@code hash $key}: CRC-32 modulo the total weight, walked in order. */
  public static final class NginxHash {
    private final NginxWeights table;

    public NginxHash(List<Backend> backends) {
      this.table = NginxWeights.of(backends);
    }

    /** The first try's hash of a key: {@code (crc32(key) >> 16) & 0x7fff}. */
    public static long firstTryHash(CharSequence key) {
      return (Crc32.ofUtf8(key) >>> 16) & 0x7fff;
    }

    /** The first try from its hash; {@link Selector#NONE} if that backend is not eligible. */
    public int locate(long firstTryHash, Eligibility eligible) {
      int peer = table.peerFor(firstTryHash);
      return eligible.isEligible(peer) ? peer : Selector.NONE;
    }

    /** Every try, end to end from the key, as the selector (without its round-robin fallback). */
    public int pick(CharSequence key, Eligibility eligible) {
      return NginxHashSelector.pick(table, key, eligible);
    }
  }

  /** A ring or Maglev table with bounded load, as {@code RingSelector} looks it up. */
  public static final class Bounded {
    private final BoundedRing ring;
    private final double factor;

    public Bounded(ConsistentRing ring, double factor) {
      this.ring = (BoundedRing) ring;
      this.factor = factor;
    }

    public int locate(long keyHash, PoolSnapshot pool, Eligibility eligible) {
      return ring.locateBounded(
          keyHash,
          eligible,
          pool,
          factor,
          BoundedLoad.totalInFlight(pool, eligible),
          BoundedLoad.totalWeight(pool, eligible));
    }
  }
}
