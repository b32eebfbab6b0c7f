package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the client's address behind trusted proxies, as nginx's realip module does ({@code
 * set_real_ip_from}, {@code real_ip_header}, {@code real_ip_recursive}).
 *
 * <p>Only a peer inside one of the trusted blocks may speak for the client; a header from any other
 * peer is ignored, so that a client cannot choose its own address (and with it its {@code ip_hash}
 * backend). The header holds a list of addresses, the nearest proxy's entry last:
 *
 * <ul>
 *   <li>Non-recursive (the default, as nginx): the last address of the list is the client.
 *   <li>Recursive: walking the list from the right, every trusted address is skipped; the first
 *       untrusted one is the client. If every address is trusted, the leftmost one is.
 * </ul>
 *
 * <p>{@code X-Forwarded-For}, {@code X-Real-IP} and any other header name are read exactly as nginx
 * 1.22 reads them: entries separated by commas or spaces, each an address with an optional port
 * ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}, or a bare IPv6 address), parsed as nginx's
 * {@code ngx_parse_addr_port} does: octets with leading zeros are decimal ({@code 010.1.2.3} is
 * 10.1.2.3), {@code 255.255.255.255} is no address, brackets need a port. {@link
 * Builder#strictAddresses} refuses entries that are not canonical literals. {@code Forwarded} is
 * read as RFC 7239: the {@code for=} parameter of each element, a token or a quoted string, IPv6 in
 * brackets, an optional (possibly obfuscated) port. The identifiers {@code unknown} and {@code
 * _obfuscated} are no address, so they count as malformed.
 *
 * <p>Client input never makes this throw. A malformed entry ends the walk: when it is the last
 * entry the peer's own address stands; deeper in a recursive walk, the last good (trusted) address
 * found stands, exactly as nginx stops there. A {@code Forwarded} header that breaks RFC 7239's
 * syntax (an unterminated quote, a parameter without {@code =}) is ignored as a whole, logged at
 * DEBUG only: a client's malformed header is no bug of the gateway. A header source that throws is
 * one, of the adapter: the peer's address stands, and the first failure is logged at WARN.
 *
 * <pre>{@code
 * ClientAddressResolver resolver = ClientAddressResolver.builder()
 *     .trustedProxies("10.0.0.0/8", "2001:db8::/32")
 *     .header("X-Forwarded-For")
 *     .recursive(true)
 *     .build();
 * IpAddress client = resolver.resolve(servletRequest.getRemoteAddr(), servletRequest::getHeader);
 * }</pre>
 */
public final class ClientAddressResolver {
  private static final Logger logger = LoggerFactory.getLogger(ClientAddressResolver.class);

  /** nginx's {@code real_ip_header} default. */
  public static final String DEFAULT_HEADER = "X-Real-IP";

  private static final String FORWARDED = "Forwarded";

  private static final ClientAddressResolver DIRECT =
      new ClientAddressResolver(new Cidr[0], DEFAULT_HEADER, false, false);

  private final Cidr[] trusted;
  private final String header;
  private final boolean forwarded;
  private final boolean recursive;
  private final boolean strict;

  private ClientAddressResolver(Cidr[] trusted, String header, boolean recursive, boolean strict) {
    this.trusted = trusted;
    this.header = header;
    this.forwarded = header.equalsIgnoreCase(FORWARDED);
    this.recursive = recursive;
    this.strict = strict;
  }

  /** Trusts no proxy: the client is always the peer. */
  public static ClientAddressResolver direct() {
    return DIRECT;
  }

  /** Starts building a resolver. */
  public static Builder builder() {
    return new Builder();
  }

  /** The trusted proxy blocks. */
  public List<Cidr> trustedProxies() {
    return List.of(trusted);
  }

  /** The header read from trusted peers. */
  public String header() {
    return header;
  }

  /** Whether trusted addresses in the header are skipped ({@code real_ip_recursive on}). */
  public boolean isRecursive() {
    return recursive;
  }

  /**
   * Whether list entries must be canonical address literals ({@link Builder#strictAddresses}),
   * rather than anything nginx reads as one.
   */
  public boolean isStrict() {
    return strict;
  }

  /** Whether {@code address} is inside a trusted block. */
  public boolean isTrusted(@Nullable IpAddress address) {
    for (Cidr cidr : trusted) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address for a connection from {@code peer} carrying {@code headers}.
   *
   * @return an address from the header, or {@code peer}
   */
  public IpAddress resolve(IpAddress peer, HeaderSource headers) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(headers, "headers");
    if (!isTrusted(peer)) {
      return peer;
    }
    String value;
    try {
      value = headers.get(header);
    } catch (RuntimeException e) {
      HeaderSourceFailures.report(headers, header, e);
      return peer;
    }
    if (value == null || value.isEmpty()) {
      return peer;
    }
    return forwarded ? resolveForwarded(peer, value) : resolveList(peer, value);
  }

  /**
   * As {@link #resolve(IpAddress, HeaderSource)} for a peer given as text, as a servlet container
   * reports it ({@code 192.0.2.1}, {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code
   * fe80::1%eth0}).
   *
   * @return the client's address, or {@code null} if the peer is no IP address (a Unix socket)
   */
  public @Nullable IpAddress resolve(@Nullable String peer, HeaderSource headers) {
    IpAddress address = parsePeer(peer);
    return address == null ? null : resolve(address, headers);
  }

  private static @Nullable IpAddress parsePeer(@Nullable String peer) {
    if (peer == null) {
      return null;
    }
    String text = peer.trim();
    int zone = text.indexOf('%');
    if (zone >= 0) {
      // The zone of a link-local address names an interface of this host, not part of the address.
      text = text.startsWith("[") ? text.substring(0, zone) + "]" : text.substring(0, zone);
    }
    return IpAddress.parse(text);
  }

  /**
   * nginx's walk over a list separated by commas and spaces, from the right ({@code
   * ngx_http_get_forwarded_addr_internal}), with its every quirk: the first character of the value
   * is never taken for a separator, so {@code ",192.0.2.1"} is one malformed entry.
   */
  private IpAddress resolveList(IpAddress peer, String value) {
    IpAddress client = peer;
    int end = value.length();
    int p;
    do {
      if (!isTrusted(client)) {
        return client;
      }
      for (p = end - 1; p > 0 && isListSeparator(value.charAt(p)); p--) {
        end--;
      }
      for (; p > 0; p--) {
        if (isListSeparator(value.charAt(p))) {
          p++;
          break;
        }
      }
      IpAddress next = NginxInet.parseAddrPort(value, p, end, strict);
      if (next == null) {
        return client;
      }
      client = next;
      end = p - 1;
    } while (recursive && p > 0);
    return client;
  }

  private static boolean isListSeparator(char c) {
    return c == ',' || c == ' ';
  }

  /** The same walk over the {@code for=} nodes of RFC 7239 elements. */
  private IpAddress resolveForwarded(IpAddress peer, String value) {
    int[] nodes = forwardedNodes(value);
    if (nodes == null) {
      logger.debug("ignoring a malformed Forwarded header");
      return peer;
    }
    IpAddress client = peer;
    for (int element = nodes.length / 2 - 1; element >= 0; element--) {
      int start = nodes[2 * element];
      int end = nodes[2 * element + 1];
      IpAddress next = start >= 0 ? parseForwardedNode(value, start, end) : null;
      if (next == null) {
        return client;
      }
      client = next;
      if (!recursive || element == 0 || !isTrusted(client)) {
        return client;
      }
    }
    return client;
  }

  /**
   * Scans a {@code Forwarded} value into the bounds of each element's {@code for=} node (quotes
   * removed), {@code -1, -1} for an element without one or with it twice; {@code null} when the
   * value breaks the syntax.
   */
  private static int @Nullable [] forwardedNodes(String value) {
    int[] nodes = new int[8];
    int count = 0;
    int length = value.length();
    int pos = 0;
    int forStart = -1;
    int forEnd = -1;
    int forCount = 0;
    int pairs = 0;
    while (true) {
      pos = skipOws(value, pos, length);
      // One pair, or an empty one: "for=..." or "".
      if (pos < length && value.charAt(pos) != ';' && value.charAt(pos) != ',') {
        int nameStart = pos;
        while (pos < length && ResponseHeader.isTokenChar(value.charAt(pos))) {
          pos++;
        }
        int nameEnd = pos;
        if (nameEnd == nameStart || pos >= length || value.charAt(pos) != '=') {
          return null;
        }
        pos++;
        int valueStart;
        int valueEnd;
        if (pos < length && value.charAt(pos) == '"') {
          valueStart = pos + 1;
          pos = valueStart;
          while (pos < length && value.charAt(pos) != '"') {
            pos += value.charAt(pos) == '\\' ? 2 : 1;
          }
          if (pos >= length) {
            return null; // unterminated quoted string
          }
          valueEnd = pos;
          pos++;
        } else {
          valueStart = pos;
          while (pos < length && isUnquotedValueChar(value.charAt(pos))) {
            pos++;
          }
          valueEnd = pos;
          if (valueEnd == valueStart) {
            return null;
          }
        }
        pairs++;
        if (nameEnd - nameStart == 3 && value.regionMatches(true, nameStart, "for", 0, 3)) {
          forStart = valueStart;
          forEnd = valueEnd;
          forCount++;
        }
        pos = skipOws(value, pos, length);
      }
      if (pos < length && value.charAt(pos) == ';') {
        pos++;
        continue;
      }
      if (pos < length && value.charAt(pos) != ',') {
        return null; // something after a value that is neither ';' nor ','
      }
      // RFC 9110 section 5.6.1: empty list elements ("a, , b") are ignored.
      if (pairs > 0) {
        if (count + 2 > nodes.length) {
          nodes = Arrays.copyOf(nodes, nodes.length * 2);
        }
        boolean valid = forCount == 1;
        nodes[count++] = valid ? forStart : -1;
        nodes[count++] = valid ? forEnd : -1;
      }
      forCount = 0;
      pairs = 0;
      if (pos >= length) {
        return Arrays.copyOf(nodes, count);
      }
      pos++; // ','
    }
  }

  private static boolean isUnquotedValueChar(char c) {
    // A token, leniently widened to the characters of an address and port.
    return ResponseHeader.isTokenChar(c) || c == ':' || c == '[' || c == ']';
  }

  private static int skipOws(String s, int pos, int length) {
    while (pos < length && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
    return pos;
  }

  /**
   * Parses one RFC 7239 node: an IPv4 address or a bracketed IPv6 address, each with an optional
   * port that may be obfuscated ({@code _abc}), or {@code null}.
   */
  private static @Nullable IpAddress parseForwardedNode(String s, int start, int end) {
    if (start >= end) {
      return null;
    }
    if (s.charAt(start) == '[') {
      int close = s.indexOf(']', start);
      if (close < 0 || close >= end) {
        return null;
      }
      if (close + 1 < end && (s.charAt(close + 1) != ':' || !isPort(s, close + 2, end))) {
        return null;
      }
      IpAddress address = IpAddress.parse(s, start, close + 1);
      return address != null && !address.isIpv4() ? address : null;
    }
    int colon = -1;
    for (int i = start; i < end; i++) {
      if (s.charAt(i) == ':') {
        if (colon >= 0) {
          return null; // IPv6 only in brackets
        }
        colon = i;
      }
    }
    int addressEnd = end;
    if (colon >= 0) {
      if (!isPort(s, colon + 1, end)) {
        return null;
      }
      addressEnd = colon;
    }
    IpAddress address = IpAddress.parse(s, start, addressEnd);
    return address != null && address.isIpv4() ? address : null;
  }

  /** RFC 7239 section 6: a port number or an obfuscated port ({@code _} and more). */
  private static boolean isPort(String s, int start, int end) {
    int length = end - start;
    if (length <= 0) {
      return false;
    }
    if (s.charAt(start) == '_') {
      if (length < 2) {
        return false;
      }
      for (int i = start + 1; i < end; i++) {
        char c = s.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
        if (!ok) {
          return false;
        }
      }
      return true;
    }
    if (length > 5) {
      return false;
    }
    int port = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port >= 1 && port <= 65535;
  }

  @Override
  public String toString() {
    return "ClientAddressResolver{trusted="
        + trustedProxies()
        + ", header="
        + header
        + (recursive ? ", recursive" : "")
        + (strict ? ", strict" : "")
        + '}';
  }

  /** Builds a {@link ClientAddressResolver}. */
  public static final class Builder {
    private final List<Cidr> trusted = new ArrayList<>();
    private String header = DEFAULT_HEADER;
    private boolean recursive;
    private boolean strict;

    private Builder() {}

    /**
     * Adds trusted proxies as addresses or CIDR blocks ({@code set_real_ip_from}).
     *
     * @throws IllegalArgumentException naming the first value that is neither
     */
    public Builder trustedProxies(String... cidrs) {
      for (String cidr : cidrs) {
        trusted.add(Cidr.parse(cidr));
      }
      return this;
    }

    /** As {@link #trustedProxies(String...)}. */
    public Builder trustedProxies(Collection<String> cidrs) {
      for (String cidr : cidrs) {
        trusted.add(Cidr.parse(cidr));
      }
      return this;
    }

    /** Adds a trusted proxy block. */
    public Builder trustedProxy(Cidr cidr) {
      trusted.add(Objects.requireNonNull(cidr, "cidr"));
      return this;
    }

    /**
     * The header that trusted proxies set ({@code real_ip_header}): {@code X-Real-IP} unless set,
     * {@code X-Forwarded-For}, {@code Forwarded} (RFC 7239), or any other name, read as a list.
     *
     * @throws IllegalArgumentException if the name is not an HTTP header name
     */
    public Builder header(String header) {
      Objects.requireNonNull(header, "header");
      checkArgument(
          ResponseHeader.isToken(header),
          "header: \"%s\" (expected: a header name such as X-Forwarded-For, X-Real-IP or"
              + " Forwarded)",
          header);
      this.header = header;
      return this;
    }

    /**
     * Whether trusted addresses in the header are skipped, walking from the right ({@code
     * real_ip_recursive}); off unless set, as in nginx.
     */
    public Builder recursive(boolean recursive) {
      this.recursive = recursive;
      return this;
    }

    /**
     * Whether an entry of a list header must be an address literal as {@link IpAddress#parse} reads
     * it; off unless set, so that every entry reads as nginx reads it. nginx takes octets with
     * leading zeros as decimal ({@code 010.1.2.3} is 10.1.2.3) and an empty octet as 0, where other
     * parsers read {@code 010} as octal 8 or refuse it: a proxy chain whose other hops disagree
     * with nginx can be told apart by such an entry, which this refuses (the entry then counts as
     * malformed). The separators, ports and the {@code Forwarded} header are read the same either
     * way.
     */
    public Builder strictAddresses(boolean strict) {
      this.strict = strict;
      return this;
    }

    /** Builds the resolver. With no trusted proxy it behaves as {@link #direct()}. */
    public ClientAddressResolver build() {
      return new ClientAddressResolver(trusted.toArray(new Cidr[0]), header, recursive, strict);
    }
  }
}
