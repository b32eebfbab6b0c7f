package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Eligibility;
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
 * The nginx selectors agree with {@link NginxReference} on random upstreams (weights 1..10, some
 * down, some tried), random clients and random keys: "larger sets produced the same way".
 */
class NginxReferenceProperties {
  static List<Backend> upstream(Random random, int n, boolean someDown) {
    List<Backend> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Backend b =
          Backend.of("b" + (i + 1), "127.0.0.1", 9001 + i)
              .withWeight(1 + random.nextInt(random.nextBoolean() ? 1 : 10));
      if (someDown && random.nextInt(3) == 0) {
        b = b.withState(BackendState.DOWN);
      }
      peers.add(b);
    }
    return peers;
  }

  static String randomKey(Random random) {
    int length = random.nextInt(40);
    StringBuilder sb = new StringBuilder();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** A pool view over the list with the given extra exclusions ("tried" backends). */
  static Eligibility eligibility(List<Backend> peers, boolean[] tried) {
    return i -> peers.get(i).state() == BackendState.UP && !tried[i];
  }

  @Property(tries = 60)
  void ipHashAgreesWithTheReference(
      @ForAll @IntRange(min = 1, max = 12) int n, @ForAll boolean someDown, @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> peers = upstream(random, n, someDown);
    Fixture f = Fixture.of(HashSelectors.ipHash(), peers);
    for (int k = 0; k < 300; k++) {
      byte[] addr = new byte[random.nextInt(4) == 0 ? 16 : 4];
      random.nextBytes(addr);
      boolean[] tried = new boolean[n];
      if (random.nextInt(4) == 0) {
        tried[random.nextInt(n)] = true;
      }
      int expected = NginxReference.ipHash(peers, addr, i -> !tried[i]);
      int actual =
          f.select(RequestContext.ofClient(IpAddress.ofBytes(addr)), eligibility(peers, tried));
      if (expected >= 0) {
        assertThat(actual).as("client %s", IpAddress.ofBytes(addr)).isEqualTo(expected);
      } else {
        assertThat(actual).isBetween(Selector.NONE, n - 1); // round robin
      }
    }
  }

  @Property(tries = 60)
  void hashAgreesWithTheReference(
      @ForAll @IntRange(min = 1, max = 12) int n, @ForAll boolean someDown, @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> peers = upstream(random, n, someDown);
    Fixture f = Fixture.of(HashSelectors.hash(KeyExtractor.header("K")), peers);
    for (int k = 0; k < 300; k++) {
      String key = randomKey(random);
      boolean[] tried = new boolean[n];
      if (random.nextInt(4) == 0) {
        tried[random.nextInt(n)] = true;
      }
      int expected = NginxReference.hash(peers, key, i -> !tried[i]);
      int actual = f.select(Fixture.header("K", key), eligibility(peers, tried));
      if (expected >= 0) {
        assertThat(actual).as("key %s", key).isEqualTo(expected);
      } else {
        assertThat(actual).isBetween(Selector.NONE, n - 1);
      }
    }
  }

  @Property(tries = 40)
  void consistentHashAgreesWithTheReference(
      @ForAll @IntRange(min = 1, max = 10) int n, @ForAll boolean someDown, @ForAll long seed) {
    Random random = new Random(seed);
    List<Backend> peers = upstream(random, n, someDown);
    List<String> servers = new ArrayList<>();
    for (Backend b : peers) {
      servers.add(b.authority());
    }
    List<NginxReference.Point> points = NginxReference.chashPoints(peers, servers);
    Fixture f =
        Fixture.of(
            HashSelectors.hashConsistent(
                KeyExtractor.header("K"),
                HashOptions.builder().backendKey(BackendKey.authority()).build()),
            peers);
    for (int k = 0; k < 300; k++) {
      String key = randomKey(random);
      boolean[] tried = new boolean[n];
      if (random.nextInt(4) == 0) {
        tried[random.nextInt(n)] = true;
      }
      int expected = NginxReference.chash(peers, servers, points, key, i -> !tried[i]);
      int actual = f.select(Fixture.header("K", key), eligibility(peers, tried));
      if (expected >= 0) {
        assertThat(actual).as("key %s", key).isEqualTo(expected);
      } else {
        assertThat(actual).isBetween(Selector.NONE, n - 1);
      }
    }
  }
}
