package dev.lbkit.core;

import java.time.Duration;
import java.util.Map;

/**
 * The README's first command: builds an upstream and a load balancer and prints what it decides.
 * Runs from a fresh clone with {@code mvn -q -pl lb-core test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.lbkit.core.QuickStartExample}.
 */
public final class QuickStartExample {
  private QuickStartExample() {}

  public static void main(String[] args) {
    Upstream tea =
        Upstream.builder("tea")
            .backends(
                Backend.of("tea-1", "10.0.0.5", 8080).withWeight(5),
                Backend.of("tea-2", "10.0.0.6", 8080),
                Backend.of("tea-3", "10.0.0.7", 8080))
            .passiveHealth(PassiveHealth.of(1, Duration.ofSeconds(10)))
            .build();
    LoadBalancer lb = LoadBalancer.of(tea); // smooth weighted round robin, as nginx

    System.out.println("round_robin, weights 5:1:1 (nginx gives a a b a c a a):");
    for (int i = 0; i < 7; i++) {
      Decision d = lb.pick(RequestContext.empty());
      System.out.println(
          "  request "
              + (i + 1)
              + " -> "
              + d.backend().id()
              + " ("
              + d.backend().authority()
              + ")");
      d.report(Outcome.SUCCESS);
    }

    tea.setState("tea-1", BackendState.DRAINING);
    System.out.println("tea-1 draining: new requests go to " + pickIds(lb, 4));
    tea.setState("tea-1", BackendState.UP);

    Decision first = lb.pick(RequestContext.empty());
    first.report(Outcome.FAILURE); // say the connection was refused
    Decision retry = first.retry();
    System.out.println(
        "a failure on "
            + first.backend().id()
            + ": the retry goes to "
            + retry.backend().id()
            + " ("
            + retry.reason()
            + "), and "
            + first.backend().id()
            + " sits out fail_timeout: next picks "
            + pickIds(lb, 4));
    retry.report(Outcome.SUCCESS);

    ClientAddressResolver realIp =
        ClientAddressResolver.builder()
            .trustedProxies("10.0.0.0/8")
            .header("X-Forwarded-For")
            .recursive(true)
            .build();
    Map<String, String> headers = Map.of("x-forwarded-for", "198.51.100.7, 10.1.2.3");
    IpAddress client =
        realIp.resolve(
            IpAddress.parse("10.0.0.1"),
            name -> headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    System.out.println("client behind two trusted proxies: " + client);
  }

  private static String pickIds(LoadBalancer lb, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Decision d = lb.pick(RequestContext.empty());
      sb.append(i == 0 ? "" : " ").append(d.hasBackend() ? d.backend().id() : "none");
      d.report(Outcome.SUCCESS);
    }
    return sb.toString();
  }
}
