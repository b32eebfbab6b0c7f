package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** nginx realip semantics: trusted peers, the header's list walked from the right, RFC 7239. */
class ClientAddressResolverTest {
  private static final IpAddress PROXY = ip("10.0.0.1");
  private static final IpAddress STRANGER = ip("203.0.113.9");

  private static IpAddress ip(String text) {
    IpAddress address = IpAddress.parse(text);
    assertThat(address).as(text).isNotNull();
    return address;
  }

  private static HeaderSource header(String name, String value) {
    return n -> n.equalsIgnoreCase(name) ? value : null;
  }

  private static ClientAddressResolver xff(boolean recursive) {
    return ClientAddressResolver.builder()
        .trustedProxies("10.0.0.0/8", "2001:db8::/32")
        .header("X-Forwarded-For")
        .recursive(recursive)
        .build();
  }

  private static String resolveXff(boolean recursive, IpAddress peer, String value) {
    return xff(recursive).resolve(peer, header("X-Forwarded-For", value)).toString();
  }

  @Test
  void anUntrustedPeersHeaderIsIgnored() {
    assertThat(resolveXff(false, STRANGER, "198.51.100.7")).isEqualTo("203.0.113.9");
    assertThat(resolveXff(true, STRANGER, "198.51.100.7")).isEqualTo("203.0.113.9");
  }

  @Test
  void aTrustedPeerWithoutTheHeaderIsTheClient() {
    assertThat(xff(false).resolve(PROXY, HeaderSource.EMPTY)).isEqualTo(PROXY);
    assertThat(resolveXff(false, PROXY, "")).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest(name = "{0} -> {1} / recursive {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // header                                       | non-recursive    | recursive
        "198.51.100.7                                   | 198.51.100.7     | 198.51.100.7",
        "198.51.100.7, 10.0.0.2                         | 10.0.0.2         | 198.51.100.7",
        "198.51.100.7, 192.0.2.5, 10.0.0.2              | 10.0.0.2         | 192.0.2.5",
        "10.0.0.3, 10.0.0.2                             | 10.0.0.2         | 10.0.0.3",
        "198.51.100.7,10.0.0.2                          | 10.0.0.2         | 198.51.100.7",
        "198.51.100.7 10.0.0.2                          | 10.0.0.2         | 198.51.100.7",
        "'198.51.100.7 ,  10.0.0.2 , '                  | 10.0.0.2         | 198.51.100.7",
        "198.51.100.7:4711                              | 198.51.100.7     | 198.51.100.7",
        "[2001:db8:cafe::17]:4711                       | 2001:db8:cafe::17 | 2001:db8:cafe::17",
        "2001:db8:cafe::17                              | 2001:db8:cafe::17 | 2001:db8:cafe::17",
        "'198.51.100.7, [2001:db8::5]:80'               | 2001:db8::5      | 198.51.100.7",
        "::ffff:198.51.100.7                            | ::ffff:198.51.100.7 | ::ffff:198.51.100.7",
        "'198.51.100.7, ::ffff:10.0.0.4'                | ::ffff:10.0.0.4  | 198.51.100.7",
        // nginx's ngx_parse_addr_port, leniencies included.
        "010.001.002.003                                | 10.1.2.3         | 10.1.2.3",
        "198.51..7                                      | 198.51.0.7       | 198.51.0.7",
        "198.51.100.7:0080                              | 198.51.100.7     | 198.51.100.7",
        "::ffff:010.1.2.3                               | ::ffff:10.1.2.3  | ::ffff:10.1.2.3",
        ":2001:db8:0:0:0:0:0:17                         | 2001:db8::17     | 2001:db8::17",
        "2001:db8::17:                                  | 2001:db8::17:0   | 2001:db8::17:0",
        "'10.0.0.3 ,198.51.100.7'                       | 198.51.100.7     | 198.51.100.7",
        // Malformed last entry: the peer stands.
        "unknown                                        | 10.0.0.1         | 10.0.0.1",
        "198.51.100.7, garbage                          | 10.0.0.1         | 10.0.0.1",
        "198.51.100.7:0                                 | 10.0.0.1         | 10.0.0.1",
        "198.51.100.7:65536                             | 10.0.0.1         | 10.0.0.1",
        "198.51.100.7:                                  | 10.0.0.1         | 10.0.0.1",
        "[198.51.100.7]                                 | 10.0.0.1         | 10.0.0.1",
        "[2001:db8::1                                   | 10.0.0.1         | 10.0.0.1",
        "[2001:db8::1]x                                 | 10.0.0.1         | 10.0.0.1",
        "[2001:db8:cafe::17]                            | 10.0.0.1         | 10.0.0.1",
        "255.255.255.255                                | 10.0.0.1         | 10.0.0.1",
        "::ffff:255.255.255.255                         | 10.0.0.1         | 10.0.0.1",
        "1:2:3:4:5:6:7::                                | 10.0.0.1         | 10.0.0.1",
        "'198.51.100.7\t10.0.0.2'                       | 10.0.0.1         | 10.0.0.1",
        "',198.51.100.7'                                | 10.0.0.1         | 10.0.0.1",
        "fe80::1%eth0                                   | 10.0.0.1         | 10.0.0.1",
        "'  ,  , '                                      | 10.0.0.1         | 10.0.0.1",
        // Malformed deeper in a recursive walk: the last good (trusted) address stands, as nginx.
        "'garbage, 10.0.0.2'                            | 10.0.0.2         | 10.0.0.2",
        "'198.51.100.7, unknown, 10.0.0.2'              | 10.0.0.2         | 10.0.0.2",
      })
  void xForwardedForChains(String value, String nonRecursive, String recursive) {
    assertThat(resolveXff(false, PROXY, value)).isEqualTo(nonRecursive);
    assertThat(resolveXff(true, PROXY, value)).isEqualTo(recursive);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "010.1.2.3                 | 10.0.0.1",
        "198.51..7                 | 10.0.0.1",
        "::ffff:010.1.2.3          | 10.0.0.1",
        ":2001:db8:0:0:0:0:0:17    | 10.0.0.1",
        "2001:db8::17:             | 10.0.0.1",
        "255.255.255.255           | 10.0.0.1",
        "[2001:db8::5]             | 10.0.0.1",
        "198.51.100.7              | 198.51.100.7",
        "198.51.100.7:0080         | 198.51.100.7",
        "[2001:db8::5]:80          | 2001:db8::5",
        "'192.0.2.1, 010.1.2.3'    | 10.0.0.1",
      })
  void strictAddressesRefuseWhatOnlyNginxReads(String value, String client) {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8")
            .header("X-Forwarded-For")
            .strictAddresses(true)
            .build();
    assertThat(resolver.isStrict()).isTrue();
    assertThat(resolver.resolve(PROXY, header("X-Forwarded-For", value)).toString())
        .isEqualTo(client);
  }

  @Test
  void anIpv6PeerCanBeTrusted() {
    assertThat(resolveXff(false, ip("2001:db8::99"), "198.51.100.7")).isEqualTo("198.51.100.7");
    assertThat(resolveXff(false, ip("2001:db9::99"), "198.51.100.7")).isEqualTo("2001:db9::99");
  }

  @Test
  void anIpv4MappedPeerMatchesIpv4Blocks() {
    assertThat(resolveXff(false, ip("::ffff:10.1.2.3"), "198.51.100.7")).isEqualTo("198.51.100.7");
  }

  @Test
  void xRealIpIsTheDefaultHeader() {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder().trustedProxies("10.0.0.0/8").build();
    assertThat(resolver.header()).isEqualTo("X-Real-IP");
    assertThat(resolver.isRecursive()).isFalse();
    assertThat(resolver.resolve(PROXY, header("X-Real-IP", "198.51.100.7")).toString())
        .isEqualTo("198.51.100.7");
    // Another header is not read.
    assertThat(resolver.resolve(PROXY, header("X-Forwarded-For", "198.51.100.7"))).isEqualTo(PROXY);
  }

  @Test
  void anyHeaderNameIsReadAsAList() {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.1")
            .header("CF-Connecting-IP")
            .build();
    assertThat(resolver.resolve(PROXY, header("cf-connecting-ip", "198.51.100.7")).toString())
        .isEqualTo("198.51.100.7");
  }

  private static String resolveForwarded(boolean recursive, String value) {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8")
            .header("Forwarded")
            .recursive(recursive)
            .build();
    return resolver.resolve(PROXY, header("Forwarded", value)).toString();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "for=198.51.100.7                                          | 198.51.100.7 | 198.51.100.7",
        "For=\"198.51.100.7\"                                      | 198.51.100.7 | 198.51.100.7",
        "for=\"[2001:db8:cafe::17]:4711\"                          | 2001:db8:cafe::17 | 2001:db8:cafe::17",
        "for=\"[2001:db8:cafe::17]\"                               | 2001:db8:cafe::17 | 2001:db8:cafe::17",
        "for=\"198.51.100.7:_hidden\"                              | 198.51.100.7 | 198.51.100.7",
        "for=192.0.2.60;proto=http;by=203.0.113.43                 | 192.0.2.60   | 192.0.2.60",
        "proto=https; for=192.0.2.60                               | 192.0.2.60   | 192.0.2.60",
        "'for=198.51.100.7, for=10.0.0.2'                          | 10.0.0.2     | 198.51.100.7",
        "'for=198.51.100.7;ext=\"a,b;c\", for=10.0.0.2'            | 10.0.0.2     | 198.51.100.7",
        "'for=198.51.100.7, , for=10.0.0.2'                        | 10.0.0.2     | 198.51.100.7",
        "'for=198.51.100.7, for=10.0.0.2,'                         | 10.0.0.2     | 198.51.100.7",
        // Identifiers that are no address, and malformed nodes.
        "for=unknown                                               | 10.0.0.1     | 10.0.0.1",
        "for=_hidden                                               | 10.0.0.1     | 10.0.0.1",
        "for=\"2001:db8::1\"                                       | 10.0.0.1     | 10.0.0.1",
        "for=\"[2001:db8::1]:_\"                                   | 10.0.0.1     | 10.0.0.1",
        "for=\"198.51.100.7:99999\"                                | 10.0.0.1     | 10.0.0.1",
        "for=\"198\\.51.100.7\"                                    | 10.0.0.1     | 10.0.0.1",
        "by=10.0.0.2                                               | 10.0.0.1     | 10.0.0.1",
        "for=198.51.100.7;for=198.51.100.8                         | 10.0.0.1     | 10.0.0.1",
        "'for=198.51.100.7, for=unknown, for=10.0.0.2'             | 10.0.0.2     | 10.0.0.2",
        // Syntax errors: the whole header is ignored.
        "for=\"198.51.100.7                                        | 10.0.0.1     | 10.0.0.1",
        "for                                                       | 10.0.0.1     | 10.0.0.1",
        "for=                                                      | 10.0.0.1     | 10.0.0.1",
        "=198.51.100.7                                             | 10.0.0.1     | 10.0.0.1",
        "for=198.51.100.7 x                                        | 10.0.0.1     | 10.0.0.1",
      })
  void forwardedHeader(String value, String nonRecursive, String recursive) {
    assertThat(resolveForwarded(false, value)).isEqualTo(nonRecursive);
    assertThat(resolveForwarded(true, value)).isEqualTo(recursive);
  }

  @Test
  void peersGivenAsText() {
    ClientAddressResolver resolver = xff(false);
    HeaderSource headers = header("X-Forwarded-For", "198.51.100.7");
    assertThat(resolver.resolve("10.0.0.1", headers).toString()).isEqualTo("198.51.100.7");
    assertThat(resolver.resolve("[2001:db8::1]", headers).toString()).isEqualTo("198.51.100.7");
    assertThat(resolver.resolve(" 203.0.113.9 ", headers).toString()).isEqualTo("203.0.113.9");
    assertThat(resolver.resolve("fe80::1%eth0", headers).toString()).isEqualTo("fe80::1");
    assertThat(resolver.resolve("[fe80::1%25eth0]", headers).toString()).isEqualTo("fe80::1");
    assertThat(resolver.resolve("unix:/run/gateway.sock", headers)).isNull();
    assertThat(resolver.resolve((String) null, headers)).isNull();
  }

  @Test
  void aFailingHeaderSourceMeansThePeer() {
    HeaderSource broken =
        name -> {
          throw new IllegalStateException("request recycled");
        };
    try (CapturedLog log = CapturedLog.start()) { // how it is logged: AdapterFailureLoggingTest
      assertThat(xff(true).resolve(PROXY, broken)).isEqualTo(PROXY);
      assertThat(log.records())
          .extracting(CapturedLog.Entry::logger)
          .containsOnly("dev.lbkit.core.HeaderSource");
    }
  }

  @Test
  void directTrustsNobody() {
    assertThat(ClientAddressResolver.direct().resolve(PROXY, header("X-Real-IP", "198.51.100.7")))
        .isEqualTo(PROXY);
    assertThat(ClientAddressResolver.direct().trustedProxies()).isEmpty();
    assertThat(
            ClientAddressResolver.builder()
                .header("X-Forwarded-For")
                .build()
                .resolve(PROXY, header("X-Forwarded-For", "198.51.100.7")))
        .isEqualTo(PROXY);
  }

  @Test
  void configurationErrorsNameTheValue() {
    assertThatThrownBy(() -> ClientAddressResolver.builder().trustedProxies("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "trusted proxy: \"10.0.0.0/33\" (expected: a prefix length of 0..32 after '/')");
    assertThatThrownBy(() -> ClientAddressResolver.builder().trustedProxies(List.of("proxy.local")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "trusted proxy: \"proxy.local\" (expected: an IPv4 or IPv6 address");
    assertThatThrownBy(() -> ClientAddressResolver.builder().header("X Forwarded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("header: \"X Forwarded\" (expected: a header name");
  }

  @Test
  void toStringShowsTheConfiguration() {
    assertThat(xff(true).toString())
        .isEqualTo(
            "ClientAddressResolver{trusted=[10.0.0.0/8, 2001:db8::/32], header=X-Forwarded-For,"
                + " recursive}");
  }
}
