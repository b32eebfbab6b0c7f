package dev.lbkit.hash;

import static dev.lbkit.core.internal.Checks.checkArgument;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Factories of {@link ConsistentRing} precomputations, for selectors and session affinities that
 * place keys on a ring themselves (for example a balanced sticky cookie that picks its first
 * backend consistently).
 *
 * <pre>{@code
 * Precomputation<ConsistentRing> ring = Rings.defaultRing();  // keep this instance
 * ...
 * int index = pool.precomputed(ring).locate(Rings.hashKey(sessionId), eligible);
 * }</pre>
 *
 * <p>Each call returns a new precomputation; a snapshot finds its value by instance, so keep the
 * one you declared in {@code precomputations()}.
 */
public final class Rings {
  /** The default number of points per unit of weight: nginx's and libketama's 160. */
  public static final int DEFAULT_POINTS_PER_WEIGHT = 160;

  /** The largest accepted {@code pointsPerWeight}. */
  public static final int MAX_POINTS_PER_WEIGHT = 10_000;

  private Rings() {}

  /**
   * The default ring: {@value #DEFAULT_POINTS_PER_WEIGHT} points per unit of weight, placed by the
   * 64-bit {@link #hashKey} of each backend's id. Look keys up with {@link #hashKey}.
   */
  public static Precomputation<ConsistentRing> defaultRing() {
    return defaultRing(DEFAULT_POINTS_PER_WEIGHT, BackendKey.id());
  }

  /**
   * The default ring with {@code pointsPerWeight} points per unit of weight.
   *
   * @throws IllegalArgumentException unless {@code pointsPerWeight} is in 1..{@value
   *     #MAX_POINTS_PER_WEIGHT}
   */
  public static Precomputation<ConsistentRing> defaultRing(int pointsPerWeight) {
    return defaultRing(pointsPerWeight, BackendKey.id());
  }

  /**
   * The default ring with {@code pointsPerWeight} points per unit of weight, placing each backend
   * by {@code key} instead of its id.
   *
   * @throws IllegalArgumentException unless {@code pointsPerWeight} is in 1..{@value
   *     #MAX_POINTS_PER_WEIGHT}
   */
  public static Precomputation<ConsistentRing> defaultRing(int pointsPerWeight, BackendKey key) {
    checkPointsPerWeight(pointsPerWeight);
    return new DefaultRingBuilder(pointsPerWeight, Objects.requireNonNull(key, "key"));
  }

  /**
   * The default ring's 64-bit hash of a key: allocation-free, the same for equal character
   * sequences, and stable across lbkit versions and JVMs (rings are shared by gateway replicas).
   */
  public static long hashKey(CharSequence key) {
    return Hash64.hashChars(key);
  }

  /**
   * A Ketama ring as libketama and spymemcached build it (see {@link HashSelectors#ketama}), {@code
   * pointsPerServer} points per server ({@value #DEFAULT_POINTS_PER_WEIGHT} in both), placed by
   * {@code key}. Look keys up with {@link #ketamaHash}.
   *
   * @throws IllegalArgumentException unless {@code pointsPerServer} is in 1..{@value
   *     #MAX_POINTS_PER_WEIGHT}
   */
  public static Precomputation<ConsistentRing> ketama(int pointsPerServer, BackendKey key) {
    return ketama(pointsPerServer, key, KetamaWeighting.AUTO);
  }

  /**
   * A Ketama ring with the given {@link KetamaWeighting}, for matching a spymemcached client
   * constructed with (or without) a weights map.
   *
   * @throws IllegalArgumentException unless {@code pointsPerServer} is in 1..{@value
   *     #MAX_POINTS_PER_WEIGHT}
   */
  public static Precomputation<ConsistentRing> ketama(
      int pointsPerServer, BackendKey key, KetamaWeighting weighting) {
    checkPointsPerWeight(pointsPerServer);
    return new KetamaRingBuilder(
        pointsPerServer,
        Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(weighting, "weighting"));
  }

  /**
   * libketama's key hash: the first four bytes of the MD5 digest of the key's UTF-8 encoding,
   * little-endian, as an unsigned value. Allocation-free for ASCII keys.
   */
  public static long ketamaHash(CharSequence key) {
    return Md5.ketamaHash(key);
  }

  /**
   * A Maglev table of {@code tableSize} entries (a prime; see {@link HashSelectors#maglev}), placed
   * by {@code key}. Look keys up with {@link #hashKey}.
   *
   * @throws IllegalArgumentException if {@code tableSize} is not a prime in 3..{@value
   *     HashOptions#MAX_TABLE_SIZE}
   */
  public static Precomputation<ConsistentRing> maglev(int tableSize, BackendKey key) {
    HashOptions.builder().tableSize(tableSize); // validates
    return MaglevTable.precomputation(tableSize, Objects.requireNonNull(key, "key"));
  }

  static void checkPointsPerWeight(int pointsPerWeight) {
    checkArgument(
        pointsPerWeight >= 1 && pointsPerWeight <= MAX_POINTS_PER_WEIGHT,
        "pointsPerWeight: %s (expected: 1..%s)",
        pointsPerWeight,
        MAX_POINTS_PER_WEIGHT);
  }

  /**
   * Backend indexes ordered by placement string, then id: the listing-order-free order in which
   * order-independent rings generate their points. Runs once per change, so boxing is fine here.
   */
  static Integer[] orderByPlacement(List<Backend> backends, String[] keys) {
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = keys[a].compareTo(keys[b]);
          return c != 0 ? c : backends.get(a).id().compareTo(backends.get(b).id());
        });
    return order;
  }
}
