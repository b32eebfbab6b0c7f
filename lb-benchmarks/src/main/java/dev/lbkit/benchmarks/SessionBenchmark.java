package dev.lbkit.benchmarks;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Binding;
import dev.lbkit.core.Decision;
import dev.lbkit.core.DecisionCounters;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.core.SessionAffinity;
import dev.lbkit.core.Upstream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Session persistence through the {@link LoadBalancer}, as a gateway runs it per request, with
 * tokens authenticated by SipHash-2-4, by HMAC-SHA256, or not at all (no secret configured):
 *
 * <ul>
 *   <li>{@code stickyHit}: a request whose realistic six-cookie {@code Cookie} header carries a
 *       valid session: {@code pick} (scan the header, verify the token, resolve the backend, count
 *       it in flight) and {@code report};
 *   <li>{@code stickyHitRepeat}: the same for 16 sessions in turn, tokens the verified-token cache
 *       remembers (the requests of a page and its assets);
 *   <li>{@code stickyHitUncached}: {@code stickyHit} with the verified-token cache turned off
 *       ({@code verifiedTokenCache(0)}): every token verified, as a token seen for the first time;
 *   <li>{@code stickyResolve}: only the affinity's part of that: scan, verify, resolve;
 *   <li>{@code newSession}: the same header without a session: balance, issue a token and format
 *       the {@code Set-Cookie} header, then {@code report};
 *   <li>{@code headerSession}: a sticky hit whose token arrives in a request header (Gateway API
 *       {@code type: Header});
 *   <li>{@code stickyHitCounted}: {@code stickyHit} through a load balancer whose listener is a
 *       {@link DecisionCounters}, the price of counting decisions for a status page.
 * </ul>
 *
 * <p>{@value #SESSIONS} distinct sessions over 10 backends, persistent mode, no timeouts (so that a
 * sticky hit sends nothing back), sent in turn: each comes back after the 4,095 others, so the
 * default cache of 4,096 verified tokens (direct-mapped, admitting a token the second time it is
 * verified) holds only some of them. The setup checks that each request takes the path it is named
 * after.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SessionBenchmark {
  static final int SESSIONS = 4096;
  private static final int REPEATED = 16;
  static final String COOKIE = "srv_id";
  static final String HEADER = "X-Session-Id";
  static final String SECRET = "lbkit-benchmark-secret-0123456789";

  @Param({"siphash", "hmac-sha256", "none"})
  String token;

  private LoadBalancer cookies;
  private LoadBalancer countedCookies;
  private LoadBalancer uncachedCookies;
  private LoadBalancer headers;
  private SessionAffinity cookieAffinity;
  private PoolSnapshot cookiePool;
  private final RequestContext[] sticky = new RequestContext[SESSIONS];
  private final RequestContext[] fresh = new RequestContext[SESSIONS];
  private final RequestContext[] headerSticky = new RequestContext[SESSIONS];
  private int cursor;

  @Setup
  public void setUp() {
    cookieAffinity = configure(SessionPersistence.cookie(COOKIE)).toAffinity();
    Upstream cookieUpstream = Fixtures.upstream(10);
    cookies = LoadBalancer.builder(cookieUpstream).affinity(cookieAffinity).build();
    countedCookies =
        LoadBalancer.builder(cookieUpstream)
            .affinity(cookieAffinity)
            .listener(DecisionCounters.of(cookieUpstream))
            .build();
    uncachedCookies =
        LoadBalancer.builder(cookieUpstream)
            .affinity(
                configure(SessionPersistence.cookie(COOKIE).verifiedTokenCache(0)).toAffinity())
            .build();
    cookiePool = cookieUpstream.snapshot();
    headers =
        LoadBalancer.builder(Fixtures.upstream(10))
            .affinity(configure(SessionPersistence.header(HEADER)).toAffinity())
            .build();
    Random random = new Random(6265L);
    for (int i = 0; i < SESSIONS; i++) {
      String others = otherCookies(random);
      fresh[i] = withCookies(others);
      String cookieToken = issue(cookies, fresh[i], "Set-Cookie", COOKIE + '=');
      sticky[i] = withCookies(withSession(others, cookieToken));
      String headerToken = issue(headers, RequestContext.empty(), HEADER, "");
      headerSticky[i] = withHeader(HEADER, headerToken);
      expect(cookies, sticky[i], Decision.Reason.STICKY_HIT, 0);
      expect(uncachedCookies, sticky[i], Decision.Reason.STICKY_HIT, 0);
      expect(headers, headerSticky[i], Decision.Reason.STICKY_HIT, 0);
      expect(cookies, fresh[i], Decision.Reason.NEW_SESSION, 1);
      if (cookieAffinity.resolve(cookiePool, sticky[i]).kind() != Binding.Kind.BOUND) {
        throw new IllegalStateException("session not resolved: " + sticky[i]);
      }
    }
  }

  private SessionPersistence configure(SessionPersistence.Builder<?> builder) {
    switch (token) {
      case "siphash":
        return builder
            .secrets(SECRET)
            .macAlgorithm(SessionPersistence.MacAlgorithm.SIPHASH_2_4)
            .build();
      case "hmac-sha256":
        return builder
            .secrets(SECRET)
            .macAlgorithm(SessionPersistence.MacAlgorithm.HMAC_SHA256)
            .build();
      case "none":
        return builder.insecureUnsignedTokens().build();
      default:
        throw new IllegalArgumentException("token: " + token);
    }
  }

  /**
   * Five cookies a web application typically carries besides the session: analytics ids, a locale,
   * a preference and a CSRF token, about 170 characters.
   */
  private static String otherCookies(Random random) {
    return "_ga=GA1.2."
        + (1_000_000_000 + random.nextInt(1_000_000_000))
        + ".1700"
        + (100_000 + random.nextInt(900_000))
        + "; _gid=GA1.2."
        + (100_000_000 + random.nextInt(900_000_000))
        + ".1700"
        + (100_000 + random.nextInt(900_000))
        + "; locale=en-US; theme=dark; csrftoken="
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }

  /** The session cookie fifth of six, as a browser orders cookies by creation time. */
  private static String withSession(String others, String sessionToken) {
    int csrf = others.indexOf("; csrftoken=");
    return others.substring(0, csrf) + "; " + COOKIE + '=' + sessionToken + others.substring(csrf);
  }

  private static RequestContext withCookies(String cookieHeader) {
    return withHeader("Cookie", cookieHeader);
  }

  private static RequestContext withHeader(String header, String value) {
    return RequestContext.builder()
        .headers(name -> header.equalsIgnoreCase(name) ? value : null)
        .path("/")
        .build();
  }

  /** Starts a session and returns its token, read from the response header that carries it. */
  private static String issue(
      LoadBalancer lb, RequestContext request, String header, String prefix) {
    Decision d = lb.pick(request);
    lb.report(d, Outcome.SUCCESS);
    for (ResponseHeader h : d.responseHeaders()) {
      if (h.name().equalsIgnoreCase(header) && h.value().startsWith(prefix)) {
        String value = h.value().substring(prefix.length());
        int end = value.indexOf(';');
        return end < 0 ? value : value.substring(0, end);
      }
    }
    throw new IllegalStateException("no " + header + " in " + d.responseHeaders());
  }

  private static void expect(
      LoadBalancer lb, RequestContext request, Decision.Reason reason, int headerCount) {
    Decision d = lb.pick(request);
    lb.report(d, Outcome.SUCCESS);
    if (d.reason() != reason || d.responseHeaders().size() != headerCount) {
      throw new IllegalStateException(
          "expected "
              + reason
              + " with "
              + headerCount
              + " headers, got "
              + d.reason()
              + " "
              + d.responseHeaders());
    }
  }

  @Benchmark
  public Decision stickyHit() {
    Decision d = cookies.pick(sticky[cursor++ & (SESSIONS - 1)]);
    cookies.report(d, Outcome.SUCCESS);
    return d;
  }

  /**
   * The same 16 sessions over and over, as the requests of a page and its assets come from a few
   * clients at a time: tokens the verified-token cache remembers.
   */
  @Benchmark
  public Decision stickyHitRepeat() {
    Decision d = cookies.pick(sticky[cursor++ & (REPEATED - 1)]);
    cookies.report(d, Outcome.SUCCESS);
    return d;
  }

  @Benchmark
  public Decision stickyHitUncached() {
    Decision d = uncachedCookies.pick(sticky[cursor++ & (SESSIONS - 1)]);
    uncachedCookies.report(d, Outcome.SUCCESS);
    return d;
  }

  @Benchmark
  public Decision stickyHitCounted() {
    Decision d = countedCookies.pick(sticky[cursor++ & (SESSIONS - 1)]);
    countedCookies.report(d, Outcome.SUCCESS);
    return d;
  }

  @Benchmark
  public Binding stickyResolve() {
    return cookieAffinity.resolve(cookiePool, sticky[cursor++ & (SESSIONS - 1)]);
  }

  @Benchmark
  public List<ResponseHeader> newSession() {
    Decision d = cookies.pick(fresh[cursor++ & (SESSIONS - 1)]);
    cookies.report(d, Outcome.SUCCESS);
    return d.responseHeaders();
  }

  @Benchmark
  public Decision headerSession() {
    Decision d = headers.pick(headerSticky[cursor++ & (SESSIONS - 1)]);
    headers.report(d, Outcome.SUCCESS);
    return d;
  }
}
