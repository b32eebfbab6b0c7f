package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "192.168.1.0/24, 192.168.1.77, true",
    "192.168.1.0/24, 192.168.2.1, false",
    "192.168.1.128/25, 192.168.1.127, false",
    "192.168.1.128/25, 192.168.1.200, true",
    "172.16.0.0/12, 172.31.255.1, true",
    "172.16.0.0/12, 172.32.0.1, false",
    "0.0.0.0/0, 8.8.8.8, true",
    "0.0.0.0/0, ::1, false",
    "192.0.2.7, 192.0.2.7, true",
    "192.0.2.7, 192.0.2.8, false",
    "10.0.0.0/8, ::ffff:10.1.2.3, true",
    "10.0.0.0/8, ::ffff:11.1.2.3, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "2001:db8::/33, 2001:db8:7fff::1, true",
    "2001:db8::/33, 2001:db8:8000::1, false",
    "::/0, 10.0.0.1, false",
    "::1, ::1, true",
    "::ffff:0:0/96, ::ffff:10.1.2.3, true",
  })
  void contains(String cidr, String address, boolean expected) {
    assertThat(Cidr.parse(cidr).contains(IpAddress.parse(address))).isEqualTo(expected);
  }

  @Test
  void hostBitsAreClearedAsNginxDoes() {
    Cidr cidr = Cidr.parse("10.1.2.3/8");
    assertThat(cidr.toString()).isEqualTo("10.0.0.0/8");
    assertThat(cidr).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(cidr.hashCode()).isEqualTo(Cidr.parse("10.0.0.0/8").hashCode());
    assertThat(cidr.network()).isEqualTo(IpAddress.parse("10.0.0.0"));
    assertThat(cidr.prefixLength()).isEqualTo(8);
    assertThat(Cidr.parse("2001:db8::1/32").toString()).isEqualTo("2001:db8::/32");
    assertThat(Cidr.parse("192.0.2.7").toString()).isEqualTo("192.0.2.7/32");
    assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    assertThat(Cidr.parse("10.0.0.0/8").contains(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/8",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "10.0.0.0/1000",
        "10.0.0.0/8/8",
        "10.0.0.0/x",
        "2001:db8::/129",
        "all",
        "unix:",
        "10.0.0.0 /8",
        "localhost"
      })
  void invalidBlocksAreRefusedWithTheValueNamed(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trusted proxy: \"" + text + "\" (expected: ");
  }

  @Test
  void ofValidatesThePrefix() {
    assertThatThrownBy(() -> Cidr.of(IpAddress.parse("10.0.0.0"), 33))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix length of 10.0.0.0: 33 (expected: 0..32)");
  }
}
