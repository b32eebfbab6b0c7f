package dev.lbkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.UpstreamStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * The {@code Mono} of a static upstream's {@code choose}: it picks when a subscriber requests, once
 * per subscriber, never for one that cancelled first, and reports through the lifecycle with the
 * request's duration.
 */
class StaticChooseTest {
  private LbkitUpstreams upstreams;
  private LbkitReactorLoadBalancer balancer;

  @BeforeEach
  void setUp() {
    LbkitProperties properties = new LbkitProperties();
    LbkitProperties.Upstream u = new LbkitProperties.Upstream();
    u.setMethod("round_robin");
    for (int i = 1; i <= 2; i++) {
      LbkitProperties.Backend b = new LbkitProperties.Backend();
      b.setId("b" + i);
      b.setAddress("127.0.0.1:" + (9000 + i));
      u.getBackends().add(b);
    }
    properties.getUpstreams().put("static", u);
    LbkitProperties.Upstream hashed = new LbkitProperties.Upstream();
    hashed.setMethod("hash $http_x_user consistent");
    hashed.getBackends().addAll(u.getBackends());
    properties.getUpstreams().put("hashed", hashed);
    upstreams = LbkitUpstreams.of(properties);
    balancer = new LbkitReactorLoadBalancer(upstreams.named("static"), null);
  }

  @AfterEach
  void tearDown() {
    upstreams.close();
  }

  private int inFlight() {
    UpstreamStatus status = balancer.upstream().upstream().status();
    int sum = 0;
    for (UpstreamStatus.BackendStatus b : status.backends()) {
      sum += b.inFlight();
    }
    return sum;
  }

  @Test
  void picksOncePerSubscriberAndCompletesAtOnce() {
    Mono<Response<ServiceInstance>> choose = balancer.choose(new DefaultRequest<>());
    Response<ServiceInstance> first = choose.toFuture().getNow(null);
    Response<ServiceInstance> second = choose.block();
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    // Round robin: two subscriptions are two picks, on the two backends.
    assertThat(List.of(first.getServer().getInstanceId(), second.getServer().getInstanceId()))
        .containsExactlyInAnyOrder("b1", "b2");
    assertThat(first.getServer()).isSameAs(first);
    assertThat(inFlight()).isEqualTo(2);
    ((LbkitServiceInstance) first).decision().report(Outcome.SUCCESS);
    ((LbkitServiceInstance) second).decision().report(Outcome.SUCCESS);
    assertThat(inFlight()).isZero();
  }

  @Test
  void aSubscriberThatCancelsBeforeRequestingGetsNoPick() {
    List<Object> signals = new ArrayList<>();
    BaseSubscriber<Response<ServiceInstance>> cancelling =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription subscription) {
            subscription.cancel();
            subscription.request(1); // after cancel: ignored
          }

          @Override
          protected void hookOnNext(Response<ServiceInstance> value) {
            signals.add(value);
          }
        };
    balancer.choose(new DefaultRequest<>()).subscribe(cancelling);
    assertThat(signals).isEmpty();
    assertThat(inFlight()).isZero();
    assertThat(balancer.upstream().upstream().status().decisions().values()).allMatch(n -> n == 0);
  }

  @Test
  void concurrentRequestsOfOneSubscriberPickOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 200; round++) {
        List<Response<ServiceInstance>> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription[] held = new Subscription[1];
        balancer
            .choose(new DefaultRequest<>())
            .subscribe(
                new BaseSubscriber<>() {
                  @Override
                  protected void hookOnSubscribe(Subscription subscription) {
                    held[0] = subscription;
                  }

                  @Override
                  protected void hookOnNext(Response<ServiceInstance> value) {
                    got.add(value);
                  }
                });
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
          pool.execute(
              () -> {
                try {
                  start.await();
                  held[0].request(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              });
        }
        start.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(1);
        ((LbkitServiceInstance) got.get(0)).decision().report(Outcome.SUCCESS);
      }
      assertThat(inFlight()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLifecycleReportsWithOrWithoutAStart() {
    OutcomeLifecycle lifecycle = new OutcomeLifecycle();
    Response<ServiceInstance> started = balancer.choose(new DefaultRequest<>()).block();
    Response<ServiceInstance> notStarted = balancer.choose(new DefaultRequest<>()).block();
    lifecycle.onStartRequest(new DefaultRequest<>(), started);
    assertThat(((LbkitServiceInstance) started).startNanos())
        .isNotEqualTo(LbkitServiceInstance.NOT_STARTED);
    assertThat(((LbkitServiceInstance) notStarted).startNanos())
        .isEqualTo(LbkitServiceInstance.NOT_STARTED);
    assertThat(inFlight()).isEqualTo(2);
    for (Response<ServiceInstance> r : List.of(started, notStarted)) {
      lifecycle.onComplete(
          new org.springframework.cloud.client.loadbalancer.CompletionContext<>(
              org.springframework.cloud.client.loadbalancer.CompletionContext.Status.SUCCESS,
              new DefaultRequest<>(),
              r));
    }
    assertThat(inFlight()).isZero();
  }

  /** A GET to the service carrying {@code X-User: user}. */
  private static DefaultRequest<RequestDataContext> requestOf(String user) {
    HttpHeaders headers = new HttpHeaders();
    headers.add("X-User", user);
    return new DefaultRequest<>(
        new RequestDataContext(
            new RequestData(
                HttpMethod.GET,
                URI.create("http://static/items"),
                headers,
                new LinkedMultiValueMap<>(),
                new HashMap<>())));
  }

  @Test
  void roundRobinPicksWithoutReadingTheRequestAndAHashReadsIt() {
    Response<ServiceInstance> balanced = balancer.choose(requestOf("alice")).block();
    Decision roundRobin = ((LbkitServiceInstance) balanced).decision();
    assertThat(roundRobin.request()).isSameAs(RequestContext.empty());
    roundRobin.report(Outcome.SUCCESS);

    LbkitReactorLoadBalancer hashed = new LbkitReactorLoadBalancer(upstreams.named("hashed"), null);
    assertThat(hashed.upstream().loadBalancer().readsRequest()).isTrue();
    Set<String> alice = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      Decision d = ((LbkitServiceInstance) hashed.choose(requestOf("alice")).block()).decision();
      assertThat(d.request().header("x-user")).isEqualTo("alice");
      assertThat(d.request().path()).isEqualTo("/items");
      alice.add(d.backend().id());
      d.report(Outcome.SUCCESS);
    }
    assertThat(alice).hasSize(1);
    assertThat(inFlight()).isZero();
  }
}
