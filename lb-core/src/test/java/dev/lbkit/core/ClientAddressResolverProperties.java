package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a trusted proxy's header holds, the resolver answers with the peer or a header address.
 */
class ClientAddressResolverProperties {
  private static final IpAddress PEER = IpAddress.parse("10.0.0.1");

  @Provide
  Arbitrary<String> headerValues() {
    Arbitrary<String> alphabet =
        Arbitraries.strings()
            .withChars("0123456789abcdefABCDEF:.[],; =\"_\\\t-forFORunkw")
            .ofMaxLength(60);
    Arbitrary<String> entry =
        Arbitraries.oneOf(
            Arbitraries.of(
                "198.51.100.7",
                "10.0.0.2",
                "10.0.0.3:80",
                "[2001:db8::1]:4711",
                "2001:db8::1",
                "unknown",
                "_hidden",
                "::ffff:10.9.9.9",
                "256.1.1.1",
                "[::1]",
                "1.2.3.4:99999"),
            alphabet);
    Arbitrary<String> forwardedEntry =
        entry.map(e -> Math.abs(e.hashCode()) % 2 == 0 ? "for=\"" + e + "\"" : "for=" + e);
    Arbitrary<String> list = entry.list().ofMaxSize(5).map(l -> String.join(", ", l));
    Arbitrary<String> forwarded = forwardedEntry.list().ofMaxSize(5).map(l -> String.join(", ", l));
    return Arbitraries.oneOf(alphabet, list, forwarded, Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 1500)
  void neverThrowsAndAnswersWithThePeerOrAHeaderAddress(
      @ForAll("headerValues") String value, @ForAll boolean recursive, @ForAll boolean forwarded) {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8", "2001:db8::/32")
            .header(forwarded ? "Forwarded" : "X-Forwarded-For")
            .recursive(recursive)
            .build();
    IpAddress client = resolver.resolve(PEER, name -> value);
    assertThat(client).isNotNull();
    if (!client.equals(PEER)) {
      assertThat(appearsIn(value, client)).as("%s is written in %s", client, value).isTrue();
    }
  }

  @Property(tries = 300)
  void anUntrustedPeerIsAlwaysTheClient(@ForAll("headerValues") String value) {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8")
            .header("X-Forwarded-For")
            .recursive(true)
            .build();
    IpAddress stranger = IpAddress.parse("203.0.113.9");
    assertThat(resolver.resolve(stranger, name -> value)).isEqualTo(stranger);
  }

  /** Whether some substring of {@code text} is a literal of {@code address}, as either reads it. */
  private static boolean appearsIn(String text, IpAddress address) {
    for (int i = 0; i < text.length(); i++) {
      for (int j = i + 1; j <= text.length(); j++) {
        if (address.equals(IpAddress.parse(text.substring(i, j)))
            || address.equals(NginxInet.parseAddr(text, i, j))) {
          return true;
        }
      }
    }
    return false;
  }
}
