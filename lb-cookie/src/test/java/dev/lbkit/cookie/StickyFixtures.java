package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Requests, clocks and response parsing shared by the sticky-session tests. */
final class StickyFixtures {
  static final String SECRET = "k7Hq2V9xR4mT8wZ1pL6nB3cF5yJ0sD2g";
  static final String OTHER_SECRET = "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc";

  private StickyFixtures() {}

  static Upstream upstream(String name, int backends) {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < backends; i++) {
      list.add(backend(name, i));
    }
    return Upstream.of(name, list);
  }

  static Backend backend(String name, int i) {
    return Backend.of(name + "-" + i, "10.0.0." + (i + 1), 8080);
  }

  /** A request presenting {@code cookieHeader} as its raw {@code Cookie} header. */
  static RequestContext withCookies(@Nullable String cookieHeader) {
    return request(cookieHeader == null ? Map.of() : Map.of("Cookie", cookieHeader), false);
  }

  static RequestContext request(Map<String, String> headers, boolean secure) {
    Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    byName.putAll(headers);
    return RequestContext.builder().headers(byName::get).secure(secure).path("/").build();
  }

  /** The only {@code Set-Cookie} of a decision, or {@code null}. */
  static @Nullable String setCookie(Decision decision) {
    return header(decision, "Set-Cookie");
  }

  static @Nullable String header(Decision decision, String name) {
    String found = null;
    for (ResponseHeader h : decision.responseHeaders()) {
      if (h.name().equalsIgnoreCase(name)) {
        assertThat(found).as("a second %s header", name).isNull();
        found = h.value();
      }
    }
    return found;
  }

  /** The cookie value of a {@code Set-Cookie} header value: between {@code =} and {@code ;}. */
  static String cookieValue(String setCookie) {
    int eq = setCookie.indexOf('=');
    int semi = setCookie.indexOf(';');
    return setCookie.substring(eq + 1, semi < 0 ? setCookie.length() : semi);
  }

  /** {@code name=value} for a request's {@code Cookie} header, from a decision's Set-Cookie. */
  static String cookiePair(Decision decision) {
    String setCookie = setCookie(decision);
    assertThat(setCookie).as("Set-Cookie of %s", decision).isNotNull();
    int semi = setCookie.indexOf(';');
    return semi < 0 ? setCookie : setCookie.substring(0, semi);
  }

  static String id(Decision decision) {
    assertThat(decision.hasBackend()).as("%s has a backend", decision).isTrue();
    return decision.backend().id();
  }

  /** A clock that tests move by hand. */
  static final class TestClock extends Clock {
    private final AtomicLong millis;
    private final AtomicLong reads = new AtomicLong();

    TestClock(Instant start) {
      this.millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException(zone.toString());
    }

    @Override
    public Instant instant() {
      reads.incrementAndGet();
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      reads.incrementAndGet();
      return millis.get();
    }

    /** How often the time was read. */
    long reads() {
      return reads.get();
    }

    @Override
    public String toString() {
      return "TestClock{" + instant() + '}';
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
