package dev.lbkit.hash.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.ConsistentRing;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import dev.lbkit.hash.Rings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lookups from a hashed key answer as the public selectors they stand for: for every key, the
 * same backend, over unit and uneven weights, with backends down, with a retry's eligibility and
 * with a single eligible backend, and under bounded load over a pool with requests in flight. Where
 * a lookup answers {@link Selector#NONE}, the selector has fallen back to round robin.
 *
 * <p>From outside {@code dev.lbkit.hash}, as lb-benchmarks uses them.
 */
class HashedKeyLookupsTest {
  private static final String HEADER = "K";
  private static final KeyExtractor KEY = KeyExtractor.header(HEADER);
  private static final int[] SIZES = {2, 10, 100};
  private static final double FACTOR = 1.25;

  /** Which backends a pick may take: the selector and the lookup are given the same. */
  enum Picks {
    /** A first pick: in the pools with backends down, those are not eligible. */
    FIRST {
      @Override
      Eligibility of(PoolSnapshot pool) {
        return pool.newPicks();
      }
    },
    /** A retry after backends 0, 3, 6, ... were tried. */
    RETRY {
      @Override
      Eligibility of(PoolSnapshot pool) {
        Eligibility first = pool.newPicks();
        return i -> i % 3 != 0 && first.isEligible(i);
      }
    },
    /** Only the last backend: nginx's 21 tries then often all miss. */
    LAST_ONLY {
      @Override
      Eligibility of(PoolSnapshot pool) {
        int last = pool.size() - 1;
        return i -> i == last;
      }
    };

    abstract Eligibility of(PoolSnapshot pool);
  }

  /** The bounded-load selectors and the ring, and key hash, each looks keys up on. */
  enum BoundedMethod {
    RING(
        HashSelectors::ring,
        Rings.defaultRing(Rings.DEFAULT_POINTS_PER_WEIGHT, BackendKey.id()),
        Rings::hashKey),
    KETAMA(
        HashSelectors::ketama,
        Rings.ketama(Rings.DEFAULT_POINTS_PER_WEIGHT, BackendKey.id()),
        Rings::ketamaHash),
    MAGLEV(
        HashSelectors::maglev,
        Rings.maglev(HashOptions.DEFAULT_TABLE_SIZE, BackendKey.id()),
        Rings::hashKey);

    final BiFunction<KeyExtractor, HashOptions, Selector> selector;
    final Precomputation<ConsistentRing> ring;
    final ToLongFunction<String> keyHash;

    BoundedMethod(
        BiFunction<KeyExtractor, HashOptions, Selector> selector,
        Precomputation<ConsistentRing> ring,
        ToLongFunction<String> keyHash) {
      this.selector = selector;
      this.ring = ring;
      this.keyHash = keyHash;
    }
  }

  @ParameterizedTest
  @EnumSource(Picks.class)
  void nginxConsistentAnswersAsHashConsistent(Picks picks) {
    for (BackendKey placement : List.of(BackendKey.id(), BackendKey.authority())) {
      for (List<Backend> backends : pools()) {
        Selector selector =
            HashSelectors.hashConsistent(KEY, HashOptions.builder().backendKey(placement).build());
        PoolSnapshot pool = register(backends, selector).snapshot();
        Eligibility eligible = picks.of(pool);
        HashedKeyLookups.NginxConsistent ring =
            HashedKeyLookups.nginxConsistent(pool.backends(), placement);
        for (String key : keys(backends.size())) {
          int expected = selector.select(pool, request(key), eligible);
          int found = ring.locate(HashedKeyLookups.crc32(key), eligible);
          String as = describe(picks, backends, key) + ", placed by " + placement;
          if (found == Selector.NONE) {
            assertThat(allEligible(pool, eligible)).as("a miss, " + as).isFalse();
            assertFellBack(expected, eligible, as);
          } else {
            assertThat(found).as(as).isEqualTo(expected);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Picks.class)
  void nginxHashAnswersAsHash(Picks picks) {
    for (List<Backend> backends : pools()) {
      Selector selector = HashSelectors.hash(KEY);
      PoolSnapshot pool = register(backends, selector).snapshot();
      Eligibility eligible = picks.of(pool);
      HashedKeyLookups.NginxHash table = HashedKeyLookups.nginxHash(pool.backends());
      for (String key : keys(backends.size())) {
        int expected = selector.select(pool, request(key), eligible);
        String as = describe(picks, backends, key);
        int picked = table.pick(key, eligible);
        if (picked == Selector.NONE) {
          assertFellBack(expected, eligible, as);
        } else {
          assertThat(picked).as(as).isEqualTo(expected);
        }
        long firstTry = HashedKeyLookups.nginxFirstTryHash(key);
        int first = table.locate(firstTry, eligible);
        if (first == Selector.NONE) {
          // The selector re-hashed: the first try's backend, whoever may take it, is not eligible.
          assertThat(eligible.isEligible(table.locate(firstTry, i -> true))).as(as).isFalse();
        } else {
          assertThat(first).as(as).isEqualTo(expected);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(BoundedMethod.class)
  void boundedAnswersAsTheSelectorWithBoundedLoad(BoundedMethod method) {
    int passedOver = 0;
    for (Picks picks : Picks.values()) {
      for (List<Backend> backends : pools()) {
        Selector selector =
            method.selector.apply(KEY, HashOptions.builder().boundedLoad(FACTOR).build());
        PoolSnapshot pool = loadUp(register(backends, selector));
        Eligibility eligible = picks.of(pool);
        ConsistentRing ring = method.ring.compute(pool.backends());
        HashedKeyLookups.Bounded bounded = HashedKeyLookups.bounded(ring, FACTOR);
        for (String key : keys(backends.size())) {
          long hash = method.keyHash.applyAsLong(key);
          int expected = selector.select(pool, request(key), eligible);
          assertThat(bounded.locate(hash, pool, eligible))
              .as(describe(picks, backends, key))
              .isEqualTo(expected);
          if (expected != ring.locate(hash, eligible)) {
            passedOver++;
          }
        }
      }
    }
    // Not vacuous: the load put on the pools leaves some backends without room.
    assertThat(passedOver).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "user:42:profile", "ключ", "\uD83D\uDE00 smile", "\uD800?"})
  void crc32IsTheCrcOfTheUtf8Bytes(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    assertThat(HashedKeyLookups.crc32(key)).isEqualTo((int) crc.getValue());
    assertThat(HashedKeyLookups.nginxFirstTryHash(key)).isEqualTo((crc.getValue() >>> 16) & 0x7fff);
  }

  @Test
  void boundedRefusesAForeignRingAndABadFactor() {
    ConsistentRing foreign =
        new ConsistentRing() {
          @Override
          public int locate(long keyHash, Eligibility eligible) {
            return 0;
          }

          @Override
          public int backendCount() {
            return 1;
          }
        };
    assertThatThrownBy(() -> HashedKeyLookups.bounded(foreign, FACTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ring:");
    ConsistentRing ring = Rings.defaultRing().compute(backends(3, false));
    assertThatThrownBy(() -> HashedKeyLookups.bounded(ring, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundedLoad: 0.5");
  }

  /** lb-hash installed its access when the class initialized; nobody can replace it after. */
  @Test
  void theInstalledAccessCannotBeReplaced() {
    HashedKeyLookups.Access other =
        new HashedKeyLookups.Access() {
          @Override
          public int crc32(CharSequence key) {
            return 0;
          }

          @Override
          public long nginxFirstTryHash(CharSequence key) {
            return 0;
          }

          @Override
          public HashedKeyLookups.NginxConsistent nginxConsistent(
              List<Backend> backends, BackendKey key) {
            return (keyCrc, eligible) -> 0;
          }

          @Override
          public HashedKeyLookups.NginxHash nginxHash(List<Backend> backends) {
            throw new UnsupportedOperationException();
          }

          @Override
          public HashedKeyLookups.Bounded bounded(ConsistentRing ring, double factor) {
            return (keyHash, pool, eligible) -> 0;
          }
        };
    assertThatThrownBy(() -> HashedKeyLookups.install(other))
        .isInstanceOf(IllegalStateException.class);
    assertThat(HashedKeyLookups.crc32("a")).isEqualTo(0xe8b7be43); // still lb-hash's
  }

  /**
   * The selector's round robin: an eligible backend, or none (its turns leave down backends out,
   * which {@link Picks#LAST_ONLY} may allow).
   */
  private static void assertFellBack(int expected, Eligibility eligible, String as) {
    assertThat(expected == Selector.NONE || eligible.isEligible(expected))
        .as("round robin, " + as)
        .isTrue();
  }

  private static boolean allEligible(PoolSnapshot pool, Eligibility eligible) {
    for (int i = 0; i < pool.size(); i++) {
      if (!eligible.isEligible(i)) {
        return false;
      }
    }
    return true;
  }

  /** Unit weights, all up; and uneven weights with every fourth backend down. */
  private static List<List<Backend>> pools() {
    List<List<Backend>> pools = new ArrayList<>();
    for (int n : SIZES) {
      pools.add(backends(n, false));
      pools.add(backends(n, true));
    }
    return pools;
  }

  private static List<Backend> backends(int n, boolean unevenAndDown) {
    List<Backend> backends = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Backend b = Backend.of("b" + i, "10.0." + (i / 250) + "." + (i % 250 + 1), 8080);
      if (unevenAndDown) {
        b = b.withWeight(1 + i % 3);
        if (i % 4 == 1) {
          b = b.withState(BackendState.DOWN);
        }
      }
      backends.add(b);
    }
    return backends;
  }

  /** An upstream with the selector's precomputations registered, as a load balancer does. */
  private static Upstream register(List<Backend> backends, Selector selector) {
    Upstream upstream = Upstream.of("lookups", backends);
    LoadBalancer.builder(upstream).selector(selector).build();
    return upstream;
  }

  /**
   * {@code 4 N} requests left in flight, drawn at random from a fixed seed and never reported, so
   * that the counts are uneven and some backends have no room under bounded load.
   */
  private static PoolSnapshot loadUp(Upstream upstream) {
    Random random = new Random(7);
    LoadBalancer load =
        LoadBalancer.builder(upstream)
            .selector((pool, request, eligible) -> pickRandomly(pool, eligible, random))
            .build();
    for (int i = 0; i < 4 * upstream.snapshot().size(); i++) {
      load.pick(RequestContext.empty());
    }
    return upstream.snapshot();
  }

  private static int pickRandomly(PoolSnapshot pool, Eligibility eligible, Random random) {
    for (int tries = 0; tries < 100; tries++) {
      int i = random.nextInt(pool.size());
      if (eligible.isEligible(i)) {
        return i;
      }
    }
    return Selector.NONE;
  }

  /** Keys of the kinds a gateway hashes, some of them beyond ASCII, from a fixed seed. */
  private static String[] keys(long seed) {
    Random random = new Random(seed);
    String[] keys = new String[1000];
    for (int i = 0; i < keys.length; i++) {
      switch (i % 4) {
        case 0:
          keys[i] = "user:" + random.nextInt(10_000_000) + ":profile";
          break;
        case 1:
          keys[i] = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
          break;
        case 2:
          keys[i] = "10.1." + random.nextInt(256) + "." + random.nextInt(256);
          break;
        default:
          keys[i] = "ключ-" + random.nextInt(1000) + "-\uD83D\uDE00";
          break;
      }
    }
    return keys;
  }

  private static RequestContext request(String key) {
    return RequestContext.builder().headers(name -> name.equals(HEADER) ? key : null).build();
  }

  private static String describe(Picks picks, List<Backend> backends, String key) {
    return picks + " pick, N=" + backends.size() + ", key " + key;
  }
}
