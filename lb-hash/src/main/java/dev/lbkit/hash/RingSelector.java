package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.internal.FirstFailureWarning;
import java.util.List;

/**
 * A key hashed onto a precomputed ring or table: the default ring, Ketama, or Maglev. A missing key
 * hashes as the empty string. With bounded load on, backends without room are passed over like
 * ineligible ones.
 */
final class RingSelector implements Selector {
  /** How a key becomes the ring's hash; constants, so that selecting captures nothing. */
  enum KeyHash {
    /** {@link Rings#hashKey}: the default ring and Maglev. */
    DEFAULT {
      @Override
      long hash(CharSequence key) {
        return Hash64.hashChars(key);
      }
    },
    /** libketama's MD5-based key hash. */
    KETAMA {
      @Override
      long hash(CharSequence key) {
        return Md5.ketamaHash(key);
      }
    };

    abstract long hash(CharSequence key);
  }

  private final String name;
  private final KeyExtractor key;

  /** This selector's record of its extractor's failures: warns once, then logs at DEBUG. */
  private final FirstFailureWarning keyFailures = new FirstFailureWarning();

  private final KeyHash keyHash;
  private final Precomputation<ConsistentRing> ring;
  private final HashOptions options;

  RingSelector(
      String name,
      KeyExtractor key,
      KeyHash keyHash,
      Precomputation<ConsistentRing> ring,
      HashOptions options) {
    this.name = name;
    this.key = key;
    this.keyHash = keyHash;
    this.ring = ring;
    this.options = options;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    return List.of(ring);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    CharSequence k = KeyExtractors.safeKey(key, keyFailures, request);
    long hash = keyHash.hash(k == null ? "" : k);
    ConsistentRing r = pool.precomputed(ring);
    return options.hasBoundedLoad()
        ? locateBounded((BoundedRing) r, hash, pool, eligible, options.boundedLoad())
        : r.locate(hash, eligible);
  }

  @Override
  public boolean readsInFlightTotal() {
    return options.hasBoundedLoad();
  }

  /**
   * The lookup with bounded load once the key is hashed: the walk past backends without room, or,
   * if no eligible backend has room (or none is {@code UP}), the plain lookup.
   */
  static int locateBounded(
      BoundedRing ring, long keyHash, PoolSnapshot pool, Eligibility eligible, double factor) {
    long weight = pool.upWeight();
    if (weight > 0) {
      int index =
          ring.locateBounded(
              keyHash, eligible, pool, BoundedLoad.perWeight(factor, pool.inFlightTotal(), weight));
      if (index != NONE) {
        return index;
      }
    }
    return ring.locate(keyHash, eligible);
  }

  @Override
  public String toString() {
    return name + " " + key + " " + options;
  }
}
