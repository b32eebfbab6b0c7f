package dev.lbkit.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.KeyExtractor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Server-side sessions through a real {@link LoadBalancer}: stick tables (HAProxy {@code stick on})
 * and learn mode (NGINX Plus {@code sticky learn}).
 */
class TableSessionsTest {
  private final SessionStore store = SessionStore.inMemory(10_000);

  private static Upstream upstream(int n) {
    Backend[] b = new Backend[n];
    for (int i = 0; i < n; i++) {
      b[i] = Backend.of("b" + i, "10.0.0." + (i + 1), 8080);
    }
    return Upstream.of("app", b);
  }

  private static RequestContext client(String address) {
    return RequestContext.ofClient(IpAddress.parse(address));
  }

  private static RequestContext cookie(String header) {
    return RequestContext.builder().headers(name -> name.equals("Cookie") ? header : null).build();
  }

  private static HeaderSource setCookie(String value) {
    return name -> name.equalsIgnoreCase("Set-Cookie") ? value : null;
  }

  private static String pick(LoadBalancer lb, RequestContext r) {
    Decision d = lb.pick(r);
    lb.report(d, Outcome.SUCCESS);
    assertThat(d.responseHeaders()).as("nothing is written to the client").isEmpty();
    return d.backend() == null ? null : d.backend().id();
  }

  @Test
  void aStickTableKeepsEachClientOnItsFirstBackendWhileOthersComeAndGo() {
    Upstream up = upstream(3);
    LoadBalancer lb =
        LoadBalancer.builder(up)
            .affinity(
                StickTable.on(KeyExtractor.clientAddress())
                    .table(store.table("clients"))
                    .toAffinity())
            .build();
    Map<String, String> first = new HashMap<>();
    for (int i = 1; i <= 30; i++) {
      String address = "192.0.2." + i;
      first.put(address, pick(lb, client(address)));
    }
    assertThat(first.values()).as("round robin spread the first picks").contains("b0", "b1", "b2");
    // Unlike ip_hash, adding backends and removing one moves no session but the removed one's.
    up.add(Backend.of("b3", "10.0.0.4", 8080));
    up.add(Backend.of("b4", "10.0.0.5", 8080));
    up.remove("b1");
    Map<String, String> moved = new HashMap<>();
    first.forEach(
        (address, backend) -> {
          Decision d = lb.pick(client(address));
          lb.report(d, Outcome.SUCCESS);
          if (backend.equals("b1")) {
            assertThat(d.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
            moved.put(address, d.backend().id());
          } else {
            assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
            assertThat(d.backend().id()).isEqualTo(backend);
          }
        });
    assertThat(moved).isNotEmpty();
    // A moved session is bound where it went.
    moved.forEach((address, backend) -> assertThat(pick(lb, client(address))).isEqualTo(backend));
  }

  @Test
  void aStrictStickTableRefusesWhileTheBackendIsDownAndDrainingKeepsSessions() {
    Upstream up = upstream(2);
    LoadBalancer lb =
        LoadBalancer.builder(up)
            .affinity(
                StickTable.on(KeyExtractor.header("X-User"))
                    .table(store.table("users"))
                    .onUnavailable(SessionPersistence.OnUnavailable.STRICT)
                    .toAffinity())
            .build();
    RequestContext alice =
        RequestContext.builder().headers(n -> n.equals("X-User") ? "alice" : null).build();
    String backend = pick(lb, alice);
    up.setState(backend, BackendState.DRAINING);
    assertThat(pick(lb, alice)).isEqualTo(backend);
    up.setState(backend, BackendState.DOWN);
    Decision refused = lb.pick(alice);
    assertThat(refused.reason()).isEqualTo(Decision.Reason.REFUSED_UNAVAILABLE);
    assertThat(refused.hasBackend()).isFalse();
    // No key: balanced, nothing stored.
    assertThat(pick(lb, RequestContext.empty())).isNotNull();
  }

  @Test
  void learnModeBindsTheSessionIdTheBackendIssued() {
    Upstream up = upstream(3);
    LoadBalancer lb =
        LoadBalancer.builder(up)
            .affinity(
                LearnedSessions.createCookie("JSESSIONID")
                    .table(store.table("shop"))
                    .timeout(Duration.ofHours(1))
                    .toAffinity())
            .build();
    Map<String, String> sessions = new HashMap<>();
    for (int i = 0; i < 9; i++) {
      Decision d = lb.pick(RequestContext.empty());
      assertThat(d.learnsFromResponse()).isTrue();
      String id = "S" + i + "x";
      d.learn(
          setCookie(
              "lang=en; Expires=Thu, 01 Jan 2099 00:00:00 GMT, JSESSIONID=" + id + "; Path=/"));
      lb.report(d, Outcome.SUCCESS);
      sessions.put(id, d.backend().id());
    }
    assertThat(sessions.values()).contains("b0", "b1", "b2");
    sessions.forEach(
        (id, backend) -> {
          for (int i = 0; i < 3; i++) {
            Decision d = lb.pick(cookie("a=1; JSESSIONID=" + id));
            assertThat(d.reason()).isEqualTo(Decision.Reason.STICKY_HIT);
            assertThat(d.backend().id()).isEqualTo(backend);
            d.learn(setCookie("JSESSIONID=" + id)); // set again: already bound there
            lb.report(d, Outcome.SUCCESS);
          }
        });
    // An id nobody issued is no session; so is a malformed Set-Cookie.
    Decision unknown = lb.pick(cookie("JSESSIONID=forged"));
    assertThat(unknown.reason()).isEqualTo(Decision.Reason.NEW_SESSION);
    unknown.learn(setCookie("JSESSIONID=bad value\r\nX-Evil: 1"));
    lb.report(unknown, Outcome.SUCCESS);
    assertThat(lb.pick(cookie("JSESSIONID=bad value")).reason())
        .isEqualTo(Decision.Reason.NEW_SESSION);

    // The backend of a session leaves: the session is rebalanced and bound to its new backend.
    String id = sessions.keySet().iterator().next();
    up.remove(sessions.get(id));
    Decision moved = lb.pick(cookie("JSESSIONID=" + id));
    assertThat(moved.reason()).isEqualTo(Decision.Reason.REBALANCED_GONE);
    lb.report(moved, Outcome.SUCCESS);
    for (int i = 0; i < 3; i++) {
      assertThat(pick(lb, cookie("JSESSIONID=" + id))).isEqualTo(moved.backend().id());
    }
  }

  @Test
  void learnModeFromAResponseHeader() {
    LoadBalancer lb =
        LoadBalancer.builder(upstream(2))
            .affinity(
                LearnedSessions.createHeader("X-Session").table(store.table("api")).toAffinity())
            .build();
    Decision d = lb.pick(RequestContext.empty());
    d.learn(name -> name.equalsIgnoreCase("X-Session") ? "tok-1" : null);
    lb.report(d, Outcome.SUCCESS);
    RequestContext again =
        RequestContext.builder()
            .headers(n -> n.equalsIgnoreCase("X-Session") ? "tok-1" : null)
            .build();
    assertThat(pick(lb, again)).isEqualTo(d.backend().id());
  }

  @Test
  void otherAffinitiesLearnNothingAndBadConfigurationNamesTheField() {
    LoadBalancer plain = LoadBalancer.builder(upstream(2)).build();
    Decision d = plain.pick(RequestContext.empty());
    assertThat(d.learnsFromResponse()).isFalse();
    d.learn(setCookie("JSESSIONID=x")); // does nothing, never throws
    assertThatThrownBy(() -> LearnedSessions.createCookie("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("createCookie: \"bad name\" (expected: an HTTP token of 1 to 128 characters)");
    assertThatThrownBy(
            () -> StickTable.on(KeyExtractor.clientAddress()).expire(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expire: PT1.5S (expected: whole seconds, 1s..3650d)");
    assertThatThrownBy(() -> LearnedSessions.createHeader("X").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT0S (expected: whole seconds, 1s..3650d)");
  }

  @Test
  void replicasMoveASessionOfAGoneBackendToTheSameBackend() {
    // Two replicas, each with its own view of the table (as near-caches are), both holding
    // sessions of a backend that left: each moves every such session where the other does.
    SessionTable a = SessionStore.inMemory(1000).table("a");
    SessionTable b = SessionStore.inMemory(1000).table("b");
    for (int i = 0; i < 50; i++) {
      a.put("k" + i, "gone", Duration.ofMinutes(5));
      b.put("k" + i, "gone", Duration.ofMinutes(5));
    }
    LoadBalancer onA =
        LoadBalancer.builder(upstream(4))
            .affinity(StickTable.on(KeyExtractor.header("K")).table(a).toAffinity())
            .build();
    LoadBalancer onB =
        LoadBalancer.builder(upstream(4))
            .affinity(StickTable.on(KeyExtractor.header("K")).table(b).toAffinity())
            .build();
    java.util.Set<String> targets = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      String key = "k" + i;
      RequestContext r = RequestContext.builder().headers(n -> n.equals("K") ? key : null).build();
      String movedOnA = pick(onA, r);
      assertThat(pick(onB, r)).as(key).isEqualTo(movedOnA);
      assertThat(a.get(key)).isEqualTo(movedOnA);
      targets.add(movedOnA);
    }
    assertThat(targets).as("moved sessions spread").hasSizeGreaterThan(1);
  }
}
