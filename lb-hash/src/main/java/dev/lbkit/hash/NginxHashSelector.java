package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.internal.FirstFailureWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx {@code hash $key} (without {@code consistent}), reproduced from {@code
 * ngx_http_upstream_hash_module.c}; compatible with Perl's Cache::Memcached.
 *
 * <ul>
 *   <li>Each try hashes {@code ((crc32([rehash] key) >> 16) & 0x7fff)} and adds it to the running
 *       hash, where {@code rehash} is the number of the try as decimal digits, omitted on the
 *       first.
 *   <li>{@code hash % total_weight} walks the backends in order, as {@code ip_hash} does.
 *   <li>After 21 unsuccessful tries, with fewer than two backends, or with an empty key, it is
 *       round robin: nginx (1.18 and 1.22 alike) falls back on an empty key rather than sending
 *       every keyless request to one backend.
 * </ul>
 *
 * <p>The key is hashed as UTF-8, which is byte for byte what nginx hashes for ASCII keys.
 */
final class NginxHashSelector implements Selector {
  private static final int TRIES = 21;

  private final KeyExtractor key;

  /** This selector's record of its extractor's failures: warns once, then logs at DEBUG. */
  private final FirstFailureWarning keyFailures = new FirstFailureWarning();

  private final Precomputation<NginxWeights> weights = NginxWeights.precomputation();
  private final Selector roundRobin = Selector.roundRobin();

  NginxHashSelector(KeyExtractor key) {
    this.key = key;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    // Ours first: a snapshot finds a precomputation by scanning the registered ones in order.
    List<Precomputation<?>> all = new ArrayList<>();
    all.add(weights);
    all.addAll(roundRobin.precomputations());
    return List.copyOf(all);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    CharSequence k = KeyExtractors.safeKey(key, keyFailures, request);
    NginxWeights table = pool.precomputed(weights);
    if (k == null || k.length() == 0 || table.count() < 2) {
      return roundRobin.select(pool, request, eligible);
    }
    int peer = pick(table, k, eligible);
    return peer >= 0 ? peer : roundRobin.select(pool, request, eligible);
  }

  /** nginx's tries; {@link Selector#NONE} when all 21 are unsuccessful. */
  static int pick(NginxWeights table, CharSequence key, Eligibility eligible) {
    long hash = 0;
    for (int rehash = 0; rehash < TRIES; rehash++) {
      hash += tryHash(key, rehash);
      int peer = table.peerFor(hash);
      if (eligible.isEligible(peer)) {
        return peer;
      }
    }
    return NONE;
  }

  /**
   * What try {@code rehash} adds to the running hash: {@code (crc32([rehash] key) >> 16) & 0x7fff}.
   * The first try's is the whole hash of the first pick.
   */
  static int tryHash(CharSequence key, int rehash) {
    int state = Crc32.init();
    if (rehash > 0) {
      state = Crc32.updateDecimal(state, rehash);
    }
    return (Crc32.finish(Crc32.updateUtf8(state, key)) >>> 16) & 0x7fff;
  }

  @Override
  public String toString() {
    return "hash " + key;
  }
}
