package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpHashTest {
  private static final List<Backend> FIVE = RingsTest.backends(5);

  private static RequestContext client(String address) {
    return RequestContext.ofClient(IpAddress.parse(address));
  }

  @Test
  void clientsOfOneSlash24ShareABackend() {
    Fixture f = Fixture.of(HashSelectors.ipHash(), FIVE);
    String first = f.pick(client("203.0.113.1"));
    for (int last = 0; last < 256; last++) {
      assertThat(f.pick(client("203.0.113." + last))).isEqualTo(first);
    }
  }

  @Test
  void ipv6HashesAllSixteenBytes() {
    Fixture f = Fixture.of(HashSelectors.ipHash(), FIVE);
    Set<String> seen = new HashSet<>();
    for (int last = 0; last < 64; last++) {
      seen.add(f.pick(client("2001:db8::" + Integer.toHexString(last))));
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }

  @Test
  void ipv4MappedAddressesHashAsIpv6UnlessAskedOtherwise() {
    Fixture nginx = Fixture.of(HashSelectors.ipHash(), RingsTest.backends(50));
    Fixture asIpv4 = Fixture.of(HashSelectors.ipHash(MappedIpv4.AS_IPV4), RingsTest.backends(50));
    int differ = 0;
    for (int i = 0; i < 200; i++) {
      String v4 = "198.51." + i + ".7";
      String mapped = "::ffff:" + v4;
      assertThat(asIpv4.pick(client(mapped))).isEqualTo(asIpv4.pick(client(v4)));
      assertThat(nginx.pick(client(v4))).isEqualTo(asIpv4.pick(client(v4)));
      differ += nginx.pick(client(mapped)).equals(nginx.pick(client(v4))) ? 0 : 1;
    }
    assertThat(differ).isGreaterThan(100); // 49 in 50 should differ
  }

  @Test
  void withoutAClientAddressItIsRoundRobin() {
    Fixture f = Fixture.of(HashSelectors.ipHash(), FIVE);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      seen.add(f.pick(RequestContext.empty()));
    }
    assertThat(seen).hasSize(5);
  }

  @Test
  void aDownBackendsClientsAreRemixedAndTheOthersStay() {
    List<Backend> three = RingsTest.backends(3);
    Fixture up = Fixture.of(HashSelectors.ipHash(), three);
    Fixture b2Down =
        Fixture.of(
            HashSelectors.ipHash(),
            List.of(three.get(0), three.get(1).withState(BackendState.DOWN), three.get(2)));
    for (int i = 0; i < 500; i++) {
      String address = (i % 223 + 1) + "." + (i * 7 % 256) + "." + (i * 13 % 256) + ".9";
      String before = up.pick(client(address));
      String after = b2Down.pick(client(address));
      assertThat(after).isNotEqualTo("b2");
      if (!before.equals("b2")) {
        assertThat(after).isEqualTo(before);
      }
    }
  }

  @Test
  void nothingEligibleMeansNone() {
    Fixture f = Fixture.of(HashSelectors.ipHash(), FIVE);
    assertThat(f.select(client("192.0.2.1"), i -> false)).isEqualTo(Selector.NONE);
    Fixture empty = Fixture.of(HashSelectors.ipHash(), List.of());
    assertThat(empty.select(client("192.0.2.1"))).isEqualTo(Selector.NONE);
  }

  @Test
  void aSingleBackendTakesEveryone() {
    Fixture f = Fixture.of(HashSelectors.ipHash(), RingsTest.backends(1));
    assertThat(f.pick(client("192.0.2.1"))).isEqualTo("b1");
    assertThat(f.pick(RequestContext.empty())).isEqualTo("b1");
  }

  @Test
  void describesItself() {
    assertThat(HashSelectors.ipHash()).hasToString("ip_hash");
    assertThat(HashSelectors.ipHash(MappedIpv4.AS_IPV4))
        .hasToString("ip_hash (IPv4-mapped as IPv4)");
  }
}
