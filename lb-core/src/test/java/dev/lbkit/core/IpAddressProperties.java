package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class IpAddressProperties {

  @Property(tries = 500)
  void canonicalTextRoundTrips(@ForAll @Size(16) byte[] v6, @ForAll @Size(4) byte[] v4) {
    for (byte[] bytes : new byte[][] {v6, v4}) {
      IpAddress address = IpAddress.ofBytes(bytes);
      assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
      assertThat(IpAddress.parse("[" + address + "]")).isEqualTo(address.isIpv4() ? null : address);
    }
  }

  /** Sparse addresses exercise the zero-run compression; the JDK's parser is the referee. */
  @Property(tries = 500)
  void agreesWithTheJdkOnIpv6(
      @ForAll @Size(8) boolean[] zeroGroups, @ForAll @Size(8) short[] groups) throws Exception {
    StringBuilder full = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        full.append(':');
      }
      full.append(Integer.toHexString(zeroGroups[i] ? 0 : groups[i] & 0xffff));
    }
    IpAddress address = IpAddress.parse(full);
    byte[] expected = InetAddress.getByName(full.toString()).getAddress();
    if (expected.length == 4) {
      // The JDK turns IPv4-mapped addresses into IPv4; we keep them as they were written.
      assertThat(address.isIpv4Mapped()).isTrue();
      assertThat(address.unmapIpv4().toBytes()).isEqualTo(expected);
    } else {
      assertThat(address.toBytes()).isEqualTo(expected);
    }
    String canonical = address.toString();
    assertThat(canonical).doesNotContain(":::").doesNotContainPattern("(^|:)0[0-9a-f]");
    assertThat(canonical.indexOf("::")).isEqualTo(canonical.lastIndexOf("::"));
    assertThat(IpAddress.parse(canonical)).isEqualTo(address);
  }

  @Property(tries = 1000)
  void neverThrowsOnAnyText(@ForAll String text) {
    IpAddress address = IpAddress.parse(text);
    if (address != null) {
      assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
    }
  }
}
