package dev.lbkit.benchmarks;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.spring.LbkitProperties;
import dev.lbkit.spring.LbkitReactorLoadBalancer;
import dev.lbkit.spring.LbkitServiceInstance;
import dev.lbkit.spring.LbkitUpstream;
import dev.lbkit.spring.LbkitUpstreams;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RequestBasedStickySessionServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@code choose} through Spring Cloud LoadBalancer's {@link ReactorServiceInstanceLoadBalancer}
 * API, Spring's own load balancers beside lbkit's {@link LbkitReactorLoadBalancer}, on the same
 * requests:
 *
 * <ul>
 *   <li>{@code springRoundRobin}: Spring's {@link RoundRobinLoadBalancer} over a fixed {@link
 *       ServiceInstanceListSupplier} of N instances. Spring's round robin counts nothing in flight,
 *       so it has no outcome to report;
 *   <li>{@code springSticky}: Spring's request-based sticky sessions: the same round robin over a
 *       {@link RequestBasedStickySessionServiceInstanceListSupplier}, which narrows the list to the
 *       instance the request's {@code sc-lb-instance-id} cookie names (an unsigned instance id,
 *       read from the request's parsed cookie map);
 *   <li>{@code lbkitRoundRobin}: lbkit's round robin over a static upstream of the same N backends,
 *       then the outcome reported to the decision, as lb-spring's lifecycle does when a request
 *       completes: lbkit counts requests in flight (least_conn, max_conns and passive health need
 *       them), and that count is part of the price;
 *   <li>{@code lbkitSticky}: the same with cookie session persistence: the request's {@code Cookie}
 *       header is scanned for the {@code lbkit} token, whose SipHash-2-4 tag is verified before the
 *       backend it names is taken, then the outcome reported.
 * </ul>
 *
 * <p>Each request carries both cookies, {@code sc-lb-instance-id} and {@code lbkit}, naming the
 * same backend, among two unrelated ones, in its {@code Cookie} header and in its cookie map (as a
 * gateway's {@code RequestData} has them); the setup checks that both sticky paths pick that
 * backend, lbkit's as a {@code STICKY_HIT} that sends no cookie back. The instance list supplier
 * returns one prebuilt {@link Flux}, as a caching supplier does, so Spring pays nothing for the
 * list.
 *
 * <p>Every load balancer here completes its {@code Mono} synchronously on the calling thread: the
 * setup checks, for each request, that {@code toFuture().getNow(null)} already holds the response.
 * A choose is measured both ways a client subscribes ({@code subscribe}):
 *
 * <ul>
 *   <li>{@code block}: {@code choose(request).block()}, as Spring's {@code
 *       BlockingLoadBalancerClient} (RestTemplate, RestClient) does;
 *   <li>{@code toFuture}: {@code choose(request).toFuture().getNow(null)}: a real subscriber object
 *       per choose, as a reactive client's operator (WebClient's filter, the gateway's) subscribes.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpringChooseBenchmark {
  /** Distinct requests cycled through, each with its own session; a power of two. */
  static final int REQUESTS = 64;

  static final String SERVICE = "bench";
  static final String SPRING_COOKIE =
      LoadBalancerProperties.StickySession.DEFAULT_INSTANCE_ID_COOKIE_NAME;
  static final String LBKIT_COOKIE = "lbkit";
  static final int FIRST_PORT = 8001;

  @Param({"10", "100"})
  int n;

  @Param({"block", "toFuture"})
  String subscribe;

  private ReactorServiceInstanceLoadBalancer springRoundRobin;
  private ReactorServiceInstanceLoadBalancer springSticky;
  private LbkitReactorLoadBalancer lbkitRoundRobin;
  private LbkitReactorLoadBalancer lbkitSticky;
  private LbkitUpstreams upstreams;

  @SuppressWarnings("rawtypes")
  private final Request[] requests = new Request[REQUESTS];

  private boolean blocking;
  private int cursor;

  @Setup
  public void setUp() {
    switch (subscribe) {
      case "block" -> blocking = true;
      case "toFuture" -> blocking = false;
      default -> throw new IllegalArgumentException("subscribe: " + subscribe);
    }
    List<ServiceInstance> instances = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String address = "127.0.0.1:" + (FIRST_PORT + i);
      // The instance id is the address, as lbkit's backend id is when no id is set.
      instances.add(
          new DefaultServiceInstance(address, SERVICE, "127.0.0.1", FIRST_PORT + i, false));
    }
    ServiceInstanceListSupplier fixed = new FixedInstances(instances);
    springRoundRobin = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(fixed), SERVICE);
    // The factory only answers the supplier's question for the service's properties (the cookie's
    // name); no application context is started.
    LoadBalancerClientFactory factory =
        new LoadBalancerClientFactory(new LoadBalancerClientsProperties());
    springSticky =
        new RoundRobinLoadBalancer(
            new SimpleObjectProvider<>(
                new RequestBasedStickySessionServiceInstanceListSupplier(fixed, factory)),
            SERVICE);

    upstreams = LbkitUpstreams.of(properties(n));
    lbkitRoundRobin = new LbkitReactorLoadBalancer(named("round-robin"), null);
    lbkitSticky = new LbkitReactorLoadBalancer(named("sticky"), null);

    for (int i = 0; i < REQUESTS; i++) {
      // A first request without cookies starts a session; its token goes into request i.
      Decision first = decision(chooseNow(lbkitSticky, request(null, null)));
      first.report(Outcome.SUCCESS);
      String backend = Objects.requireNonNull(first.backend()).id();
      requests[i] = request(backend, token(first));
      check(requests[i], backend);
    }
  }

  private static LbkitProperties properties(int n) {
    LbkitProperties properties = new LbkitProperties();
    properties.setSessionSecrets(List.of(SessionBenchmark.SECRET));
    LbkitProperties.Upstream roundRobin = upstream(n);
    LbkitProperties.Upstream sticky = upstream(n);
    LbkitProperties.SessionPersistence session = new LbkitProperties.SessionPersistence();
    session.setType("Cookie");
    session.setSessionName(LBKIT_COOKIE);
    sticky.setSessionPersistence(session);
    properties.getUpstreams().put("round-robin", roundRobin);
    properties.getUpstreams().put("sticky", sticky);
    return properties;
  }

  private static LbkitProperties.Upstream upstream(int n) {
    LbkitProperties.Upstream upstream = new LbkitProperties.Upstream();
    upstream.setMethod("round_robin");
    upstream.setServiceId(SERVICE);
    for (int i = 0; i < n; i++) {
      LbkitProperties.Backend b = new LbkitProperties.Backend();
      b.setAddress("127.0.0.1:" + (FIRST_PORT + i));
      upstream.getBackends().add(b);
    }
    return upstream;
  }

  private LbkitUpstream named(String name) {
    return Objects.requireNonNull(upstreams.named(name), name);
  }

  /**
   * A GET whose cookies, when {@code backend} is set, name it for Spring ({@code
   * sc-lb-instance-id}) and carry its lbkit token, between an analytics id and a locale.
   */
  private static Request<RequestDataContext> request(
      @Nullable String backend, @Nullable String token) {
    MultiValueMap<String, String> cookies = new LinkedMultiValueMap<>();
    cookies.add("_ga", "GA1.2.1234567890.1700123456");
    if (backend != null && token != null) {
      cookies.add(SPRING_COOKIE, backend);
      cookies.add(LBKIT_COOKIE, token);
    }
    cookies.add("locale", "en-US");
    StringBuilder header = new StringBuilder();
    for (String name : cookies.keySet()) {
      header.append(header.length() == 0 ? "" : "; ").append(name).append('=');
      header.append(cookies.getFirst(name));
    }
    HttpHeaders headers = new HttpHeaders();
    headers.add(HttpHeaders.ACCEPT, "application/json");
    headers.add(HttpHeaders.COOKIE, header.toString());
    RequestData data =
        new RequestData(
            HttpMethod.GET,
            URI.create("http://" + SERVICE + "/api/items?page=2"),
            headers,
            cookies,
            new HashMap<>());
    return new DefaultRequest<>(new RequestDataContext(data));
  }

  /** The session token of the decision's {@code Set-Cookie} header. */
  private static String token(Decision d) {
    String prefix = LBKIT_COOKIE + '=';
    for (ResponseHeader h : d.responseHeaders()) {
      if (h.name().equalsIgnoreCase("Set-Cookie") && h.value().startsWith(prefix)) {
        String value = h.value().substring(prefix.length());
        int end = value.indexOf(';');
        return end < 0 ? value : value.substring(0, end);
      }
    }
    throw new IllegalStateException("no session cookie in " + d.responseHeaders());
  }

  /**
   * Checks that both sticky paths send {@code request} to {@code backend}, and lbkit's as a hit.
   */
  @SuppressWarnings("rawtypes")
  private void check(Request request, String backend) {
    ServiceInstance spring = server(chooseNow(springSticky, request));
    if (!backend.equals(spring.getInstanceId())) {
      throw new IllegalStateException("Spring's sticky chose " + spring + ", not " + backend);
    }
    server(chooseNow(springRoundRobin, request));
    Decision sticky = decision(chooseNow(lbkitSticky, request));
    sticky.report(Outcome.SUCCESS);
    if (sticky.reason() != Decision.Reason.STICKY_HIT
        || !sticky.responseHeaders().isEmpty()
        || !Objects.requireNonNull(sticky.backend()).id().equals(backend)) {
      throw new IllegalStateException(
          "expected a STICKY_HIT on " + backend + " sending nothing back, got " + sticky);
    }
    Decision balanced = decision(chooseNow(lbkitRoundRobin, request));
    balanced.report(Outcome.SUCCESS);
    if (balanced.reason() != Decision.Reason.BALANCED) {
      throw new IllegalStateException("expected BALANCED, got " + balanced);
    }
  }

  /** Chooses, insisting that the load balancer completed on this thread before returning. */
  @SuppressWarnings("rawtypes")
  private static Response<ServiceInstance> chooseNow(
      ReactorServiceInstanceLoadBalancer lb, Request request) {
    Response<ServiceInstance> response = lb.choose(request).toFuture().getNow(null);
    if (response == null) {
      throw new IllegalStateException(lb + " did not complete synchronously");
    }
    return response;
  }

  private static ServiceInstance server(Response<ServiceInstance> response) {
    ServiceInstance server = response.getServer();
    if (server == null) {
      throw new IllegalStateException("no instance: " + response);
    }
    return server;
  }

  private static Decision decision(Response<ServiceInstance> response) {
    return ((LbkitServiceInstance) server(response)).decision();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    upstreams.close();
  }

  @Benchmark
  public @Nullable Response<ServiceInstance> springRoundRobin() {
    return choose(springRoundRobin);
  }

  @Benchmark
  public @Nullable Response<ServiceInstance> springSticky() {
    return choose(springSticky);
  }

  @Benchmark
  public @Nullable Response<ServiceInstance> lbkitRoundRobin() {
    return chooseAndReport(lbkitRoundRobin);
  }

  @Benchmark
  public @Nullable Response<ServiceInstance> lbkitSticky() {
    return chooseAndReport(lbkitSticky);
  }

  private @Nullable Response<ServiceInstance> choose(ReactorServiceInstanceLoadBalancer lb) {
    Mono<Response<ServiceInstance>> response = lb.choose(requests[cursor++ & (REQUESTS - 1)]);
    return blocking ? response.block() : response.toFuture().getNow(null);
  }

  private @Nullable Response<ServiceInstance> chooseAndReport(
      ReactorServiceInstanceLoadBalancer lb) {
    Response<ServiceInstance> response = choose(lb);
    if (response != null && response.getServer() instanceof LbkitServiceInstance chosen) {
      chosen.decision().report(Outcome.SUCCESS);
    }
    return response;
  }

  /** A fixed instance list, as a caching supplier replays it: one prebuilt {@link Flux}. */
  private static final class FixedInstances implements ServiceInstanceListSupplier {
    private final Flux<List<ServiceInstance>> instances;

    FixedInstances(List<ServiceInstance> instances) {
      this.instances = Flux.just(List.copyOf(instances));
    }

    @Override
    public String getServiceId() {
      return SERVICE;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
      return instances;
    }
  }
}
