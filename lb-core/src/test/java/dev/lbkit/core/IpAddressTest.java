package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "[::1], ::1",
    "2001:DB8::1, 2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    "::ffff:192.0.2.1, ::ffff:192.0.2.1",
    "::FFFF:c000:0201, ::ffff:192.0.2.1",
    "::192.0.2.1, ::c000:201",
    "64:ff9b::192.0.2.1, 64:ff9b::c000:201",
    "1:2:3:4:5:6:192.0.2.1, 1:2:3:4:5:6:c000:201",
    "fe80::1, fe80::1",
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    IpAddress address = IpAddress.parse(text);
    assertThat(address).isNotNull();
    assertThat(address.toString()).isEqualTo(canonical);
    assertThat(IpAddress.parse(canonical)).isEqualTo(address);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "",
        "1",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.4.",
        ".1.2.3",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.04",
        "00.0.0.0",
        "1.2.3.-4",
        "1.2.3.4 ",
        " 1.2.3.4",
        "[1.2.3.4]",
        "1.2.3.4:80",
        "١.٢.٣.٤",
        "localhost",
        ":",
        ":::",
        ":1",
        "1:",
        "1:::2",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "12345::",
        "g::1",
        "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3",
        "::1.2.3.4.5",
        "::01.2.3.4",
        "1.2.3.4::",
        "::1.2.3.4:5",
        "fe80::1%eth0",
        "[::1",
        "::1]",
        "[]",
        "[::1]:80",
        "::ffff:256.0.0.1",
        "1111:2222:3333:4444:5555:6666:7777:8888:9999"
      })
  void refusesWhatIsNotALiteral(String text) {
    assertThat(IpAddress.parse(text)).isNull();
  }

  @Test
  void nullIsNoAddress() {
    assertThat(IpAddress.parse(null)).isNull();
  }

  @Test
  void bytesAndFamilies() {
    IpAddress v4 = IpAddress.parse("192.0.2.1");
    assertThat(v4.isIpv4()).isTrue();
    assertThat(v4.length()).isEqualTo(4);
    assertThat(v4.byteAt(0)).isEqualTo(192);
    assertThat(v4.toBytes()).containsExactly((byte) 192, 0, 2, 1);
    IpAddress mapped = IpAddress.parse("::ffff:192.0.2.1");
    assertThat(mapped.isIpv4()).isFalse();
    assertThat(mapped.isIpv4Mapped()).isTrue();
    assertThat(mapped.unmapIpv4()).isEqualTo(v4);
    assertThat(mapped).isNotEqualTo(v4);
    assertThat(v4.unmapIpv4()).isSameAs(v4);
    assertThat(IpAddress.parse("::1").isIpv4Mapped()).isFalse();
    // toBytes is a copy.
    byte[] bytes = v4.toBytes();
    bytes[0] = 1;
    assertThat(v4.byteAt(0)).isEqualTo(192);
  }

  @Test
  void inetAddressesRoundTrip() throws Exception {
    IpAddress v4 = IpAddress.parse("192.0.2.1");
    assertThat(v4.toInetAddress()).isInstanceOf(Inet4Address.class);
    assertThat(IpAddress.of(v4.toInetAddress())).isEqualTo(v4);
    IpAddress mapped = IpAddress.parse("::ffff:192.0.2.1");
    assertThat(mapped.toInetAddress()).isInstanceOf(Inet6Address.class);
    assertThat(IpAddress.of(mapped.toInetAddress())).isEqualTo(mapped);
    IpAddress v6 = IpAddress.parse("2001:db8::1");
    assertThat(v6.toInetAddress()).isEqualTo(InetAddress.getByName("2001:db8::1"));
  }

  @Test
  void ofBytesChecksTheLength() {
    assertThat(IpAddress.ofBytes(new byte[] {10, 0, 0, 1}).toString()).isEqualTo("10.0.0.1");
    assertThatThrownBy(() -> IpAddress.ofBytes(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address bytes: 5 (expected: 4 for IPv4 or 16 for IPv6)");
  }

  @Test
  void equalsAndHashCode() {
    assertThat(IpAddress.parse("2001:db8::1")).isEqualTo(IpAddress.parse("2001:0DB8:0::0:1"));
    assertThat(IpAddress.parse("2001:db8::1").hashCode())
        .isEqualTo(IpAddress.parse("2001:0DB8:0::0:1").hashCode());
    assertThat(IpAddress.parse("10.0.0.1")).isNotEqualTo(IpAddress.parse("10.0.0.2"));
    assertThat(IpAddress.parse("10.0.0.1")).isNotEqualTo("10.0.0.1");
  }
}
