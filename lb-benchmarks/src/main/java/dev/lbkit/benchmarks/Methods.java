package dev.lbkit.benchmarks;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.ConsistentRing;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import dev.lbkit.hash.Rings;
import dev.lbkit.hash.internal.HashedKeyLookups;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.MemcachedNode;

/**
 * Every {@link KeyedMethod} by the name used in {@code @Param}, the result tables and the
 * distribution report. Names starting {@code lbkit-} are ours; {@code ref-} are the bare
 * sorted-array searches the targets are stated against; the rest are peers.
 */
final class Methods {
  /** Ours, then the references and peers, in table order. */
  static final List<String> ALL =
      List.of(
          "lbkit-default-ring",
          "lbkit-ketama",
          "lbkit-nginx-consistent",
          "lbkit-maglev",
          "lbkit-bounded-load",
          "lbkit-nginx-hash",
          "ref-branchfree-int",
          "ref-ternary-int",
          "ref-binarysearch-int",
          "treemap",
          "spymemcached",
          "guava-consistenthash",
          "modulo");

  /**
   * The methods of the distribution report: each placement distinct (the reference searches and the
   * TreeMap ring place keys exactly as spymemcached, so they are left out).
   */
  static final List<String> DISTRIBUTION =
      List.of(
          "lbkit-default-ring",
          "lbkit-ketama",
          "lbkit-nginx-consistent",
          "lbkit-maglev",
          "lbkit-nginx-hash",
          "guava-consistenthash",
          "modulo");

  /** HAProxy's {@code hash-balance-factor 125}: the bounded-load factor measured. */
  static final double BOUNDED_LOAD_FACTOR = 1.25;

  private Methods() {}

  static KeyedMethod create(String name, List<Backend> backends) {
    switch (name) {
      case "lbkit-default-ring":
        return new RingMethod(backends, Rings.defaultRing().compute(backends), KeyHash.DEFAULT);
      case "lbkit-ketama":
        // Backend ids are host:port, spymemcached's node strings; authority() is the same string.
        return new RingMethod(
            backends,
            Rings.ketama(Rings.DEFAULT_POINTS_PER_WEIGHT, BackendKey.authority()).compute(backends),
            KeyHash.KETAMA);
      case "lbkit-maglev":
        return new RingMethod(
            backends,
            Rings.maglev(HashOptions.DEFAULT_TABLE_SIZE, BackendKey.id()).compute(backends),
            KeyHash.DEFAULT);
      case "lbkit-bounded-load":
        return new BoundedMethod(backends);
      case "lbkit-nginx-consistent":
        return new NginxConsistentMethod(backends);
      case "lbkit-nginx-hash":
        return new NginxHashMethod(backends);
      case "ref-branchfree-int":
        return new ReferenceMethod(backends, Search.BRANCH_FREE);
      case "ref-ternary-int":
        return new ReferenceMethod(backends, Search.TERNARY);
      case "ref-binarysearch-int":
        return new ReferenceMethod(backends, Search.BINARY_SEARCH);
      case "treemap":
        return new TreeMapMethod(backends);
      case "spymemcached":
        return new SpymemcachedMethod(backends);
      case "guava-consistenthash":
        return new GuavaMethod(backends);
      case "modulo":
        return new ModuloMethod(backends);
      default:
        throw new IllegalArgumentException("method: " + name + " (expected one of " + ALL + ")");
    }
  }

  /** The eligibility a first pick uses, over a live upstream of the same backends. */
  static Eligibility newPicks(List<Backend> backends) {
    return Upstream.of("bench", backends).snapshot().newPicks();
  }

  /** How a ring's keys are hashed; constants, so that a call site stays monomorphic. */
  enum KeyHash {
    /** {@link Rings#hashKey}: the default ring and Maglev. */
    DEFAULT,
    /** {@link Rings#ketamaHash}: MD5, as libketama. */
    KETAMA;

    long hash(String key) {
      return this == DEFAULT ? Rings.hashKey(key) : Rings.ketamaHash(key);
    }
  }

  /**
   * One of lb-hash's {@link ConsistentRing}s through its public API, looked up as its selector does
   * and with a first pick's eligibility: the default ring, Ketama, or Maglev.
   */
  static final class RingMethod extends KeyedMethod {
    private final ConsistentRing ring;
    private final KeyHash keyHash;
    private final Eligibility eligible;

    RingMethod(List<Backend> backends, ConsistentRing ring, KeyHash keyHash) {
      super(backends);
      this.ring = ring;
      this.keyHash = keyHash;
      this.eligible = newPicks(backends);
    }

    @Override
    long hash(String key) {
      return keyHash.hash(key);
    }

    @Override
    Object fromHash(long hash) {
      return backends[ring.locate(hash, eligible)];
    }

    @Override
    Object fromKey(String key) {
      return backends[ring.locate(keyHash.hash(key), eligible)];
    }
  }

  /**
   * The default ring with bounded load (c = 1.25) over a pool with {@code 2 N} requests in flight,
   * whose upstream keeps the running total (a bounded-load selector is registered with it, as in a
   * gateway): each pick reads the total and walks past backends without room.
   */
  static final class BoundedMethod extends KeyedMethod {
    private final HashedKeyLookups.Bounded ring;
    private final PoolSnapshot pool;
    private final Eligibility eligible;

    BoundedMethod(List<Backend> backends) {
      super(backends);
      this.ring =
          HashedKeyLookups.bounded(Rings.defaultRing().compute(backends), BOUNDED_LOAD_FACTOR);
      Upstream upstream = Upstream.of("bench", backends);
      Fixtures.register(
          upstream,
          HashSelectors.ring(
              KeyExtractor.header("K"),
              HashOptions.builder().boundedLoad(BOUNDED_LOAD_FACTOR).build()));
      this.pool = Fixtures.loadUp(upstream);
      this.eligible = pool.newPicks();
    }

    @Override
    long hash(String key) {
      return Rings.hashKey(key);
    }

    @Override
    Object fromHash(long hash) {
      return backends[ring.locate(hash, pool, eligible)];
    }

    @Override
    Object fromKey(String key) {
      return backends[ring.locate(Rings.hashKey(key), pool, eligible)];
    }
  }

  /** nginx {@code hash $key consistent}: CRC-32 of the key on 160 CRC-32 points per backend. */
  static final class NginxConsistentMethod extends KeyedMethod {
    private final HashedKeyLookups.NginxConsistent ring;
    private final Eligibility eligible;

    NginxConsistentMethod(List<Backend> backends) {
      super(backends);
      // nginx places "server 10.0.0.1:11211;" by that string: the authority.
      this.ring = HashedKeyLookups.nginxConsistent(backends, BackendKey.authority());
      this.eligible = newPicks(backends);
    }

    @Override
    long hash(String key) {
      return HashedKeyLookups.crc32(key);
    }

    @Override
    Object fromHash(long hash) {
      return backends[ring.locate((int) hash, eligible)];
    }

    @Override
    Object fromKey(String key) {
      return backends[ring.locate(HashedKeyLookups.crc32(key), eligible)];
    }
  }

  /** nginx {@code hash $key}: not consistent; CRC-32 modulo the total weight. */
  static final class NginxHashMethod extends KeyedMethod {
    private final HashedKeyLookups.NginxHash table;
    private final Eligibility eligible;

    NginxHashMethod(List<Backend> backends) {
      super(backends);
      this.table = HashedKeyLookups.nginxHash(backends);
      this.eligible = newPicks(backends);
    }

    @Override
    long hash(String key) {
      return HashedKeyLookups.nginxFirstTryHash(key);
    }

    @Override
    Object fromHash(long hash) {
      return backends[table.locate(hash, eligible)];
    }

    @Override
    Object fromKey(String key) {
      return backends[table.pick(key, eligible)];
    }
  }

  /** The libketama key hash, with one digest per method instance (one per benchmark thread). */
  abstract static class KetamaHashed extends KeyedMethod {
    private final MessageDigest md5 = Fixtures.md5();

    KetamaHashed(List<Backend> backends) {
      super(backends);
    }

    @Override
    long hash(String key) {
      return Fixtures.ketamaHash(md5, key);
    }

    @Override
    Object fromKey(String key) {
      return fromHash(Fixtures.ketamaHash(md5, key));
    }
  }

  enum Search {
    BRANCH_FREE,
    TERNARY,
    BINARY_SEARCH
  }

  /** The bare searches over a sorted {@code int[]} of the Ketama points. */
  static final class ReferenceMethod extends KetamaHashed {
    private final SortedPoints points;
    private final Search search;

    ReferenceMethod(List<Backend> backends, Search search) {
      super(backends);
      this.points = new SortedPoints(backends);
      this.search = search;
    }

    @Override
    Object fromHash(long hash) {
      int key = SortedPoints.flip(hash);
      switch (search) {
        case BRANCH_FREE:
          return backends[points.ownerBranchFree(key)];
        case TERNARY:
          return backends[points.ownerTernary(key)];
        default:
          return backends[points.ownerBinarySearch(key)];
      }
    }
  }

  /** A {@code TreeMap<Long, Integer>} of the Ketama points. */
  static final class TreeMapMethod extends KetamaHashed {
    private final TreeMapRing ring;

    TreeMapMethod(List<Backend> backends) {
      super(backends);
      this.ring = new TreeMapRing(backends);
    }

    @Override
    Object fromHash(long hash) {
      return backends[ring.owner(hash)];
    }
  }

  /** spymemcached 2.12.3's KetamaNodeLocator: {@code getPrimary(key)} end to end. */
  static final class SpymemcachedMethod extends KeyedMethod {
    private final SpymemcachedPeer peer;

    SpymemcachedMethod(List<Backend> backends) {
      super(backends);
      this.peer = new SpymemcachedPeer(backends);
    }

    @Override
    long hash(String key) {
      return DefaultHashAlgorithm.KETAMA_HASH.hash(key);
    }

    @Override
    Object fromHash(long hash) {
      return peer.nodeForHash(hash);
    }

    @Override
    Object fromKey(String key) {
      return peer.primary(key);
    }

    @Override
    int indexOf(Object picked) {
      return SpymemcachedPeer.indexOf((MemcachedNode) picked);
    }
  }

  /**
   * Guava's {@code Hashing.consistentHash} (jump-style, no ring: nothing to build, but a backend
   * can only be added or removed at the end of the list) over Murmur3-128 of the key.
   */
  static final class GuavaMethod extends KeyedMethod {
    private static final HashFunction MURMUR = Hashing.murmur3_128();

    GuavaMethod(List<Backend> backends) {
      super(backends);
    }

    @Override
    long hash(String key) {
      return MURMUR.hashString(key, StandardCharsets.UTF_8).asLong();
    }

    @Override
    Object fromHash(long hash) {
      return backends[Hashing.consistentHash(hash, backends.length)];
    }

    @Override
    Object fromKey(String key) {
      return backends[
          Hashing.consistentHash(MURMUR.hashString(key, StandardCharsets.UTF_8), backends.length)];
    }
  }

  /** {@code key.hashCode() mod N}: what code without a ring does; a baseline for disruption. */
  static final class ModuloMethod extends KeyedMethod {
    ModuloMethod(List<Backend> backends) {
      super(backends);
    }

    @Override
    long hash(String key) {
      return key.hashCode();
    }

    @Override
    Object fromHash(long hash) {
      return backends[(int) Math.floorMod(hash, (long) backends.length)];
    }

    @Override
    Object fromKey(String key) {
      return fromHash(key.hashCode());
    }
  }
}
