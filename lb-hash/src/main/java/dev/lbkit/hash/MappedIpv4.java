package dev.lbkit.hash;

/**
 * How {@link HashSelectors#ipHash(MappedIpv4)} hashes an IPv4-mapped IPv6 address ({@code
 * ::ffff:a.b.c.d}).
 */
public enum MappedIpv4 {
  /** All sixteen bytes, as nginx does: the client lands where it would over IPv6. */
  AS_IPV6,
  /**
   * The first three octets of the IPv4 address inside, so that a client lands on the same backend
   * whether a dual-stack listener shows it as IPv4 or as IPv4-mapped IPv6.
   */
  AS_IPV4
}
