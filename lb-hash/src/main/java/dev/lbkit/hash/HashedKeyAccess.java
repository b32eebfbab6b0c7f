package dev.lbkit.hash;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import dev.lbkit.hash.internal.HashedKeyLookups;
import java.util.List;
import java.util.Objects;

/**
 * This package's side of {@link HashedKeyLookups}: each lookup is the static method that its
 * selector calls once it has the key's hash. Loaded, and so installed, by {@link HashedKeyLookups}
 * itself; nothing in this package refers to it.
 */
final class HashedKeyAccess implements HashedKeyLookups.Access {
  static {
    HashedKeyLookups.install(new HashedKeyAccess());
  }

  private HashedKeyAccess() {}

  @Override
  public int crc32(CharSequence key) {
    return Crc32.ofUtf8(key);
  }

  @Override
  public long nginxFirstTryHash(CharSequence key) {
    return NginxHashSelector.tryHash(key, 0);
  }

  @Override
  public HashedKeyLookups.NginxConsistent nginxConsistent(List<Backend> backends, BackendKey key) {
    return new NginxConsistent(
        NginxRing.of(
            backends, Rings.DEFAULT_POINTS_PER_WEIGHT, Objects.requireNonNull(key, "key")));
  }

  @Override
  public HashedKeyLookups.NginxHash nginxHash(List<Backend> backends) {
    return new NginxHash(NginxWeights.of(backends));
  }

  @Override
  public HashedKeyLookups.Bounded bounded(ConsistentRing ring, double factor) {
    checkArgument(
        ring instanceof BoundedRing,
        "ring: %s (expected: a ring or table from dev.lbkit.hash.Rings)",
        ring);
    HashOptions.builder().boundedLoad(factor); // validates
    return new Bounded((BoundedRing) ring, factor);
  }

  private record NginxConsistent(NginxRing ring) implements HashedKeyLookups.NginxConsistent {
    @Override
    public int locate(int keyCrc, Eligibility eligible) {
      return NginxConsistentSelector.pick(ring, keyCrc, eligible);
    }
  }

  private record NginxHash(NginxWeights table) implements HashedKeyLookups.NginxHash {
    @Override
    public int locate(long firstTryHash, Eligibility eligible) {
      // The first iteration of NginxHashSelector.pick, whose running hash starts at zero.
      int peer = table.peerFor(firstTryHash);
      return eligible.isEligible(peer) ? peer : Selector.NONE;
    }

    @Override
    public int pick(CharSequence key, Eligibility eligible) {
      return NginxHashSelector.pick(table, key, eligible);
    }
  }

  private record Bounded(BoundedRing ring, double factor) implements HashedKeyLookups.Bounded {
    @Override
    public int locate(long keyHash, PoolSnapshot pool, Eligibility eligible) {
      return RingSelector.locateBounded(ring, keyHash, pool, eligible, factor);
    }
  }
}
