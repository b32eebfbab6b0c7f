package dev.lbkit.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address as its bytes: an immutable value.
 *
 * <p>Parsing never resolves names and never throws on client input: {@link #parse} returns {@code
 * null} for anything that is not an address literal. Hash methods read the bytes with {@link
 * #byteAt(int)}, which allocates nothing.
 */
public final class IpAddress {
  private final byte[] bytes;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses an IPv4 dotted quad ({@code 192.0.2.1}) or an IPv6 literal ({@code 2001:db8::1}, {@code
   * ::ffff:192.0.2.1}, optionally in brackets). Ports, zone ids and surrounding spaces are not
   * accepted here; {@link ClientAddressResolver} strips them from header values.
   *
   * @return the address, or {@code null} if {@code text} is not an address literal
   */
  public static @Nullable IpAddress parse(@Nullable CharSequence text) {
    return text == null ? null : parse(text, 0, text.length());
  }

  /** As {@link #parse(CharSequence)} for {@code text[start, end)}, without copying it. */
  static @Nullable IpAddress parse(CharSequence text, int start, int end) {
    if (start < 0 || end > text.length() || start > end) {
      return null;
    }
    boolean bracketed = false;
    if (end - start >= 2 && text.charAt(start) == '[' && text.charAt(end - 1) == ']') {
      start++;
      end--;
      bracketed = true;
    }
    if (end - start < 2 || end - start > 45) {
      return null;
    }
    for (int i = start; i < end; i++) {
      if (text.charAt(i) == ':') {
        byte[] v6 = new byte[16];
        return parseIpv6(text, start, end, v6) ? new IpAddress(v6) : null;
      }
    }
    if (bracketed) {
      return null; // brackets are for IPv6 only
    }
    byte[] v4 = new byte[4];
    return parseIpv4(text, start, end, v4, 0) ? new IpAddress(v4) : null;
  }

  /** The address of an {@link InetAddress} (no name lookup). */
  public static IpAddress of(InetAddress address) {
    return new IpAddress(address.getAddress());
  }

  /**
   * Wraps address bytes (4 for IPv4, 16 for IPv6), copying them.
   *
   * @throws IllegalArgumentException for any other length
   */
  public static IpAddress ofBytes(byte[] bytes) {
    if (bytes.length != 4 && bytes.length != 16) {
      throw new IllegalArgumentException(
          "address bytes: " + bytes.length + " (expected: 4 for IPv4 or 16 for IPv6)");
    }
    return new IpAddress(bytes.clone());
  }

  /** 4 for IPv4, 16 for IPv6. */
  public int length() {
    return bytes.length;
  }

  /** The byte at {@code index}, 0..255. */
  public int byteAt(int index) {
    return bytes[index] & 0xff;
  }

  /** A copy of the bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Whether this is a 4-byte IPv4 address. */
  public boolean isIpv4() {
    return bytes.length == 4;
  }

  /** Whether this is an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). */
  public boolean isIpv4Mapped() {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** The IPv4 address inside an IPv4-mapped address, or this address otherwise. */
  public IpAddress unmapIpv4() {
    return isIpv4Mapped() ? new IpAddress(Arrays.copyOfRange(bytes, 12, 16)) : this;
  }

  /**
   * This address as a JDK {@link InetAddress} (no name lookup). An IPv4-mapped address stays an
   * {@link Inet6Address}, where {@link InetAddress#getByAddress(byte[])} would turn it into IPv4.
   */
  public InetAddress toInetAddress() {
    try {
      return bytes.length == 4
          ? InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof IpAddress && Arrays.equals(bytes, ((IpAddress) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /**
   * The canonical text: a dotted quad for IPv4, RFC 5952 for IPv6 (lowercase, no leading zeros, the
   * longest run of two or more zero groups as {@code ::}, the first of equal runs), with an
   * IPv4-mapped address as {@code ::ffff:192.0.2.1} (RFC 5952 section 5). {@link #parse} reads it
   * back to an equal address.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(bytes.length == 4 ? 15 : 39);
    if (bytes.length == 4) {
      appendIpv4(sb, 0);
      return sb.toString();
    }
    if (isIpv4Mapped()) {
      sb.append("::ffff:");
      appendIpv4(sb, 12);
      return sb.toString();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  private void appendIpv4(StringBuilder sb, int offset) {
    for (int i = 0; i < 4; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(bytes[offset + i] & 0xff);
    }
  }

  /** ASCII only: {@link Character#digit} would also accept other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean parseIpv4(CharSequence s, int start, int end, byte[] out, int offset) {
    int part = 0;
    int value = -1;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (value == 0) {
          return false; // a leading zero would be read as octal by some parsers: refuse it
        }
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return false;
        }
      } else if (c == '.') {
        if (value < 0 || part == 3) {
          return false;
        }
        out[offset + part++] = (byte) value;
        value = -1;
      } else {
        return false;
      }
    }
    if (value < 0 || part != 3) {
      return false;
    }
    out[offset + 3] = (byte) value;
    return true;
  }

  private static boolean parseIpv6(CharSequence s, int start, int end, byte[] out) {
    int[] groups = new int[8];
    int count = 0;
    int doubleColonAt = -1;
    int i = start;
    if (end - start >= 2 && s.charAt(start) == ':') {
      if (s.charAt(start + 1) != ':') {
        return false;
      }
      doubleColonAt = 0;
      i = start + 2;
      if (i == end) {
        return true; // "::"
      }
    }
    while (i < end) {
      if (count == 8) {
        return false;
      }
      int groupStart = i;
      int value = 0;
      int digits = 0;
      while (i < end && digits <= 4) {
        int d = hexDigit(s.charAt(i));
        if (d < 0) {
          break;
        }
        value = (value << 4) | d;
        digits++;
        i++;
      }
      if (i < end && s.charAt(i) == '.') {
        // An embedded IPv4 address takes the last 32 bits.
        if (count > 6) {
          return false;
        }
        byte[] v4 = new byte[4];
        if (!parseIpv4(s, groupStart, end, v4, 0)) {
          return false;
        }
        groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        i = end;
        break;
      }
      if (digits == 0 || digits > 4) {
        return false;
      }
      groups[count++] = value;
      if (i == end) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < end && s.charAt(i) == ':') {
        if (doubleColonAt >= 0) {
          return false;
        }
        doubleColonAt = count;
        i++;
        if (i == end) {
          break;
        }
      } else if (i == end) {
        return false; // trailing single colon
      }
    }
    if (doubleColonAt < 0) {
      if (count != 8) {
        return false;
      }
    } else {
      if (count == 8) {
        return false;
      }
      int move = count - doubleColonAt;
      System.arraycopy(groups, doubleColonAt, groups, 8 - move, move);
      Arrays.fill(groups, doubleColonAt, 8 - move, 0);
    }
    for (int g = 0; g < 8; g++) {
      out[2 * g] = (byte) (groups[g] >>> 8);
      out[2 * g + 1] = (byte) groups[g];
    }
    return true;
  }
}
