package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}),
 * or a single address: an immutable value, as nginx {@code set_real_ip_from} takes it.
 *
 * <p>As nginx, an IPv4 block also contains the IPv4-mapped IPv6 form of its addresses ({@code
 * ::ffff:10.1.2.3}), which is how a dual-stack socket reports an IPv4 peer; and a block written
 * with host bits set ({@code 10.1.2.3/8}) means the block those bits belong to ({@code
 * 10.0.0.0/8}), which {@link #toString()} then shows.
 */
public final class Cidr {
  private final IpAddress network;
  private final int prefixLength;
  private final byte[] bytes;

  private Cidr(byte[] bytes, int prefixLength) {
    this.bytes = bytes;
    this.prefixLength = prefixLength;
    this.network = IpAddress.ofBytes(bytes);
  }

  /**
   * Parses {@code address/prefix} or a single address (a {@code /32} or {@code /128} block).
   *
   * @throws IllegalArgumentException naming the value, if it is neither
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String addressPart = slash < 0 ? text : text.substring(0, slash);
    IpAddress address = IpAddress.parse(addressPart);
    checkArgument(
        address != null,
        "trusted proxy: \"%s\" (expected: an IPv4 or IPv6 address or CIDR block, such as"
            + " 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)",
        text);
    int max = address.length() * 8;
    int prefix = max;
    if (slash >= 0) {
      prefix = parsePrefix(text, slash + 1);
      checkArgument(
          prefix >= 0 && prefix <= max,
          "trusted proxy: \"%s\" (expected: a prefix length of 0..%s after '/')",
          text,
          max);
    }
    return of(address, prefix);
  }

  /**
   * The block of {@code prefixLength} leading bits of {@code address}; host bits are cleared.
   *
   * @throws IllegalArgumentException if the prefix length does not fit the address family
   */
  public static Cidr of(IpAddress address, int prefixLength) {
    Objects.requireNonNull(address, "address");
    int max = address.length() * 8;
    checkArgument(
        prefixLength >= 0 && prefixLength <= max,
        "prefix length of %s: %s (expected: 0..%s)",
        address,
        prefixLength,
        max);
    byte[] masked = address.toBytes();
    for (int bit = prefixLength; bit < max; bit++) {
      masked[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
    }
    return new Cidr(masked, prefixLength);
  }

  private static int parsePrefix(String text, int from) {
    int length = text.length() - from;
    if (length < 1 || length > 3) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The first address of the block. */
  public IpAddress network() {
    return network;
  }

  /** The number of leading bits that all addresses of the block share. */
  public int prefixLength() {
    return prefixLength;
  }

  /** Whether {@code address} is in this block. Allocates nothing. */
  public boolean contains(@Nullable IpAddress address) {
    if (address == null) {
      return false;
    }
    int offset = 0;
    if (address.length() != bytes.length) {
      if (bytes.length == 4 && address.isIpv4Mapped()) {
        offset = 12; // as nginx: a mapped IPv4 peer matches IPv4 blocks
      } else {
        return false;
      }
    }
    int fullBytes = prefixLength >>> 3;
    for (int i = 0; i < fullBytes; i++) {
      if ((byte) address.byteAt(offset + i) != bytes[i]) {
        return false;
      }
    }
    int restBits = prefixLength & 7;
    if (restBits == 0) {
      return true;
    }
    int mask = (0xff << (8 - restBits)) & 0xff;
    return (address.byteAt(offset + fullBytes) & mask) == (bytes[fullBytes] & 0xff);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Cidr
        && ((Cidr) o).prefixLength == prefixLength
        && ((Cidr) o).network.equals(network);
  }

  @Override
  public int hashCode() {
    return 31 * network.hashCode() + prefixLength;
  }

  /** {@code network/prefixLength}, for example {@code 10.0.0.0/8}. */
  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
