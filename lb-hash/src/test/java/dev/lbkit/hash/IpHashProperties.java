package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * ip_hash's rearranged arithmetic ({@link IpHashTable}) is nginx's: one reduction per mix equals
 * one per byte, the table equals the weight walk for every hash, and the selector agrees with the
 * transcription of the C on large weighted upstreams with many backends down.
 */
class IpHashProperties {
  /** nginx's loop: one multiplication and one reduction per byte. */
  private static int nginxMix(int hash, byte[] bytes, int offset, int length) {
    for (int i = 0; i < length; i++) {
      hash = (hash * 113 + (bytes[offset + i] & 0xff)) % 6271;
    }
    return hash;
  }

  /** nginx's weight walk over the peers, down ones included. */
  private static int nginxWalk(int hash, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int w = hash % total;
    int p = 0;
    while (w >= weights[p]) {
      w -= weights[p];
      p++;
    }
    return p;
  }

  @Property(tries = 200)
  void mixingWithOneReductionEqualsNginxsReductionPerByte(
      @ForAll boolean ipv6, @ForAll @IntRange(min = 0, max = 6270) int start, @ForAll long seed) {
    Random random = new Random(seed);
    byte[] bytes = new byte[ipv6 ? 16 : 4];
    random.nextBytes(bytes);
    if (random.nextInt(4) == 0) {
      java.util.Arrays.fill(bytes, (byte) 0xff); // the largest products
    }
    IpAddress address = IpAddress.ofBytes(bytes);
    int length = ipv6 ? 16 : 3;
    int power = ipv6 ? IpHashTable.IPV6_POWER : IpHashTable.IPV4_POWER;
    int mixed = ipv6 ? IpHashTable.mixedIpv6(address) : IpHashTable.mixedIpv4(address, 0);
    assertThat(IpHashTable.first(power, mixed)).isEqualTo(nginxMix(89, bytes, 0, length));
    int hash = start;
    int expected = start;
    for (int tries = 0; tries < 21; tries++) {
      hash = IpHashTable.remix(hash, power, mixed);
      expected = nginxMix(expected, bytes, 0, length);
      assertThat(hash).isEqualTo(expected);
    }
    if (ipv6) { // the IPv4 inside an IPv4-mapped address: bytes 12..14
      assertThat(IpHashTable.first(IpHashTable.IPV4_POWER, IpHashTable.mixedIpv4(address, 12)))
          .isEqualTo(nginxMix(89, bytes, 12, 3));
    }
  }

  @Property(tries = 100)
  void theTableIsNginxsWeightWalkForEveryHash(
      @ForAll @IntRange(min = 2, max = 400) int n,
      @ForAll @IntRange(min = 1, max = 10_000) int maxWeight,
      @ForAll long seed) {
    Random random = new Random(seed);
    int[] weights = new int[n];
    List<Backend> backends = new ArrayList<>();
    boolean equal = random.nextInt(3) == 0;
    for (int i = 0; i < n; i++) {
      weights[i] = equal ? maxWeight : 1 + random.nextInt(maxWeight);
      Backend b = Backend.of("b" + i, "10.0.0.1", 1000 + i).withWeight(weights[i]);
      backends.add(random.nextInt(4) == 0 ? b.withState(BackendState.DOWN) : b);
    }
    IpHashTable table = IpHashTable.of(backends);
    NginxWeights nginxWeights = NginxWeights.of(backends);
    for (int hash = 0; hash < IpHashTable.MODULUS; hash++) {
      int expected = nginxWalk(hash, weights);
      assertThat(table.peer(hash)).as("hash %s", hash).isEqualTo(expected);
      assertThat(nginxWeights.peerFor(hash)).isEqualTo(expected);
    }
    // nginx hash's running hash goes beyond 6271 (21 tries of up to 2^15 - 1).
    for (int k = 0; k < 2000; k++) {
      int hash = random.nextInt(21 << 15);
      assertThat(nginxWeights.peerFor(hash)).isEqualTo(nginxWalk(hash, weights));
    }
  }

  @Property(tries = 40)
  void theSelectorAgreesWithNginxOnLargeUpstreamsWithManyDown(
      @ForAll @IntRange(min = 2, max = 300) int n, @ForAll long seed) {
    Random random = new Random(seed);
    int downEvery = 1 + random.nextInt(4); // a quarter to all of them down
    List<Backend> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Backend b =
          Backend.of("b" + i, "10.0.0.1", 1000 + i)
              .withWeight(1 + random.nextInt(random.nextBoolean() ? 1 : 100));
      peers.add(random.nextInt(downEvery + 1) > 0 ? b.withState(BackendState.DOWN) : b);
    }
    boolean mappedAsIpv4 = random.nextBoolean();
    Fixture f =
        Fixture.of(
            HashSelectors.ipHash(mappedAsIpv4 ? MappedIpv4.AS_IPV4 : MappedIpv4.AS_IPV6), peers);
    for (int k = 0; k < 300; k++) {
      byte[] addr = new byte[random.nextBoolean() ? 16 : 4];
      random.nextBytes(addr);
      if (addr.length == 16 && random.nextInt(3) == 0) { // ::ffff:a.b.c.d
        java.util.Arrays.fill(addr, 0, 10, (byte) 0);
        addr[10] = (byte) 0xff;
        addr[11] = (byte) 0xff;
      }
      IpAddress address = IpAddress.ofBytes(addr);
      byte[] hashed = mappedAsIpv4 && address.isIpv4Mapped() ? address.unmapIpv4().toBytes() : addr;
      int expected = NginxReference.ipHash(peers, hashed, i -> true);
      int actual = f.select(RequestContext.ofClient(address));
      if (expected >= 0) {
        assertThat(actual).as("client %s", address).isEqualTo(expected);
      } else {
        assertThat(actual).isBetween(Selector.NONE, n - 1); // round robin
      }
    }
  }
}
