package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class CookieHeaderProperties {

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(80),
        Arbitraries.strings().withChars("ab=;\" \t,\\").ofMaxLength(40));
  }

  @Property(tries = 1000)
  void neverThrowsAndAgreesWithItself(
      @ForAll("garbage") String header, @ForAll("garbage") String name) {
    List<String> all = CookieHeader.all(header, name);
    String first = CookieHeader.first(header, name);
    assertThat(first).isEqualTo(all.isEmpty() ? null : all.get(0));
    assertThat(CookieHeader.parse(header)).isNotNull();
    RequestContext request = RequestContext.builder().headers(n -> header).query(header).build();
    assertThat(request.cookie(name)).isEqualTo(first);
    request.queryParameter(name);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-").ofMaxLength(8);
  }

  /** Whatever the pairs, a header built from them gives them back, duplicates in order. */
  @Property(tries = 500)
  void headersBuiltFromPairsGiveThemBack(
      @ForAll @Size(max = 6) List<@net.jqwik.api.From("names") String> names,
      @ForAll @Size(max = 6) List<@net.jqwik.api.From("values") String> values,
      @ForAll boolean quote) {
    int n = Math.min(names.size(), values.size());
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        header.append(i % 2 == 0 ? "; " : ";");
      }
      header.append(names.get(i)).append('=');
      header.append(quote ? "\"" + values.get(i) + "\"" : values.get(i));
    }
    List<Map.Entry<String, String>> parsed = CookieHeader.parse(header.toString());
    assertThat(parsed).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(parsed.get(i)).isEqualTo(Map.entry(names.get(i), values.get(i)));
    }
    for (String name : names.subList(0, n)) {
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (names.get(i).equals(name)) {
          expected.add(values.get(i));
        }
      }
      assertThat(CookieHeader.all(header.toString(), name)).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings().withChars("abAB\"").ofMinLength(1).ofMaxLength(3);
  }

  /**
   * The allocation-free scan finds, value by value, what parsing the whole header finds, for exact
   * and case-blind names; the oracle is {@link CookieHeader#parse}, which walks every pair.
   */
  @Property(tries = 1000)
  void nextValueFindsEveryValueParseFinds(
      @ForAll("garbage") String header, @ForAll("tokens") String name, @ForAll boolean ignoreCase) {
    List<String> expected = new java.util.ArrayList<>();
    for (Map.Entry<String, String> cookie : CookieHeader.parse(header)) {
      String parsedName = cookie.getKey();
      if (ignoreCase ? parsedName.equalsIgnoreCase(name) : parsedName.equals(name)) {
        expected.add(cookie.getValue());
      }
    }
    List<String> found = new java.util.ArrayList<>();
    long region =
        ignoreCase
            ? CookieHeader.nextValueIgnoringCase(header, name, 0)
            : CookieHeader.nextValue(header, name, 0);
    while (region >= 0) {
      found.add(header.substring(CookieHeader.valueStart(region), CookieHeader.valueEnd(region)));
      int from = CookieHeader.valueEnd(region);
      region =
          ignoreCase
              ? CookieHeader.nextValueIgnoringCase(header, name, from)
              : CookieHeader.nextValue(header, name, from);
    }
    assertThat(found).isEqualTo(expected);
  }
}
