package dev.lbkit.hash;

import dev.lbkit.core.Selector;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hash-based load-balancing methods, as {@link Selector}s for the {@link
 * dev.lbkit.core.LoadBalancer}.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(upstream)
 *     .selector(HashSelectors.hashConsistent(KeyExtractor.queryParameter("k"),
 *         HashOptions.builder().backendKey(BackendKey.authority()).build()))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Methods</caption>
 *   <tr><th>factory</th><th>matches</th><th>on removal of a backend</th></tr>
 *   <tr><td>{@link #ipHash()}</td><td>nginx {@code ip_hash}</td><td>most clients move</td></tr>
 *   <tr><td>{@link #hash}</td><td>nginx {@code hash $key}</td><td>most keys move</td></tr>
 *   <tr><td>{@link #hashConsistent}</td><td>nginx {@code hash $key consistent}</td>
 *       <td>only its keys move</td></tr>
 *   <tr><td>{@link #ketama}</td><td>libketama, spymemcached</td><td>only its keys move</td></tr>
 *   <tr><td>{@link #ring}</td><td>(lbkit's own, fastest ring)</td><td>only its keys move</td></tr>
 *   <tr><td>{@link #maglev}</td><td>(Maglev, Envoy-style weights)</td>
 *       <td>its keys, and a few others</td></tr>
 * </table>
 *
 * <p>Each call returns a new selector with its own precomputations. Nothing here throws on client
 * input; see {@code docs/hashing.md} for choosing a method and for matching nginx or a memcached
 * client exactly.
 */
public final class HashSelectors {
  static final Logger logger = LoggerFactory.getLogger(HashSelectors.class);

  private HashSelectors() {}

  /**
   * nginx {@code ip_hash}: the first three octets of an IPv4 client address or all of an IPv6 one,
   * nginx's hash and weight walk, re-mixing on an unavailable pick, round robin after 20 re-mixes
   * or without a client address. IPv4-mapped IPv6 addresses hash as IPv6, as in nginx.
   */
  public static Selector ipHash() {
    return new IpHashSelector(false);
  }

  /**
   * nginx {@code ip_hash}, with IPv4-mapped IPv6 addresses hashed as the IPv4 address they carry.
   */
  public static Selector ipHash(MappedIpv4 mappedAddresses) {
    Objects.requireNonNull(mappedAddresses, "mappedAddresses");
    return new IpHashSelector(mappedAddresses == MappedIpv4.AS_IPV4);
  }

  /**
   * nginx {@code hash $key} (Cache::Memcached compatible): CRC-32 of the key, modulo the total
   * weight, rehashed on an unavailable pick; round robin after 20 rehashes or for an empty key. Not
   * consistent: adding or removing a backend moves most keys.
   */
  public static Selector hash(KeyExtractor key) {
    return new NginxHashSelector(Objects.requireNonNull(key, "key"));
  }

  /** nginx {@code hash $key consistent}, with backends placed by id. */
  public static Selector hashConsistent(KeyExtractor key) {
    return hashConsistent(key, HashOptions.ofDefaults());
  }

  /**
   * nginx {@code hash $key consistent} (Cache::Memcached::Fast compatible): 160 CRC-32 points per
   * unit of weight from each backend's server string. To match an nginx config, place backends by
   * the server string as written there, e.g. {@code BackendKey.authority()} for {@code server
   * 10.0.0.5:8080;}.
   */
  public static Selector hashConsistent(KeyExtractor key, HashOptions options) {
    Objects.requireNonNull(options, "options").checkReadBy("hash consistent", true, false, false);
    return new NginxConsistentSelector(
        Objects.requireNonNull(key, "key"), Objects.requireNonNull(options, "options"));
  }

  /** Ketama, with backends placed by id. */
  public static Selector ketama(KeyExtractor key) {
    return ketama(key, HashOptions.ofDefaults());
  }

  /**
   * Ketama as libketama and spymemcached: 160 MD5 points per server, weighted as spymemcached's
   * {@code KetamaNodeLocator} (see {@link HashOptions#ketamaWeighting()}); an unavailable server's
   * keys go to the next server on the ring. To agree with a memcached client, place backends by its
   * server string, for spymemcached {@code BackendKey.authority()} ({@code "10.0.0.5:11211"}).
   */
  public static Selector ketama(KeyExtractor key, HashOptions options) {
    Objects.requireNonNull(options, "options").checkReadBy("ketama", true, false, true);
    return new RingSelector(
        "ketama",
        Objects.requireNonNull(key, "key"),
        RingSelector.KeyHash.KETAMA,
        Rings.ketama(options.pointsPerWeight(), options.backendKey(), options.ketamaWeighting()),
        options);
  }

  /** The default ring, with backends placed by id. */
  public static Selector ring(KeyExtractor key) {
    return ring(key, HashOptions.ofDefaults());
  }

  /**
   * The default consistent ring: no compatibility to honour, so a fast 64-bit hash, {@code
   * pointsPerWeight} points per unit of weight, and ties broken independently of the listing order.
   * The method to choose when nothing outside this process must agree with it.
   */
  public static Selector ring(KeyExtractor key, HashOptions options) {
    Objects.requireNonNull(options, "options").checkReadBy("ring", true, false, false);
    return new RingSelector(
        "ring",
        Objects.requireNonNull(key, "key"),
        RingSelector.KeyHash.DEFAULT,
        Rings.defaultRing(options.pointsPerWeight(), options.backendKey()),
        options);
  }

  /** Maglev, with backends placed by id and a table of 65,537 entries. */
  public static Selector maglev(KeyExtractor key) {
    return maglev(key, HashOptions.ofDefaults());
  }

  /**
   * Maglev: a lookup table of {@code tableSize} entries (a prime), weighted, near-perfectly
   * balanced and one array read per lookup. Removing a backend moves its keys and a small fraction
   * of the others'.
   */
  public static Selector maglev(KeyExtractor key, HashOptions options) {
    Objects.requireNonNull(options, "options").checkReadBy("maglev", false, true, false);
    return new RingSelector(
        "maglev",
        Objects.requireNonNull(key, "key"),
        RingSelector.KeyHash.DEFAULT,
        Rings.maglev(options.tableSize(), options.backendKey()),
        options);
  }
}
