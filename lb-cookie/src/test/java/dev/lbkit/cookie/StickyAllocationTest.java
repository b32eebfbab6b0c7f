package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookiePair;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lbkit.core.Binding;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What resolving a session allocates, counted by the JVM per thread (bytes, not time: speed is
 * measured by JMH in lb-benchmarks). A sticky hit may allocate the decoded session and the {@link
 * Binding} (96 bytes with compressed oops, and a few for the counters' own noise), nothing for the
 * scan, the decoding or the MAC; a token sent again while the verified tokens remember it allocates
 * nothing, nor does a forged token.
 */
class StickyAllocationTest {
  private static final int WARMUP = 50_000;
  private static final int MEASURED = 20_000;

  @Test
  void aStickyHitWithoutTheCacheAllocatesOnlyTheSessionAndTheBinding() {
    for (SessionPersistence.Mode mode : SessionPersistence.Mode.values()) {
      assertThat(bytesPerHit(mode, 0)).as("%s", mode).isLessThanOrEqualTo(104);
    }
  }

  @Test
  void aTokenSentAgainAllocatesNothing() {
    for (SessionPersistence.Mode mode : SessionPersistence.Mode.values()) {
      assertThat(bytesPerHit(mode, SessionPersistence.DEFAULT_VERIFIED_TOKEN_CACHE))
          .as("%s", mode)
          .isLessThan(8);
    }
  }

  /** What resolving one genuine token over and over allocates per resolve. */
  private static double bytesPerHit(SessionPersistence.Mode mode, int verifiedTokenCache) {
    Upstream up = StickyFixtures.upstream("up", 8);
    SessionAffinity affinity =
        SessionPersistence.cookie("srv_id")
            .mode(mode)
            .secrets(SECRET)
            .verifiedTokenCache(verifiedTokenCache)
            .build()
            .toAffinity();
    LoadBalancer lb = LoadBalancer.builder(up).affinity(affinity).build();
    String cookie = cookiePair(lb.pick(withCookies(null)));
    RequestContext request = withCookies(sixCookies(cookie));
    PoolSnapshot pool = up.snapshot();
    assertThat(affinity.resolve(pool, request).kind()).isEqualTo(Binding.Kind.BOUND);
    return bytesPerResolve(affinity, pool, request);
  }

  @Test
  void aForgedTokenAllocatesNothing() {
    Upstream up = StickyFixtures.upstream("up", 8);
    SessionAffinity affinity =
        SessionPersistence.cookie("srv_id").secrets(SECRET).build().toAffinity();
    LoadBalancer.builder(up).affinity(affinity).build();
    RequestContext request = withCookies(sixCookies("srv_id=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    PoolSnapshot pool = up.snapshot();
    assertThat(affinity.resolve(pool, request).kind()).isEqualTo(Binding.Kind.NONE);

    assertThat(bytesPerResolve(affinity, pool, request)).isLessThan(8);
  }

  @Test
  void noSessionAndUnknownLegacyValuesAllocateNothingWithASpringCookieConfigured() {
    Upstream up = StickyFixtures.upstream("up", 8);
    SessionAffinity affinity =
        SessionPersistence.cookie("srv_id")
            .secrets(SECRET)
            .legacyCookies(LegacyCookie.nginxSticky(), LegacyCookie.springInstanceId())
            .build()
            .toAffinity();
    LoadBalancer.builder(up).affinity(affinity).build();
    PoolSnapshot pool = up.snapshot();
    for (String session :
        new String[] {
          "sc-lb-instance-id=up-9",
          "sc-lb-instance-id=" + "up-1".repeat(500),
          "srv_id=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; sc-lb-instance-id=nope",
          "no_session=1"
        }) {
      RequestContext request = withCookies(sixCookies(session));
      assertThat(affinity.resolve(pool, request).kind()).isEqualTo(Binding.Kind.NONE);
      assertThat(bytesPerResolve(affinity, pool, request)).as(session).isLessThan(8);
    }
  }

  private static double bytesPerResolve(
      SessionAffinity affinity, PoolSnapshot pool, RequestContext request) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation counting");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    long sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += affinity.resolve(pool, request).index();
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < MEASURED; i++) {
      sink += affinity.resolve(pool, request).index();
    }
    long after = threads.getThreadAllocatedBytes(id);
    assertThat(sink).isNotEqualTo(Long.MIN_VALUE);
    return (after - before) / (double) MEASURED;
  }

  /** A realistic browser Cookie header: analytics, preferences, CSRF, and the session. */
  static String sixCookies(String session) {
    return "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; theme=dark; "
        + session
        + "; lang=en-US; csrftoken=4f0c1e2d3b4a59687766554433221100";
  }
}
