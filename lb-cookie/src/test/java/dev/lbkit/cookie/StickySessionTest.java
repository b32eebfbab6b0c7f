package dev.lbkit.cookie;

import static dev.lbkit.cookie.StickyFixtures.OTHER_SECRET;
import static dev.lbkit.cookie.StickyFixtures.SECRET;
import static dev.lbkit.cookie.StickyFixtures.cookiePair;
import static dev.lbkit.cookie.StickyFixtures.cookieValue;
import static dev.lbkit.cookie.StickyFixtures.header;
import static dev.lbkit.cookie.StickyFixtures.id;
import static dev.lbkit.cookie.StickyFixtures.request;
import static dev.lbkit.cookie.StickyFixtures.setCookie;
import static dev.lbkit.cookie.StickyFixtures.withCookies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.cookie.SessionPersistence.Lifetime;
import dev.lbkit.cookie.SessionPersistence.Mode;
import dev.lbkit.cookie.StickyFixtures.TestClock;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Decision.Reason;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sticky sessions through a real {@link LoadBalancer}: modes, lifetimes, failures, scopes. */
class StickySessionTest {
  private final TestClock clock = new TestClock(Instant.parse("2025-03-01T08:00:00Z"));

  private SessionPersistence.CookieBuilder cookie(Mode mode) {
    return SessionPersistence.cookie("srv_id").mode(mode).secrets(SECRET).clock(clock);
  }

  private static LoadBalancer lb(Upstream upstream, SessionPersistence config) {
    return LoadBalancer.builder(upstream).affinity(config.toAffinity()).build();
  }

  /** Starts {@code n} sessions; returns each session's cookie pair and backend id. */
  private static Map<String, String> startSessions(LoadBalancer lb, int n) {
    Map<String, String> sessions = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Decision d = lb.pick(withCookies(null));
      assertThat(d.reason()).isEqualTo(Reason.NEW_SESSION);
      lb.report(d, Outcome.SUCCESS);
      sessions.put(cookiePair(d), id(d));
    }
    return sessions;
  }

  private static Decision pickAndReport(LoadBalancer lb, String cookie) {
    Decision d = lb.pick(withCookies(cookie));
    lb.report(d, Outcome.SUCCESS);
    return d;
  }

  @Test
  void newSessionsFollowTheSelectorAndStickInBothModes() {
    for (Mode mode : Mode.values()) {
      Upstream up = StickyFixtures.upstream("up", 3);
      LoadBalancer lb = lb(up, cookie(mode).build());
      Map<String, String> sessions = startSessions(lb, 30);
      // Round robin spreads new sessions evenly; each then stays where it started.
      assertThat(new HashSet<>(sessions.values()))
          .containsExactlyInAnyOrder("up-0", "up-1", "up-2");
      sessions.forEach(
          (cookie, backend) -> {
            Decision d = pickAndReport(lb, cookie);
            assertThat(d.reason()).as("%s", mode).isEqualTo(Reason.STICKY_HIT);
            assertThat(id(d)).isEqualTo(backend);
            assertThat(d.responseHeaders()).isEmpty();
          });
    }
  }

  @Test
  void persistentScaleUpMovesNobody() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.PERSISTENT).build());
    Map<String, String> sessions = startSessions(lb, 300);
    up.add(StickyFixtures.backend("up", 3));
    up.add(StickyFixtures.backend("up", 4));
    sessions.forEach(
        (cookie, backend) -> {
          Decision d = pickAndReport(lb, cookie);
          assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
          assertThat(id(d)).isEqualTo(backend);
          assertThat(d.responseHeaders()).isEmpty();
        });
  }

  @Test
  void balancedScaleUpMovesAboutOneInNToTheNewBackendWithoutNewCookies() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.BALANCED).build());
    Map<String, String> sessions = startSessions(lb, 2000);
    up.add(StickyFixtures.backend("up", 3));
    int moved = 0;
    for (Map.Entry<String, String> session : sessions.entrySet()) {
      Decision d = pickAndReport(lb, session.getKey());
      assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
      assertThat(d.responseHeaders()).isEmpty();
      if (!id(d).equals(session.getValue())) {
        assertThat(id(d)).as("a moved session goes to the new backend").isEqualTo("up-3");
        moved++;
      }
    }
    // Ideal share 1/4; the default ring's 160 points per backend keep it within a few percent.
    assertThat(moved / 2000.0).isBetween(0.15, 0.35);
  }

  @Test
  void persistentRemovalMovesOnlyTheRemovedBackendsSessionsDeterministically() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.PERSISTENT).build());
    Map<String, String> sessions = startSessions(lb, 300);
    up.remove("up-1");
    Set<String> landedOn = new HashSet<>();
    for (Map.Entry<String, String> session : sessions.entrySet()) {
      Decision d = pickAndReport(lb, session.getKey());
      if (!session.getValue().equals("up-1")) {
        assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
        assertThat(id(d)).isEqualTo(session.getValue());
        continue;
      }
      assertThat(d.reason()).isEqualTo(Reason.REBALANCED_GONE);
      landedOn.add(id(d));
      // The same stale cookie lands on the same backend every time (round robin would not).
      Decision again = pickAndReport(lb, session.getKey());
      assertThat(id(again)).isEqualTo(id(d));
      // The new cookie names the new backend.
      Decision moved = pickAndReport(lb, cookiePair(d));
      assertThat(moved.reason()).isEqualTo(Reason.STICKY_HIT);
      assertThat(id(moved)).isEqualTo(id(d));
    }
    assertThat(landedOn).as("stale sessions spread").containsExactlyInAnyOrder("up-0", "up-2");
  }

  @Test
  void balancedRemovalMovesOnlyTheRemovedBackendsSessionsWithoutNewCookies() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.BALANCED).build());
    Map<String, String> sessions = startSessions(lb, 300);
    up.remove("up-1");
    Set<String> landedOn = new HashSet<>();
    for (Map.Entry<String, String> session : sessions.entrySet()) {
      Decision d = pickAndReport(lb, session.getKey());
      assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
      assertThat(d.responseHeaders()).isEmpty();
      if (session.getValue().equals("up-1")) {
        landedOn.add(id(d));
      } else {
        assertThat(id(d)).isEqualTo(session.getValue());
      }
    }
    assertThat(landedOn).containsExactlyInAnyOrder("up-0", "up-2");
  }

  @Test
  void persistentSessionOfADownBackendMovesWithANewCookie() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.PERSISTENT).build());
    Decision first = lb.pick(withCookies(null));
    lb.report(first, Outcome.SUCCESS);
    String original = cookiePair(first);
    up.setState(id(first), BackendState.DOWN);

    Decision moved = pickAndReport(lb, original);
    assertThat(moved.reason()).isEqualTo(Reason.REBALANCED_DOWN);
    assertThat(id(moved)).isNotEqualTo(id(first));
    String movedCookie = cookiePair(moved);
    assertThat(movedCookie).isNotEqualTo(original);

    up.setState(id(first), BackendState.UP);
    assertThat(id(pickAndReport(lb, movedCookie))).isEqualTo(id(moved));
  }

  @Test
  void balancedSessionOfADownBackendMovesWithoutANewCookieAndComesBack() {
    Upstream up = StickyFixtures.upstream("up", 4);
    LoadBalancer lb = lb(up, cookie(Mode.BALANCED).build());
    Decision first = lb.pick(withCookies(null));
    lb.report(first, Outcome.SUCCESS);
    String cookie = cookiePair(first);
    up.setState(id(first), BackendState.DOWN);

    Decision moved = pickAndReport(lb, cookie);
    assertThat(moved.reason()).isEqualTo(Reason.REBALANCED_DOWN);
    assertThat(moved.responseHeaders()).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(id(pickAndReport(lb, cookie))).isEqualTo(id(moved));
    }
    up.setState(id(first), BackendState.UP);
    Decision back = pickAndReport(lb, cookie);
    assertThat(back.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(back)).isEqualTo(id(first));
  }

  @Test
  void strictModeRefusesInsteadOfMoving() {
    for (Mode mode : Mode.values()) {
      Upstream up = StickyFixtures.upstream("up", 3);
      LoadBalancer lb =
          lb(up, cookie(mode).onUnavailable(SessionPersistence.OnUnavailable.STRICT).build());
      Decision first = lb.pick(withCookies(null));
      lb.report(first, Outcome.SUCCESS);
      up.setState(id(first), BackendState.DOWN);
      Decision refused = lb.pick(withCookies(cookiePair(first)));
      assertThat(refused.hasBackend()).isFalse();
      assertThat(refused.reason()).isEqualTo(Reason.REFUSED_UNAVAILABLE);
      assertThat(refused.responseHeaders()).isEmpty();
      // Without a session, the same request is balanced as usual.
      assertThat(lb.pick(withCookies(null)).hasBackend()).isTrue();
    }
  }

  @Test
  void strictPersistentSessionOfARemovedBackendIsRefused() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb =
        lb(
            up,
            cookie(Mode.PERSISTENT).onUnavailable(SessionPersistence.OnUnavailable.STRICT).build());
    Decision first = lb.pick(withCookies(null));
    lb.report(first, Outcome.SUCCESS);
    up.remove(id(first));
    assertThat(lb.pick(withCookies(cookiePair(first))).reason())
        .isEqualTo(Reason.REFUSED_UNAVAILABLE);
  }

  @Test
  void drainingBackendKeepsItsSessionsButGetsNoNewOnes() {
    for (Mode mode : Mode.values()) {
      Upstream up = StickyFixtures.upstream("up", 3);
      LoadBalancer lb =
          lb(up, cookie(mode).onUnavailable(SessionPersistence.OnUnavailable.STRICT).build());
      Map<String, String> sessions = startSessions(lb, 30);
      up.setState("up-0", BackendState.DRAINING);
      sessions.forEach(
          (cookie, backend) -> {
            Decision d = pickAndReport(lb, cookie);
            assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
            assertThat(id(d)).isEqualTo(backend);
          });
      for (String backend : startSessions(lb, 30).values()) {
        assertThat(backend).isNotEqualTo("up-0");
      }
    }
  }

  @Test
  void changeOnFailureMovesTheSessionOnRetry() {
    for (Mode mode : Mode.values()) {
      Upstream up = StickyFixtures.upstream("up", 3);
      LoadBalancer lb = lb(up, cookie(mode).changeOnFailure(true).build());
      Decision first = lb.pick(withCookies(null));
      lb.report(first, Outcome.SUCCESS);

      Decision sticky = lb.pick(withCookies(cookiePair(first)));
      lb.report(sticky, Outcome.FAILURE);
      Decision retry = lb.retry(sticky);
      lb.report(retry, Outcome.SUCCESS);
      assertThat(retry.reason()).isEqualTo(Reason.FAILOVER);
      assertThat(id(retry)).isNotEqualTo(id(first));

      Decision after = pickAndReport(lb, cookiePair(retry));
      assertThat(after.reason()).as("%s", mode).isEqualTo(Reason.STICKY_HIT);
      assertThat(id(after)).isEqualTo(id(retry));
    }
  }

  @Test
  void withoutChangeOnFailureARetryGoesToTheSameBackend() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb = lb(up, cookie(Mode.PERSISTENT).changeOnFailure(false).build());
    Decision first = lb.pick(withCookies(null));
    lb.report(first, Outcome.SUCCESS);
    Decision sticky = lb.pick(withCookies(cookiePair(first)));
    lb.report(sticky, Outcome.FAILURE);
    Decision retry = lb.retry(sticky);
    assertThat(retry.reason()).isEqualTo(Reason.RETRY_SAME);
    assertThat(id(retry)).isEqualTo(id(first));
    assertThat(retry.responseHeaders()).isEmpty();
  }

  @Test
  void sessionLifetimeCookieHasNoExpiryButTheAbsoluteTimeoutHolds() {
    LoadBalancer lb =
        lb(
            StickyFixtures.upstream("up", 3),
            cookie(Mode.PERSISTENT)
                .absoluteTimeout(Duration.ofHours(1))
                .lifetime(Lifetime.SESSION)
                .build());
    Decision first = lb.pick(withCookies(null));
    assertThat(setCookie(first)).doesNotContain("Max-Age").doesNotContain("Expires");
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertThat(lb.pick(withCookies(cookiePair(first))).reason()).isEqualTo(Reason.STICKY_HIT);
    clock.advance(Duration.ofSeconds(1));
    assertThat(lb.pick(withCookies(cookiePair(first))).reason()).isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void idleTimeoutExpiresAnUnusedSessionAndRefreshKeepsAUsedOneAlive() {
    LoadBalancer lb =
        lb(
            StickyFixtures.upstream("up", 3),
            cookie(Mode.PERSISTENT).idleTimeout(Duration.ofMinutes(10)).build());
    Decision first = lb.pick(withCookies(null));
    String original = cookiePair(first);

    clock.advance(Duration.ofMinutes(10));
    Decision used = lb.pick(withCookies(original));
    assertThat(used.reason()).as("idle for exactly the timeout").isEqualTo(Reason.STICKY_HIT);
    String refreshed = cookiePair(used);
    assertThat(refreshed).isNotEqualTo(original);

    clock.advance(Duration.ofSeconds(1));
    assertThat(lb.pick(withCookies(original)).reason()).isEqualTo(Reason.NEW_SESSION);
    Decision stillAlive = lb.pick(withCookies(refreshed));
    assertThat(stillAlive.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(stillAlive)).isEqualTo(id(first));
  }

  @Test
  void everyResponseRefreshSendsTheRemainingLifetime() {
    LoadBalancer lb =
        lb(
            StickyFixtures.upstream("up", 3),
            cookie(Mode.PERSISTENT)
                .absoluteTimeout(Duration.ofHours(1))
                .lifetime(Lifetime.PERMANENT)
                .refresh(SessionPersistence.Refresh.EVERY_RESPONSE)
                .build());
    Decision first = lb.pick(withCookies(null));
    assertThat(setCookie(first)).contains("; Max-Age=3600; Expires=Sat, 01 Mar 2025 09:00:00 GMT;");
    clock.advance(Duration.ofMinutes(10));
    Decision hit = lb.pick(withCookies(cookiePair(first)));
    assertThat(hit.reason()).isEqualTo(Reason.STICKY_HIT);
    // The absolute lifetime does not slide: the cookie still expires an hour after the start.
    assertThat(setCookie(hit)).contains("; Max-Age=3000; Expires=Sat, 01 Mar 2025 09:00:00 GMT;");
  }

  @Test
  void permanentCookieWithOnlyAnIdleTimeoutSlidesAsNginxExpires() {
    LoadBalancer lb =
        lb(
            StickyFixtures.upstream("up", 3),
            cookie(Mode.PERSISTENT)
                .idleTimeout(Duration.ofHours(1))
                .lifetime(Lifetime.PERMANENT)
                .build());
    Decision first = lb.pick(withCookies(null));
    assertThat(setCookie(first)).contains("; Max-Age=3600; Expires=Sat, 01 Mar 2025 09:00:00 GMT;");
    String cookie = cookiePair(first);
    // Used every 50 minutes, the session and its cookie live on well past the first hour.
    for (int i = 1; i <= 5; i++) {
      clock.advance(Duration.ofMinutes(50));
      Decision d = lb.pick(withCookies(cookie));
      assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
      assertThat(id(d)).isEqualTo(id(first));
      assertThat(setCookie(d)).contains("; Max-Age=3600;");
      cookie = cookiePair(d);
    }
    clock.advance(Duration.ofMinutes(61));
    assertThat(lb.pick(withCookies(cookie)).reason()).isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void withATimeoutTokensDatedMoreThanADayAheadAreRefused() {
    SessionPersistence config = cookie(Mode.PERSISTENT).absoluteTimeout(Duration.ofDays(7)).build();
    Upstream up = StickyFixtures.upstream("up", 3);
    TestClock ahead =
        new TestClock(Instant.parse("2025-03-01T08:00:00Z").plus(Duration.ofHours(25)));
    TestClock slightlyAhead =
        new TestClock(Instant.parse("2025-03-01T08:00:00Z").plus(Duration.ofHours(1)));
    String fromTheFuture =
        cookiePair(lb(up, config.toBuilder().clock(ahead).build()).pick(withCookies(null)));
    String fromAFastReplica =
        cookiePair(lb(up, config.toBuilder().clock(slightlyAhead).build()).pick(withCookies(null)));
    LoadBalancer lb = lb(up, config);
    assertThat(lb.pick(withCookies(fromTheFuture)).reason()).isEqualTo(Reason.NEW_SESSION);
    assertThat(lb.pick(withCookies(fromAFastReplica)).reason()).isEqualTo(Reason.STICKY_HIT);
  }

  @Test
  void withoutATimeoutTheDatesDecideNothingAndAHitReadsNoClock() {
    SessionPersistence config = cookie(Mode.PERSISTENT).build();
    Upstream up = StickyFixtures.upstream("up", 3);
    TestClock ahead =
        new TestClock(Instant.parse("2025-03-01T08:00:00Z").plus(Duration.ofDays(400)));
    Decision started = lb(up, config.toBuilder().clock(ahead).build()).pick(withCookies(null));
    TestClock now = new TestClock(Instant.parse("2025-03-01T08:00:00Z"));
    LoadBalancer lb = lb(up, config.toBuilder().clock(now).build());
    Decision hit = lb.pick(withCookies(cookiePair(started)));
    assertThat(hit.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(hit)).isEqualTo(id(started));
    assertThat(hit.responseHeaders()).isEmpty();
    assertThat(now.reads()).isZero();
  }

  @Test
  void aSessionStartedByAReplicaWhoseClockRunsAheadSurvivesARefresh() {
    SessionPersistence config =
        cookie(Mode.PERSISTENT).refresh(SessionPersistence.Refresh.EVERY_RESPONSE).build();
    Upstream up = StickyFixtures.upstream("up", 3);
    TestClock fast =
        new TestClock(Instant.parse("2025-03-01T08:00:00Z").plus(Duration.ofMinutes(5)));
    Decision started = lb(up, config.toBuilder().clock(fast).build()).pick(withCookies(null));
    LoadBalancer lb = lb(up, config);
    Decision refreshed = lb.pick(withCookies(cookiePair(started)));
    assertThat(refreshed.reason()).isEqualTo(Reason.STICKY_HIT);
    Decision again = lb.pick(withCookies(cookiePair(refreshed)));
    assertThat(again.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(again)).isEqualTo(id(started));
  }

  @Test
  void scopesNeverShareSessionsAndTheValidCookieOfThisScopeWins() {
    Upstream up = StickyFixtures.upstream("up", 5);
    LoadBalancer ruleA = lb(up, cookie(Mode.PERSISTENT).scope("route/tea/rule-0").build());
    LoadBalancer ruleB = lb(up, cookie(Mode.PERSISTENT).scope("route/tea/rule-1").build());
    Decision a = ruleA.pick(withCookies(null));
    Decision b = ruleB.pick(withCookies(null));
    b = ruleB.pick(withCookies(null)); // round robin: make the two sessions differ in backend
    assertThat(id(a)).isNotEqualTo(id(b));

    assertThat(ruleB.pick(withCookies(cookiePair(a))).reason()).isEqualTo(Reason.NEW_SESSION);
    assertThat(ruleA.pick(withCookies(cookiePair(b))).reason()).isEqualTo(Reason.NEW_SESSION);

    String both = cookiePair(b) + "; " + cookiePair(a);
    Decision onA = ruleA.pick(withCookies(both));
    Decision onB = ruleB.pick(withCookies(both));
    assertThat(onA.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(onA)).isEqualTo(id(a));
    assertThat(onB.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(onB)).isEqualTo(id(b));
  }

  @Test
  void defaultScopeIsTheUpstream() {
    SessionPersistence config = cookie(Mode.PERSISTENT).build();
    Decision tea = lb(StickyFixtures.upstream("tea", 2), config).pick(withCookies(null));
    LoadBalancer coffee = lb(StickyFixtures.upstream("coffee", 2), config);
    assertThat(coffee.pick(withCookies(cookiePair(tea))).reason()).isEqualTo(Reason.NEW_SESSION);
  }

  @Test
  void malformedAndForeignCookiesOfTheSameNameDoNotHideAValidOne() {
    LoadBalancer lb = lb(StickyFixtures.upstream("up", 3), cookie(Mode.PERSISTENT).build());
    Decision first = lb.pick(withCookies(null));
    lb.pick(withCookies(null));
    String header =
        "srv_id=garbage; a=1; srv_id=\"" + cookieValue(cookiePair(first)) + "\"; srv_id=; b=2";
    Decision d = lb.pick(withCookies(header));
    assertThat(d.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(d)).isEqualTo(id(first));
  }

  @Test
  void headerSessionsSendTheHeaderWhenTheSessionStartsOrMoves() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb =
        lb(up, SessionPersistence.header("X-Session").secrets(SECRET).clock(clock).build());
    Decision first = lb.pick(request(Map.of(), false));
    String token = header(first, "X-Session");
    assertThat(token).matches("[A-Za-z0-9_-]{36}");

    Decision hit = lb.pick(request(Map.of("x-session", token), false));
    assertThat(hit.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(hit)).isEqualTo(id(first));
    assertThat(hit.responseHeaders()).isEmpty();

    // A client (or a proxy) may repeat the header: the values arrive joined.
    Decision joined = lb.pick(request(Map.of("X-Session", "nonsense, " + token), false));
    assertThat(id(joined)).isEqualTo(id(first));

    up.setState(id(first), BackendState.DOWN);
    Decision moved = lb.pick(request(Map.of("X-Session", token), false));
    assertThat(moved.reason()).isEqualTo(Reason.REBALANCED_DOWN);
    String movedToken = header(moved, "X-Session");
    assertThat(movedToken).isNotNull().isNotEqualTo(token);
    up.setState(id(first), BackendState.UP);
    assertThat(id(lb.pick(request(Map.of("X-Session", movedToken), false)))).isEqualTo(id(moved));
  }

  @Test
  void rotatedSecretsKeepSessionsAndReissueWithTheNewSecret() {
    for (Mode mode : Mode.values()) {
      Upstream up = StickyFixtures.upstream("up", 4);
      SessionPersistence old = cookie(mode).secrets(OTHER_SECRET).build();
      SessionPersistence rotating = cookie(mode).secrets(SECRET, OTHER_SECRET).build();
      SessionPersistence rotated = cookie(mode).secrets(SECRET).build();

      Decision first = lb(up, old).pick(withCookies(null));
      lb(up, old).pick(withCookies(null));
      Decision during = lb(up, rotating).pick(withCookies(cookiePair(first)));
      assertThat(during.reason()).isEqualTo(Reason.STICKY_HIT);
      assertThat(id(during)).isEqualTo(id(first));
      String resigned = cookiePair(during);

      LoadBalancer after = lb(up, rotated);
      assertThat(after.pick(withCookies(cookiePair(first))).reason()).isEqualTo(Reason.NEW_SESSION);
      Decision kept = after.pick(withCookies(resigned));
      assertThat(kept.reason()).as("%s", mode).isEqualTo(Reason.STICKY_HIT);
      assertThat(id(kept)).isEqualTo(id(first));
    }
  }

  @Test
  void withoutASecretNoSessionStartsUnlessChosenExplicitly() {
    SessionPersistence unsigned = SessionPersistence.cookie("srv_id").build();
    assertThatThrownBy(unsigned::toAffinity)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secrets: none for session srv_id (expected: a secret of 32 random")
        .hasMessageContaining("insecureUnsignedTokens()");
    assertThatThrownBy(
            () ->
                SessionPersistence.cookie("srv_id")
                    .insecureUnsignedTokens()
                    .secrets(SECRET)
                    .build())
        .hasMessage("insecureUnsignedTokens: set with 1 secrets (expected: one or the other)");
  }

  @Test
  void insecureUnsignedTokensStillWorkAndRevealNoAddress() {
    Upstream up = StickyFixtures.upstream("up", 3);
    LoadBalancer lb =
        lb(up, SessionPersistence.cookie("srv_id").insecureUnsignedTokens().clock(clock).build());
    Decision first = lb.pick(withCookies(null));
    String value = cookieValue(cookiePair(first));
    assertThat(value).matches("[A-Za-z0-9_-]{36}").doesNotContain("10.0.0").doesNotContain("up-");
    assertThat(id(lb.pick(withCookies(cookiePair(first))))).isEqualTo(id(first));
  }

  @Test
  void hmacTokensWorkEndToEnd() {
    LoadBalancer lb =
        lb(
            StickyFixtures.upstream("up", 3),
            cookie(Mode.BALANCED)
                .macAlgorithm(SessionPersistence.MacAlgorithm.HMAC_SHA256)
                .build());
    Decision first = lb.pick(withCookies(null));
    lb.pick(withCookies(null));
    assertThat(cookieValue(cookiePair(first))).matches("[A-Za-z0-9_-]{47}");
    Decision hit = lb.pick(withCookies(cookiePair(first)));
    assertThat(hit.reason()).isEqualTo(Reason.STICKY_HIT);
    assertThat(id(hit)).isEqualTo(id(first));
  }

  @Test
  void cookieAttributesFollowTheConfigurationAndTheRequest() {
    Upstream up = StickyFixtures.upstream("up", 2);
    CookieAttributes shop =
        CookieAttributes.builder()
            .path("/shop")
            .domain(".example.com")
            .sameSite(CookieAttributes.SameSite.LAX)
            .build();
    SessionPersistence config = cookie(Mode.PERSISTENT).attributes(shop).build();
    LoadBalancer lb = lb(up, config);
    assertThat(setCookie(lb.pick(request(Map.of(), false))))
        .endsWith("; Path=/shop; Domain=.example.com; HttpOnly; SameSite=Lax");
    assertThat(setCookie(lb.pick(request(Map.of(), true))))
        .endsWith("; Path=/shop; Domain=.example.com; Secure; HttpOnly; SameSite=Lax");

    LoadBalancer never =
        lb(
            up,
            cookie(Mode.PERSISTENT)
                .attributes(
                    shop.toBuilder().secure(CookieAttributes.Secure.NEVER).httpOnly(false).build())
                .build());
    assertThat(setCookie(never.pick(request(Map.of(), true))))
        .endsWith("; Path=/shop; Domain=.example.com; SameSite=Lax");

    LoadBalancer none =
        lb(
            up,
            cookie(Mode.PERSISTENT)
                .attributes(
                    shop.toBuilder()
                        .secure(CookieAttributes.Secure.ALWAYS)
                        .sameSite(CookieAttributes.SameSite.NONE)
                        .omitSameSiteNoneForIncompatibleClients(true)
                        .build())
                .build());
    String chrome120 =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36";
    String chrome60 =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/60.0.3112.90 Safari/537.36";
    assertThat(setCookie(none.pick(request(Map.of("User-Agent", chrome120), false))))
        .endsWith("; Secure; HttpOnly; SameSite=None");
    assertThat(setCookie(none.pick(request(Map.of("User-Agent", chrome60), false))))
        .endsWith("; Secure; HttpOnly");
  }
}
