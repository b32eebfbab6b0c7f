package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log lines an operator reads: once per change, never once per request. */
class OperatorLogTest {
  private static final String LOGGER = "dev.lbkit.core.Upstream";

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);

  private Upstream upstream(PassiveHealth health, Backend... backends) {
    return Upstream.builder("tea").backends(backends).passiveHealth(health).clock(clock).build();
  }

  private static List<Backend> abc() {
    return List.of(
        Backend.of("a", "10.0.0.1", 80),
        Backend.of("b", "10.0.0.2", 80),
        Backend.of("c", "10.0.0.3", 80));
  }

  @Test
  void aBackendTakenOutWarnsOnceAndItsRecoveryIsInfoOnce() {
    try (CapturedLog log = CapturedLog.start()) {
      Upstream upstream =
          upstream(PassiveHealth.of(1, Duration.ofSeconds(10)), abc().toArray(new Backend[0]));
      LoadBalancer lb = LoadBalancer.of(upstream);
      fail(lb, "a");
      for (int i = 0; i < 20; i++) {
        lb.pick(RequestContext.empty()).report(Outcome.SUCCESS); // b and c, a is out
      }
      clock.advance(Duration.ofSeconds(11));
      fail(lb, "a"); // the probe fails: still out, not a new warning
      clock.advance(Duration.ofSeconds(11));
      pickUntil(lb, "a").report(Outcome.SUCCESS);
      for (int i = 0; i < 20; i++) {
        lb.pick(RequestContext.empty()).report(Outcome.SUCCESS);
      }

      assertThat(log.records("WARN", LOGGER))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.message())
                      .isEqualTo(
                          "upstream tea: backend a (10.0.0.1:80) taken out by passive health after 1"
                              + " failures (max_fails 1); a request probes it after PT10S"
                              + " (fail_timeout)"));
      assertThat(log.records("INFO", LOGGER))
          .filteredOn(e -> e.message().contains("recovered"))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.message())
                      .isEqualTo(
                          "upstream tea: backend a (10.0.0.1:80) recovered: a request succeeded after"
                              + " it was taken out"));
    }
  }

  @Test
  void anOutageWarnsAtMostOnceEveryTenSecondsAndCountsWhatItDidNotSay() {
    try (CapturedLog log = CapturedLog.start()) {
      Upstream upstream =
          upstream(PassiveHealth.of(1, Duration.ofSeconds(10)), abc().toArray(new Backend[0]));
      LoadBalancer lb = LoadBalancer.of(upstream);
      upstream.setState("a", BackendState.DOWN);
      upstream.setState("b", BackendState.DRAINING);
      upstream.setState("c", BackendState.DOWN);
      for (int i = 0; i < 101; i++) {
        assertThat(lb.pick(RequestContext.empty()).reason()).isEqualTo(Decision.Reason.NO_BACKEND);
      }
      clock.advance(Duration.ofMillis(9_999));
      lb.pick(RequestContext.empty());
      assertThat(log.records("WARN", LOGGER)).hasSize(1);
      clock.advance(Duration.ofMillis(1));
      lb.pick(RequestContext.empty());

      List<CapturedLog.Entry> warnings = log.records("WARN", LOGGER);
      assertThat(warnings).hasSize(2);
      assertThat(warnings.get(0).message())
          .startsWith(
              "upstream tea: no backend available for a request (3 backends: 1 draining, 2 down);")
          .contains("0 more requests found none since the previous warning");
      assertThat(warnings.get(1).message())
          .contains("101 more requests found none since the previous warning", "10000 ms");
    }
  }

  @Test
  void publishedBackendsAreInfoWithWhatChanged() {
    try (CapturedLog log = CapturedLog.start()) {
      Upstream upstream = upstream(PassiveHealth.defaults(), abc().toArray(new Backend[0]));
      LoadBalancer lb = LoadBalancer.builder(upstream).selector(Selector.random()).build();
      upstream.setWeight("b", 3);
      upstream.add(Backend.of("d", "10.0.0.4", 80));
      upstream.remove("a");
      upstream.setState("c", BackendState.DOWN);
      lb.close();

      assertThat(messages(log.records("INFO", LOGGER)))
          .containsExactly(
              "upstream tea: version 1 published with 3 backends: [a 10.0.0.1:80 UP, b 10.0.0.2:80"
                  + " UP, c 10.0.0.3:80 UP]",
              "upstream tea: version 3 published with 3 backends; changed [b 10.0.0.2:80 UP weight"
                  + " 3]",
              "upstream tea: version 4 published with 4 backends; added [d 10.0.0.4:80 UP]",
              "upstream tea: version 5 published with 3 backends; removed [a 10.0.0.1:80 UP]",
              "upstream tea: version 6 published with 3 backends; changed [c 10.0.0.3:80 DOWN]");
    }
  }

  @Test
  void aLargeSetIsNamedUpToTenBackends() {
    List<Backend> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add(Backend.of("n" + i, "10.1.0." + i, 80));
    }
    try (CapturedLog log = CapturedLog.start()) {
      Upstream.of("big", many);
      assertThat(log.records("INFO", LOGGER))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.message())
                      .startsWith(
                          "upstream big: version 1 published with 25 backends: [n0 10.1.0.0:80 UP,")
                      .endsWith("n9 10.1.0.9:80 UP, and 15 more]"));
    }
  }

  private static List<String> messages(List<CapturedLog.Entry> entries) {
    List<String> messages = new ArrayList<>();
    for (CapturedLog.Entry e : entries) {
      messages.add(e.message());
    }
    return messages;
  }

  private static Decision pickUntil(LoadBalancer lb, String id) {
    for (int i = 0; i < 100; i++) {
      Decision d = lb.pick(RequestContext.empty());
      if (d.hasBackend() && d.backend().id().equals(id)) {
        return d;
      }
      d.report(Outcome.SUCCESS);
    }
    throw new AssertionError(id + " was never picked");
  }

  private static void fail(LoadBalancer lb, String id) {
    pickUntil(lb, id).report(Outcome.FAILURE);
  }
}
