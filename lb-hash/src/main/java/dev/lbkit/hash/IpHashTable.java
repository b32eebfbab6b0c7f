package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.Precomputation;
import java.util.List;

/**
 * nginx {@code ip_hash}'s arithmetic, with its per-request work moved to the snapshot.
 *
 * <p>nginx mixes each byte as {@code hash = (hash * 113 + byte) % 6271} and then walks the peers
 * with {@code hash % total_weight}. Two facts make that O(1) with identical answers:
 *
 * <ul>
 *   <li>Reducing modulo 6271 after every step or once at the end gives the same residue, so mixing
 *       {@code k} bytes into {@code hash} is {@code (hash x 113^k + S) % 6271}, where {@code S} is
 *       the bytes weighted by powers of 113: one reduction instead of one per byte, and the
 *       products of the bytes are independent of each other. A re-mix (nginx feeds the same bytes
 *       again after an unavailable pick) is the same step with the same {@code S}.
 *   <li>The hash is below 6271, so the peer that nginx's weight walk reaches from it can be
 *       tabulated for all 6271 values once per change of the backend set: a pick is one array read,
 *       whatever the number of backends and their weights.
 * </ul>
 */
final class IpHashTable {
  /** nginx's modulus. */
  static final int MODULUS = 6271;

  private static final int START = 89;
  private static final int MULTIPLIER = 113;

  /** POWERS[k] = 113^k % 6271. */
  private static final int[] POWERS = new int[17];

  static {
    POWERS[0] = 1;
    for (int k = 1; k < POWERS.length; k++) {
      POWERS[k] = POWERS[k - 1] * MULTIPLIER % MODULUS;
    }
  }

  // Constants, which C2 folds into the multiplications.
  private static final int P1 = POWERS[1];
  private static final int P2 = POWERS[2];
  private static final long PAIR0 = pairOf(0);
  private static final long PAIR1 = pairOf(2);
  private static final long PAIR2 = pairOf(4);
  private static final long PAIR3 = pairOf(6);
  private static final long PAIR4 = pairOf(8);
  private static final long PAIR5 = pairOf(10);
  private static final long PAIR6 = pairOf(12);
  private static final long PAIR7 = pairOf(14);

  /** {@code 113^3 % 6271} and {@code 113^16 % 6271}: how mixing an address scales the hash. */
  static final int IPV4_POWER = POWERS[3];

  static final int IPV6_POWER = POWERS[16];

  /**
   * peers[hash]: the backend nginx's weight walk reaches from {@code hash}, for hash < 6271. As
   * 16-bit chars (12 KiB, which stays in the first-level cache): the walk from {@code w = hash %
   * total_weight} passes at most {@code w} backends of weight at least 1, so the index is below
   * 6271 however many backends there are.
   */
  private final char[] peers;

  private IpHashTable(char[] peers) {
    this.peers = peers;
  }

  /** The precomputation: one instance for every selector, so one value per snapshot. */
  static Precomputation<IpHashTable> precomputation() {
    return PRECOMPUTATION;
  }

  private static final Precomputation<IpHashTable> PRECOMPUTATION =
      new Precomputation<>() {
        @Override
        public IpHashTable compute(List<Backend> backends) {
          return of(backends);
        }

        @Override
        public String toString() {
          return "ip_hash table";
        }
      };

  static IpHashTable of(List<Backend> backends) {
    if (backends.size() < 2) {
      return new IpHashTable(new char[0]); // nginx is round robin then
    }
    NginxWeights weights = NginxWeights.of(backends);
    char[] peers = new char[MODULUS];
    for (int hash = 0; hash < MODULUS; hash++) {
      peers[hash] = (char) weights.peerFor(hash);
    }
    return new IpHashTable(peers);
  }

  /** Whether there are at least two backends to hash over (with fewer, nginx is round robin). */
  boolean hashes() {
    return peers.length != 0;
  }

  /** The backend for a hash below 6271. */
  int peer(int hash) {
    return peers[hash];
  }

  /**
   * {@code S} for the first three bytes of an IPv4 address, or the three bytes from {@code offset}
   * (the IPv4 inside an IPv4-mapped address): each byte times its power of 113, left unreduced
   * (below 2^23) because {@link #remix} reduces anyway. Mixing them into {@code hash} is {@link
   * #remix} with {@link #IPV4_POWER}.
   */
  static int mixedIpv4(IpAddress address, int offset) {
    return address.byteAt(offset) * P2
        + address.byteAt(offset + 1) * P1
        + address.byteAt(offset + 2);
  }

  /**
   * {@code S} for the sixteen bytes of an IPv6 address: each byte times its power of 113, left
   * unreduced (below 2^25).
   *
   * <p>Two products per multiplication: {@code (b_i + b_j << 32) x (c_i << 32 | c_j)} holds {@code
   * b_i c_i + b_j c_j} in its high 32 bits, while {@code b_i c_j} (below 2^21) stays in the low
   * ones and {@code b_j c_i} overflows away. Eight such sums stay below 2^25 in the high half and
   * the low halves below 2^24, so one addition of the eight products carries nothing across. Eight
   * multiplications instead of sixteen: the sixteen had made IPv6 cost 10 ns more than IPv4.
   */
  static int mixedIpv6(IpAddress a) {
    long sum =
        pair(a, 0, PAIR0)
            + pair(a, 2, PAIR1)
            + (pair(a, 4, PAIR2) + pair(a, 6, PAIR3))
            + (pair(a, 8, PAIR4) + pair(a, 10, PAIR5) + (pair(a, 12, PAIR6) + pair(a, 14, PAIR7)));
    return (int) (sum >>> 32);
  }

  private static long pair(IpAddress a, int i, long coefficients) {
    return (a.byteAt(i) | (long) a.byteAt(i + 1) << 32) * coefficients;
  }

  /** The coefficients of bytes {@code i} and {@code i + 1} of sixteen: 113^(15-i), 113^(14-i). */
  private static long pairOf(int i) {
    return (long) POWERS[15 - i] << 32 | POWERS[14 - i];
  }

  /** The first hash of a client: nginx's 89 with the bytes mixed in. */
  static int first(int power, int mixedBytes) {
    return remix(START, power, mixedBytes);
  }

  /**
   * The bytes mixed once more into {@code hash}, as nginx's loop does after an unavailable pick.
   * The one reduction of a pick: {@code hash x power} is below 6271^2 and {@code mixedBytes} below
   * 2^25, so the sum stays below 2^27.
   */
  static int remix(int hash, int power, int mixedBytes) {
    return (hash * power + mixedBytes) % MODULUS;
  }

  @Override
  public String toString() {
    return "IpHashTable{" + peers.length + " entries}";
  }
}
