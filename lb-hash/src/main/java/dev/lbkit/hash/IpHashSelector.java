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
 * <p>The arithmetic is nginx's, rearranged so that a pick costs one reduction and one table read
 * ({@link IpHashTable}); {@code NginxReferenceProperties} checks it against a line-by-line
 * transcription of the C.
 *
 * <p>A request without a client address is round robin too: nginx hashes a fixed pseudo address for
 * non-IP connections, which would send all of them to one backend.
 *
 * <p>nginx keeps the running hash between the tries of one request; here a retry recomputes it from
 * 89 with the tried backends ineligible, which reaches the same backend unless more than 20 picks
 * are ineligible (each earlier try then counts once more towards the limit).
 */
final class IpHashSelector implements Selector {
  private static final int TRIES = 21;

  private final boolean mappedAsIpv4;
  private final Precomputation<IpHashTable> table = IpHashTable.precomputation();
  private final Selector roundRobin = Selector.roundRobin();

  IpHashSelector(boolean mappedAsIpv4) {
    this.mappedAsIpv4 = mappedAsIpv4;
  }

  @Override
  public List<Precomputation<?>> precomputations() {
    List<Precomputation<?>> all = new ArrayList<>();
    all.add(table);
    all.addAll(roundRobin.precomputations());
    return List.copyOf(all);
  }

  @Override
  public int select(PoolSnapshot pool, RequestContext request, Eligibility eligible) {
    IpAddress address = request.clientAddress();
    IpHashTable peers = pool.precomputed(table);
    if (address == null || !peers.hashes()) {
      return roundRobin.select(pool, request, eligible);
    }
    int power;
    int mixed;
    if (address.length() == 4) {
      power = IpHashTable.IPV4_POWER;
      mixed = IpHashTable.mixedIpv4(address, 0);
    } else if (mappedAsIpv4 && address.isIpv4Mapped()) {
      power = IpHashTable.IPV4_POWER;
      mixed = IpHashTable.mixedIpv4(address, 12);
    } else {
      power = IpHashTable.IPV6_POWER;
      mixed = IpHashTable.mixedIpv6(address);
    }
    int hash = IpHashTable.first(power, mixed);
    for (int tries = 1; ; tries++) {
      int peer = peers.peer(hash);
      if (eligible.isEligible(peer)) {
        return peer;
      }
      if (tries == TRIES) {
        return roundRobin.select(pool, request, eligible);
      }
      hash = IpHashTable.remix(hash, power, mixed);
    }
  }

  @Override
  public String toString() {
    return mappedAsIpv4 ? "ip_hash (IPv4-mapped as IPv4)" : "ip_hash";
  }
}
