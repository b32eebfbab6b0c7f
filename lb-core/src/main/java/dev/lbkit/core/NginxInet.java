package dev.lbkit.core;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Address text read exactly as nginx reads it in {@code src/core/ngx_inet.c}: {@code
 * ngx_inet_addr}, {@code ngx_inet6_addr}, {@code ngx_parse_addr} and {@code ngx_parse_addr_port},
 * which the realip module applies to every entry of a forwarded-address header.
 *
 * <p>nginx is more lenient than {@link IpAddress#parse} in places and stricter in others, and a
 * resolver that claims nginx's answers has to give them all:
 *
 * <ul>
 *   <li>IPv4 octets are decimal whatever their leading zeros ({@code 010.001.002.003} is 10.1.2.3),
 *       an empty octet is 0 ({@code 1..2.3} is 1.0.2.3), and {@code 255.255.255.255} is refused,
 *       since it equals {@code INADDR_NONE}, the value {@code ngx_inet_addr} returns for an error.
 *   <li>IPv6 may start with one extra colon ({@code :1:2:3:4:5:6:7:8}) and end with a colon after
 *       {@code ::} ({@code 1::2:} is 1::2:0); {@code ::} may not stand for a single group at the
 *       end ({@code 1:2:3:4:5:6:7::} is refused); an embedded IPv4 part reads as above.
 *   <li>A port follows after {@code :} ({@code 192.0.2.1:80}) or {@code ]:} ({@code [::1]:80}), 1
 *       to 65535 with any leading zeros; brackets without a port are refused ({@code [::1]}).
 * </ul>
 */
final class NginxInet {
  /** {@code INADDR_NONE}: {@code ngx_inet_addr}'s error value, and 255.255.255.255. */
  private static final long INADDR_NONE = 0xffffffffL;

  private NginxInet() {}

  /**
   * {@code ngx_parse_addr_port}: an address with an optional port, or {@code null}. With {@code
   * strict}, the address must also be a literal {@link IpAddress#parse} reads (no leading zeros, no
   * empty octets, RFC 4291 IPv6): a subset of what nginx accepts.
   */
  static @Nullable IpAddress parseAddrPort(CharSequence s, int start, int end, boolean strict) {
    IpAddress address = parseAddr(s, start, end, strict);
    if (address != null) {
      return address;
    }
    int p;
    int addressStart = start;
    int addressEnd;
    if (end > start && s.charAt(start) == '[') {
      p = indexOf(s, start, end, ']');
      if (p < 0 || p == end - 1 || s.charAt(++p) != ':') {
        return null;
      }
      addressStart = start + 1;
      addressEnd = p - 1;
    } else {
      p = indexOf(s, start, end, ':');
      if (p < 0) {
        return null;
      }
      addressEnd = p;
    }
    if (!isPort(s, p + 1, end)) {
      return null;
    }
    return parseAddr(s, addressStart, addressEnd, strict);
  }

  private static @Nullable IpAddress parseAddr(CharSequence s, int start, int end, boolean strict) {
    IpAddress address = parseAddr(s, start, end);
    if (strict && address != null && IpAddress.parse(s, start, end) == null) {
      return null;
    }
    return address;
  }

  /** {@code ngx_parse_addr}: IPv4 as {@code ngx_inet_addr}, else IPv6, else {@code null}. */
  static @Nullable IpAddress parseAddr(CharSequence s, int start, int end) {
    long v4 = inetAddr(s, start, end);
    if (v4 != INADDR_NONE) {
      return IpAddress.ofBytes(
          new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
    }
    byte[] v6 = new byte[16];
    return inet6Addr(s, start, end, v6) ? IpAddress.ofBytes(v6) : null;
  }

  /** {@code ngx_inet_addr}: the address in host order, or {@link #INADDR_NONE}. */
  static long inetAddr(CharSequence s, int start, int end) {
    long addr = 0;
    int octet = 0;
    int dots = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        octet = octet * 10 + (c - '0');
        if (octet > 255) {
          return INADDR_NONE;
        }
        continue;
      }
      if (c == '.') {
        addr = (addr << 8) + octet;
        octet = 0;
        dots++;
        continue;
      }
      return INADDR_NONE;
    }
    if (dots == 3) {
      return ((addr << 8) + octet) & 0xffffffffL;
    }
    return INADDR_NONE;
  }

  /** {@code ngx_inet6_addr}: fills {@code out} (16 bytes) and returns whether the text is one. */
  static boolean inet6Addr(CharSequence s, int start, int end, byte[] out) {
    int len = end - start;
    if (len <= 0) {
      return false;
    }
    int p = start;
    int zero = -1; // where "::" stands in out
    int digit = -1; // where the group after the last colon starts in s
    int len4 = 0;
    int nibbles = 0;
    int word = 0;
    int groupsLeft = 8;
    int a = 0;
    if (s.charAt(p) == ':') {
      p++;
      len--;
    }
    for (; len > 0; len--) {
      char c = s.charAt(p++);
      if (c == ':') {
        if (nibbles != 0) {
          digit = p;
          len4 = len;
          out[a++] = (byte) (word >>> 8);
          out[a++] = (byte) word;
          if (--groupsLeft != 0) {
            nibbles = 0;
            word = 0;
            continue;
          }
        } else if (zero < 0) {
          digit = p;
          len4 = len;
          zero = a;
          continue;
        }
        return false;
      }
      if (c == '.' && nibbles != 0) {
        if (groupsLeft < 2 || digit < 0) {
          return false;
        }
        long v4 = inetAddr(s, digit, digit + len4 - 1);
        if (v4 == INADDR_NONE) {
          return false;
        }
        word = (int) v4;
        out[a++] = (byte) (word >>> 24);
        out[a++] = (byte) (word >>> 16);
        groupsLeft--;
        break;
      }
      if (++nibbles > 4) {
        return false;
      }
      if (c >= '0' && c <= '9') {
        word = word * 16 + (c - '0');
        continue;
      }
      char lower = (char) (c | 0x20);
      if (lower >= 'a' && lower <= 'f') {
        word = word * 16 + (lower - 'a') + 10;
        continue;
      }
      return false;
    }
    if (nibbles == 0 && zero < 0) {
      return false;
    }
    out[a++] = (byte) (word >>> 8);
    out[a++] = (byte) word;
    if (--groupsLeft != 0) {
      if (zero >= 0) {
        int gap = groupsLeft * 2;
        for (int from = a - 1; from >= zero; from--) {
          out[from + gap] = out[from];
        }
        Arrays.fill(out, zero, zero + gap, (byte) 0);
        return true;
      }
    } else if (zero < 0) {
      return true;
    }
    return false;
  }

  /** {@code ngx_atoi} then 1..65535: digits only, any number of leading zeros. */
  private static boolean isPort(CharSequence s, int start, int end) {
    if (start >= end) {
      return false;
    }
    int port = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = Math.min(port * 10 + (c - '0'), 65536); // anything past 65535 is refused anyway
    }
    return port >= 1 && port <= 65535;
  }

  private static int indexOf(CharSequence s, int start, int end, char c) {
    for (int i = start; i < end; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }
}
