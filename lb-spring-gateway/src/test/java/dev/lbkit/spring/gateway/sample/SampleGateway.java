package dev.lbkit.spring.gateway.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The sample Spring Cloud Gateway: the seed guides' cafe (coffee by client address, tea by a {@code
 * cookie-tea} session, latte spread) with lbkit, on {@code http://127.0.0.1:8080}. It starts two
 * Netty backends per service on 127.0.0.1 and gives their addresses to Spring's simple discovery
 * client; everything else is {@code sample/application.yml}.
 *
 * <p>Arguments: {@code --server.port=N} to listen elsewhere, {@code --spring-default} to run the
 * same gateway with Spring Cloud LoadBalancer's own round robin instead of lbkit (what the
 * throughput comparison measures against). See {@code docs/spring.md}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SampleGateway {
  private static final String SECRET_ENV = "LBKIT_SAMPLE_SECRET";

  /** The port the last started gateway listens on, and how to stop it (for the sample's test). */
  static volatile int lastPort;

  private static volatile Runnable stopper = () -> {};

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>();
    boolean springDefault = false;
    for (String a : args) {
      if (a.equals("--spring-default")) {
        springDefault = true;
      } else {
        rest.add(a);
      }
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.config.location", "classpath:sample/application.yml");
    p.put("server.port", "8080");
    p.put("server.address", "127.0.0.1");
    if (System.getenv(SECRET_ENV) != null) {
      p.put("lbkit.session-secrets-env", SECRET_ENV);
    } else {
      // A sample on a laptop: a fixed test secret, said loudly. Never do this in production.
      System.err.println(
          "SampleGateway: " + SECRET_ENV + " is not set; using a built-in test secret");
      p.put("lbkit.session-secrets[0]", "sample-only-secret-9f8e7d6c5b4a3210");
    }
    if (springDefault) {
      p.put("lbkit.enabled", "false");
    }
    List<DisposableServer> backends = new ArrayList<>();
    for (String service : List.of("coffee", "tea", "latte")) {
      for (int i = 1; i <= 2; i++) {
        String name = service + "-" + i;
        DisposableServer server = backend(name);
        backends.add(server);
        String at =
            "spring.cloud.discovery.client.simple.instances." + service + "[" + (i - 1) + "].";
        p.put(at + "uri", "http://127.0.0.1:" + server.port());
        p.put(at + "instance-id", name);
      }
    }
    Runnable disposeBackends = () -> backends.forEach(DisposableServer::dispose);
    Runtime.getRuntime().addShutdownHook(new Thread(disposeBackends));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SampleGateway.class)
            .web(WebApplicationType.REACTIVE)
            .properties(p)
            .run(rest.toArray(new String[0]));
    lastPort = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
    stopper =
        () -> {
          context.close();
          disposeBackends.run();
        };
    System.out.println(
        "SampleGateway: "
            + (springDefault ? "Spring's default load balancer" : "lbkit")
            + " on http://127.0.0.1:"
            + context.getEnvironment().getProperty("local.server.port")
            + "/coffee/ /tea/ /latte/");
  }

  static void stop() {
    stopper.run();
  }

  /** A backend that answers every request with its name, as the seed guides' cafe apps do. */
  static DisposableServer backend(String name) {
    String body = "Server name: " + name + "\n";
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle(
            (request, response) ->
                response.header("Content-Type", "text/plain").sendString(Mono.just(body)))
        .bindNow();
  }
}
