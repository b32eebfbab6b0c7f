package dev.lbkit.hash;

import dev.lbkit.core.Eligibility;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx {@code ip_hash}, reproduced from {@code ngx_http_upstream_ip_hash_module.c}.
 *
 * <ul>
 *   <li>The hash starts at 89 and mixes bytes as {@code hash = (hash * 113 + byte) % 6271}: the
 *       first three octets of an IPv4 address (a /24 shares its backend), all sixteen of IPv6.
 *   <li>{@code hash % total_weight} walks the backends in order, each taking its weight; down
 *       backends count (see {@link NginxWeights}).
 *   <li>A pick that is not eligible is re-mixed: the same bytes are fed again into the running
 *       hash, and the walk repeats. After 21 unsuccessful picks (nginx's {@code ++tries > 20}), or
 *       with fewer than two backends, it is round robin.
 * </ul>
 *
 * <p>A request without a client address is round robin too: nginx hashes a fixed pseudo address
 * for non-IP connections, which would send all of them to one backend.
 *
 * <p>nginx keeps the running hash between the tries of one request; here a retry recomputes it
 * from 89 with the tried backends ineligible, which reaches the same backend unless more than 20
 * picks are ineligible (each earlier try then counts once more towards the limit).
 */
final class IpHashSelector implements Selector {
  private static final int TRIES = 21;

  private final boolean mappedAsIpv4;
  private final Precomputation<NginxWeights> weights = NginxWeights.precomputation();
  private final Selector roundRobin = Selector.roundRobin();

  IpHashSelector(boolean mappedAsIpv4) {
    this.mappedAsIpv4 = mappedAsIpv4;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    List<Precomputation<?>> all = new ArrayList<>(roundRobin.precomputations());
    all.add(weights);
    return List.copyOf(all);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    IpAddress address = request.clientAddress();
    NginxWeights table = pool.precomputed(weights);
    if (address == null || table.count() < 2) {
      return roundRobin.select(pool, request, eligible);
    }
    int offset = 0;
    int length;
    if (address.length() == 4) {
      length = 3;
    } else if (mappedAsIpv4 && address.isIpv4Mapped()) {
      offset = 12;
      length = 3;
    } else {
      length = address.length();
    }
    int hash = 89;
    for (int tries = 0; tries < TRIES; tries++) {
      for (int i = 0; i < length; i++) {
        hash = (hash * 113 + address.byteAt(offset + i)) % 6271;
      }
      int peer = table.peerFor(hash);
      if (eligible.isEligible(peer)) {
        return peer;
      }
    }
    return roundRobin.select(pool, request, eligible);
  }

  @Override
  public String toString() {
    return mappedAsIpv4 ? "ip_hash (IPv4-mapped as IPv4)" : "ip_hash";
  }
}
