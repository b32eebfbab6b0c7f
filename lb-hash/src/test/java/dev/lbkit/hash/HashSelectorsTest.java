package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HashSelectorsTest {
  private static final KeyExtractor KEY = KeyExtractor.header("K");
  private static final List<Function<KeyExtractor, Selector>> KEYED =
      List.of(
          HashSelectors::hash,
          HashSelectors::hashConsistent,
          HashSelectors::ketama,
          HashSelectors::ring,
          HashSelectors::maglev);

  @Test
  void eachCallReturnsANewSelectorWhoseRingsAndTablesAreEqualValues() {
    // Issue 11: equal parameters make equal precomputations, which an upstream computes once.
    for (Function<KeyExtractor, Selector> factory : KEYED) {
      Selector a = factory.apply(KEY);
      Selector b = factory.apply(KEY);
      assertThat(a).isNotSameAs(b);
      assertThat(b.precomputations()).isEqualTo(a.precomputations());
      for (dev.lbkit.core.Precomputation<?> p : a.precomputations()) {
        assertThat(b.precomputations())
            .anySatisfy(q -> assertThat(q.hashCode()).isEqualTo(p.hashCode()));
      }
    }
    assertThat(Rings.defaultRing(100))
        .isEqualTo(Rings.defaultRing(100))
        .isNotEqualTo(Rings.defaultRing(160));
    assertThat(Rings.ketama(160, BackendKey.id()))
        .isEqualTo(Rings.ketama(160, BackendKey.id()))
        .isNotEqualTo(Rings.ketama(160, BackendKey.authority()));
    assertThat(Rings.maglev(65537, BackendKey.id()))
        .isEqualTo(Rings.maglev(65537, BackendKey.id()))
        .isNotEqualTo(Rings.maglev(251, BackendKey.id()));
  }

  /** Issue 11: an option a method does not read is refused, not silently ignored. */
  @Test
  void optionsAMethodDoesNotReadAreRefused() {
    HashOptions table = HashOptions.builder().tableSize(251).build();
    HashOptions points = HashOptions.builder().pointsPerWeight(40).build();
    HashOptions weighting =
        HashOptions.builder().ketamaWeighting(KetamaWeighting.values()[1]).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HashSelectors.ring(KEY, table))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tableSize: 251 (expected: the default, 65537; only maglev reads it, not ring)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HashSelectors.hashConsistent(KEY, table))
        .hasMessageStartingWith("tableSize: 251");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HashSelectors.maglev(KEY, points))
        .hasMessage("pointsPerWeight: 40 (expected: the default, 160; maglev does not read it)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HashSelectors.ring(KEY, weighting))
        .hasMessageStartingWith("ketamaWeighting: ");
    // What each method reads is accepted.
    assertThat(HashSelectors.maglev(KEY, table)).isNotNull();
    assertThat(HashSelectors.ring(KEY, points)).isNotNull();
    assertThat(HashSelectors.ketama(KEY, weighting)).isNotNull();
    assertThat(HashSelectors.hashConsistent(KEY, HashOptions.builder().boundedLoad(1.25).build()))
        .isNotNull();
  }

  @Test
  void theSameKeyAlwaysReachesTheSameBackend() {
    List<Backend> backends = RingsTest.backends(7);
    for (Function<KeyExtractor, Selector> factory : KEYED) {
      Fixture f = Fixture.of(factory.apply(KEY), backends);
      Set<String> picks = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        picks.add(f.pick(Fixture.header("K", "user-42")));
      }
      assertThat(picks).hasSize(1);
    }
  }

  @Test
  void keysSpreadOverTheBackends() {
    List<Backend> backends = RingsTest.backends(5);
    for (Function<KeyExtractor, Selector> factory : KEYED) {
      Fixture f = Fixture.of(factory.apply(KEY), backends);
      Set<String> picks = new HashSet<>();
      for (int i = 0; i < 500; i++) {
        picks.add(f.pick(Fixture.header("K", "user-" + i)));
      }
      assertThat(picks).as(f.selector.toString()).hasSize(5);
    }
  }

  @Test
  void nginxMethodsRoundRobinAnEmptyOrMissingKeyAsNginxDoes() {
    List<Backend> backends = RingsTest.backends(4);
    for (Selector selector : List.of(HashSelectors.hash(KEY), HashSelectors.hashConsistent(KEY))) {
      Fixture f = Fixture.of(selector, backends);
      Set<String> missing = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        missing.add(f.pick(RequestContext.empty()));
      }
      Set<String> empty = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        empty.add(f.pick(Fixture.header("K", "")));
      }
      assertThat(missing).hasSize(4);
      assertThat(empty).hasSize(4);
    }
  }

  @Test
  void otherMethodsHashAMissingKeyAsTheEmptyString() {
    List<Backend> backends = RingsTest.backends(6);
    for (Selector selector :
        List.of(HashSelectors.ketama(KEY), HashSelectors.ring(KEY), HashSelectors.maglev(KEY))) {
      Fixture f = Fixture.of(selector, backends);
      String empty = f.pick(Fixture.header("K", ""));
      for (int i = 0; i < 5; i++) {
        assertThat(f.pick(RequestContext.empty())).isEqualTo(empty);
      }
    }
  }

  @Test
  void aThrowingKeyExtractorCountsAsAMissingKeyAndWarnsOncePerSelector() {
    KeyExtractor broken =
        new KeyExtractor() {
          @Override
          public CharSequence key(RequestContext request) {
            throw new IllegalStateException("boom");
          }

          @Override
          public String toString() {
            return "broken-extractor";
          }
        };
    List<Backend> backends = RingsTest.backends(3);
    for (Function<KeyExtractor, Selector> factory : KEYED) {
      Fixture f = Fixture.of(factory.apply(broken), backends);
      try (CapturedLog log = CapturedLog.start()) {
        for (int i = 0; i < 3; i++) {
          assertThat(f.select(RequestContext.empty())).as("%s", f.selector).isBetween(0, 2);
        }
        List<CapturedLog.Entry> warnings = log.records("WARN", "dev.lbkit.hash.HashSelectors");
        assertThat(warnings).as("%s", f.selector).hasSize(1);
        assertThat(warnings.get(0).message()).contains("broken-extractor").contains("missing");
        assertThat(warnings.get(0).stackTrace())
            .startsWith("java.lang.IllegalStateException: boom")
            .contains("\tat ");
        assertThat(log.records("DEBUG", "dev.lbkit.hash.HashSelectors")).hasSize(2);
      }
    }
  }

  @Test
  void aKeyTheRequestLacksOrMangledIsNoWarning() {
    // Client input: a missing header, a cookie header that is garbage. Not the extractor's bug.
    RequestContext garbage = Fixture.header("Cookie", ";;=\u0000; sid");
    for (Function<KeyExtractor, Selector> factory : KEYED) {
      for (KeyExtractor key : List.of(KEY, KeyExtractor.cookie("sid"))) {
        Fixture f = Fixture.of(factory.apply(key), RingsTest.backends(3));
        try (CapturedLog log = CapturedLog.start()) {
          assertThat(f.select(RequestContext.empty())).isBetween(0, 2);
          assertThat(f.select(garbage)).isBetween(0, 2);
          assertThat(log.records()).isEmpty();
        }
      }
    }
  }

  @Test
  void aBackendPlacedByAuthorityKeepsItsPlaceWhenItsIdChanges() {
    HashOptions byAuthority = HashOptions.builder().backendKey(BackendKey.authority()).build();
    List<Backend> a = List.of(Backend.of("a", "10.0.0.1", 80), Backend.of("b", "10.0.0.2", 80));
    List<Backend> renamed =
        List.of(Backend.of("x", "10.0.0.1", 80), Backend.of("y", "10.0.0.2", 80));
    Fixture before = Fixture.of(HashSelectors.ring(KEY, byAuthority), a);
    Fixture after = Fixture.of(HashSelectors.ring(KEY, byAuthority), renamed);
    for (int i = 0; i < 200; i++) {
      RequestContext request = Fixture.header("K", "k" + i);
      assertThat(after.select(request)).isEqualTo(before.select(request));
    }
  }

  @Test
  void describeThemselves() {
    assertThat(HashSelectors.hash(KeyExtractor.queryParameter("k")))
        .hasToString("hash queryParameter(k)");
    assertThat(HashSelectors.ring(KeyExtractor.clientAddress()).toString())
        .startsWith("ring $remote_addr HashOptions{backendKey=BackendKey.id()");
  }
}
