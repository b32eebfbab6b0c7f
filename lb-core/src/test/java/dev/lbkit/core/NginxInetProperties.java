package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** nginx's address parsers against {@link IpAddress#parse} where both must agree, and apart. */
class NginxInetProperties {

  @Property(tries = 1000)
  void readsEveryCanonicalAddressAsIpAddressDoes(
      @ForAll @Size(16) byte[] v6, @ForAll @Size(4) byte[] v4) {
    for (byte[] bytes : new byte[][] {v6, v4}) {
      IpAddress address = IpAddress.ofBytes(bytes);
      String text = address.toString();
      IpAddress nginx = NginxInet.parseAddr(text, 0, text.length());
      if (address.unmapIpv4().equals(IpAddress.parse("255.255.255.255"))) {
        assertThat(nginx).as(text).isNull(); // INADDR_NONE
      } else {
        assertThat(nginx).as(text).isEqualTo(address);
      }
    }
  }

  @Property(tries = 1000)
  void octetsAreDecimalWhateverTheirLeadingZeros(
      @ForAll @Size(4) byte[] v4, @ForAll @Size(4) int[] zeros) {
    IpAddress address = IpAddress.ofBytes(v4);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      if (i > 0) {
        text.append('.');
      }
      int octet = v4[i] & 0xff;
      // An empty octet reads as 0, and any number of zeros may lead.
      String digits = octet == 0 && (zeros[i] & 1) == 0 ? "" : Integer.toString(octet);
      text.append("0".repeat(Math.floorMod(zeros[i], 4))).append(digits);
    }
    IpAddress nginx = NginxInet.parseAddr(text, 0, text.length());
    if (address.equals(IpAddress.parse("255.255.255.255"))) {
      assertThat(nginx).isNull();
    } else {
      assertThat(nginx).as(text.toString()).isEqualTo(address);
    }
  }

  @Property(tries = 1000)
  void aPortOfOneTo65535FollowsAnyAddress(
      @ForAll @Size(16) byte[] v6,
      @ForAll @Size(4) byte[] v4,
      @ForAll @IntRange(min = 0, max = 70_000) int port,
      @ForAll @IntRange(min = 0, max = 3) int leadingZeros) {
    String portText = "0".repeat(leadingZeros) + port;
    boolean validPort = port >= 1 && port <= 65535;
    IpAddress six = IpAddress.ofBytes(v6);
    IpAddress four = IpAddress.ofBytes(v4);
    String bracketed = "[" + six + "]:" + portText;
    String dotted = four + ":" + portText;
    IpAddress none = IpAddress.parse("255.255.255.255");
    assertThat(NginxInet.parseAddrPort(bracketed, 0, bracketed.length(), false))
        .as(bracketed)
        .isEqualTo(validPort && !six.unmapIpv4().equals(none) ? six : null);
    assertThat(NginxInet.parseAddrPort(dotted, 0, dotted.length(), false))
        .as(dotted)
        .isEqualTo(validPort && !four.equals(none) ? four : null);
    String bare = "[" + six + "]";
    assertThat(NginxInet.parseAddrPort(bare, 0, bare.length(), false)).isNull();
  }

  @Provide
  Arbitrary<String> addressLikeText() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:.[]x ").ofMaxLength(45);
  }

  /** Where both read an address they read the same one; strict mode is the intersection. */
  @Property(tries = 5000)
  void agreesWithIpAddressWhereBothRead(@ForAll("addressLikeText") String text) {
    IpAddress nginx = NginxInet.parseAddr(text, 0, text.length());
    IpAddress ours = IpAddress.parse(text);
    if (nginx != null && ours != null) {
      assertThat(nginx).as(text).isEqualTo(ours);
    }
    IpAddress strict = NginxInet.parseAddrPort(text, 0, text.length(), true);
    IpAddress lenient = NginxInet.parseAddrPort(text, 0, text.length(), false);
    if (strict != null) {
      assertThat(lenient).as(text).isEqualTo(strict);
    }
  }

  /** A full eight-group form may carry one extra leading colon, as nginx skips it. */
  @Property(tries = 500)
  void oneExtraLeadingColonIsSkipped(@ForAll @Size(8) short[] groups) {
    StringBuilder full = new StringBuilder();
    for (short group : groups) {
      full.append(':').append(Integer.toHexString(group & 0xffff));
    }
    String text = full.toString();
    assertThat(NginxInet.parseAddr(text, 0, text.length()))
        .isEqualTo(IpAddress.parse(text.substring(1)));
    String twice = ":" + text;
    assertThat(NginxInet.parseAddr(twice, 0, twice.length())).isNull();
  }
}
