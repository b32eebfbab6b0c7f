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
 * nginx {@code hash $key consistent}, reproduced from {@code ngx_http_upstream_get_chash_peer}.
 *
 * <p>The key's CRC-32 finds the first point at or after it (wrapping). If that point's server is
 * not eligible, the next point is tried, point by point, not server by server: after 21 points
 * (nginx's {@code tries > 20}), with fewer than two backends, or with an empty key, it is round
 * robin. With bounded load on (beyond nginx), a server without room counts as not eligible and the
 * walk continues past 21 points while some eligible server has room.
 */
final class NginxConsistentSelector implements Selector {
  private static final int TRIES = 21;

  private final KeyExtractor key;

  /** This selector's record of its extractor's failures: warns once, then logs at DEBUG. */
  private final FirstFailureWarning keyFailures = new FirstFailureWarning();

  private final HashOptions options;
  private final Precomputation<NginxRing> ring;
  private final Selector roundRobin = Selector.roundRobin();

  NginxConsistentSelector(KeyExtractor key, HashOptions options) {
    this.key = key;
    this.options = options;
    this.ring = NginxRing.precomputation(options.pointsPerWeight(), options.backendKey());
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    // Ours first: a snapshot finds a precomputation by scanning the registered ones in order.
    List<Precomputation<?>> all = new ArrayList<>();
    all.add(ring);
    all.addAll(roundRobin.precomputations());
    return List.copyOf(all);
  }

  @Override
  public boolean readsInFlightTotal() {
    return options.hasBoundedLoad();
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    CharSequence k = KeyExtractors.safeKey(key, keyFailures, request);
    if (k == null || k.length() == 0 || pool.size() < 2) {
      return roundRobin.select(pool, request, eligible);
    }
    NginxRing r = pool.precomputed(ring);
    int keyCrc = Crc32.ofUtf8(k);
    if (!options.hasBoundedLoad() || pool.upWeight() == 0) {
      return pickOrRoundRobin(r, keyCrc, pool, request, eligible);
    }
    int start = r.find(keyCrc);
    // Bounded load goes beyond nginx: round robin would ignore the bound, so the walk goes on
    // around the ring for as long as some eligible backend has room.
    double perWeight =
        BoundedLoad.perWeight(options.boundedLoad(), pool.inFlightTotal(), pool.upWeight());
    for (int tries = 0, points = r.pointCount(); tries < points; tries++) {
      if (tries == TRIES && !anyHasRoom(pool, eligible, perWeight)) {
        break;
      }
      int peer = r.pick(start + tries, eligible);
      if (peer >= 0 && BoundedLoad.hasRoom(pool, peer, perWeight)) {
        return peer;
      }
    }
    // No eligible backend has room (BoundedLoad says when): the bound gives way, not the key.
    return pickOrRoundRobin(r, keyCrc, pool, request, eligible);
  }

  private int pickOrRoundRobin(
      NginxRing r, int keyCrc, PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    int peer = pick(r, keyCrc, eligible);
    return peer >= 0 ? peer : roundRobin.select(pool, request, eligible);
  }

  /**
   * nginx's walk once the key is hashed: the first eligible of the 21 points from the first at or
   * after {@code keyCrc}, or {@link Selector#NONE} (the selector then falls back to round robin).
   */
  static int pick(NginxRing ring, int keyCrc, Eligibility eligible) {
    int start = ring.find(keyCrc);
    for (int tries = 0; tries < TRIES; tries++) {
      int peer = ring.pick(start + tries, eligible);
      if (peer >= 0) {
        return peer;
      }
    }
    return NONE;
  }

  private static boolean anyHasRoom(PoolSnapshot pool, Eligibility eligible, double perWeight) {
    for (int i = 0, n = pool.size(); i < n; i++) {
      if (eligible.isEligible(i) && BoundedLoad.hasRoom(pool, i, perWeight)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "hash " + key + " consistent " + options;
  }
}
