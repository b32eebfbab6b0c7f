package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The inputs every benchmark shares: backends, keys, and the Ketama points that the reference
 * searches and the peers are built from. Everything is seeded, so two runs (and ours and a peer's
 * rows in one run) see identical inputs.
 */
final class Fixtures {
  /**
   * Keys cycled through by each benchmark: a power of two, so the cursor is a mask. Large enough
   * that the branch predictor cannot learn the sequence: with 1,024 keys, a search that branches on
   * every comparison ran as fast as a branch-free one (both about 20 ns at N = 100), which no
   * gateway seeing real traffic would observe.
   */
  static final int KEY_COUNT = 1 << 16;

  static final int KEY_MASK = KEY_COUNT - 1;

  /** The memcached port, so that a backend's id is the string spymemcached places on its ring. */
  static final int PORT = 11211;

  /** Ketama's points per server: 40 MD5 digests of four points each. */
  static final int KETAMA_POINTS = 160;

  private Fixtures() {}

  /** The address of the {@code i}-th backend: 10.0.x.y, distinct for i < 65,000. */
  static String host(int i) {
    return "10.0." + (i / 250) + "." + (i % 250 + 1);
  }

  /**
   * {@code n} backends whose ids are {@code host:port}: the string nginx and spymemcached both
   * place on their rings, so our compatible rings and theirs are built from identical input.
   */
  static List<Backend> backends(int n) {
    List<Backend> backends = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      backends.add(Backend.of(host(i) + ":" + PORT, host(i), PORT));
    }
    return backends;
  }

  /** An upstream of {@link #backends(int)}. */
  static Upstream upstream(int n) {
    return Upstream.of("bench", backends(n));
  }

  /**
   * Registers the selector's precomputations with the upstream (as a {@link LoadBalancer} does) and
   * returns the load balancer, whose snapshot then carries them.
   */
  static LoadBalancer register(Upstream upstream, Selector selector) {
    return LoadBalancer.builder(upstream).selector(selector).build();
  }

  /**
   * Leaves {@code 2 N} requests in flight on {@code upstream}, drawn at random and never reported,
   * so that load-aware picks compare real, uneven counts (and meet the ties a live pool has), and
   * returns the snapshot to measure on. Register the measured selector first: registering
   * republishes the snapshot.
   */
  static PoolSnapshot loadUp(Upstream upstream) {
    LoadBalancer load = register(upstream, Selector.random());
    for (int i = 0; i < 2 * upstream.snapshot().size(); i++) {
      load.pick(RequestContext.empty());
    }
    return upstream.snapshot();
  }

  /**
   * Realistic keys: memcached-style object keys, user ids, UUIDs and session ids, 8 to 40
   * characters, from a fixed seed.
   */
  static String[] keys() {
    return keys(KEY_COUNT, 20240603L);
  }

  /** {@code count} keys of the same kinds as {@link #keys()}, from another seed. */
  static String[] keys(int count, long seed) {
    Random random = new Random(seed);
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      switch (i % 4) {
        case 0:
          keys[i] = "user:" + random.nextInt(10_000_000) + ":profile";
          break;
        case 1:
          keys[i] = Long.toString(random.nextLong() & Long.MAX_VALUE);
          break;
        case 2:
          keys[i] = uuid(random);
          break;
        default:
          keys[i] =
              "sess-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
          break;
      }
    }
    return keys;
  }

  private static String uuid(Random random) {
    long hi = random.nextLong();
    long lo = random.nextLong();
    String h = String.format(Locale.ROOT, "%016x%016x", hi, lo);
    return h.substring(0, 8)
        + '-'
        + h.substring(8, 12)
        + '-'
        + h.substring(12, 16)
        + '-'
        + h.substring(16, 20)
        + '-'
        + h.substring(20, 32);
  }

  /** A fresh MD5 digest; every JDK has one. */
  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK ships MD5", e);
    }
  }

  /** libketama's key hash: the first four bytes of MD5(key), little-endian, unsigned. */
  static long ketamaHash(MessageDigest md5, String key) {
    md5.reset();
    byte[] d = md5.digest(key.getBytes(StandardCharsets.UTF_8));
    return littleEndian(d, 0);
  }

  static long littleEndian(byte[] d, int offset) {
    return (d[offset] & 0xffL)
        | (d[offset + 1] & 0xffL) << 8
        | (d[offset + 2] & 0xffL) << 16
        | (d[offset + 3] & 0xffL) << 24;
  }

  /**
   * The Ketama points of {@code n} backends, as libketama computes them: for node string S and i in
   * 0..39, MD5(S + "-" + i) gives four little-endian points. Returned in generation order as {@code
   * {point, owner}} pairs; callers sort them and resolve equal points themselves.
   */
  static long[][] ketamaPoints(List<Backend> backends) {
    MessageDigest md5 = md5();
    int n = backends.size();
    long[] points = new long[n * KETAMA_POINTS];
    long[] owners = new long[n * KETAMA_POINTS];
    int k = 0;
    for (int b = 0; b < n; b++) {
      String node = backends.get(b).id();
      for (int i = 0; i < KETAMA_POINTS / 4; i++) {
        md5.reset();
        byte[] d = md5.digest((node + "-" + i).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          points[k] = littleEndian(d, 4 * h);
          owners[k] = b;
          k++;
        }
      }
    }
    return new long[][] {points, owners};
  }
}
