package dev.lbkit.spring;

import dev.lbkit.core.RequestContext;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The {@code Mono} a static upstream's {@code choose} returns: each subscriber's first request
 * picks once and completes at once, on the requesting thread.
 *
 * <p>Why not {@code Mono.fromSupplier}: its subscriber runs a state machine of several atomic steps
 * meant for values that arrive later, and costs a lambda per choose; a pick is ready when asked
 * for. The first subscriber (in practice the only one) is given this object as its subscription, so
 * a choose costs one object here. Picking on {@code request}, not on {@code subscribe}, keeps a
 * subscriber that cancels first from holding a decision nobody reports (an in-flight count that
 * would never come down).
 */
final class PickMono extends Mono<Response<ServiceInstance>> implements Subscription {
  private static final AtomicIntegerFieldUpdater<PickMono> STATE =
      AtomicIntegerFieldUpdater.newUpdater(PickMono.class, "state");
  private static final int FRESH = 0;
  private static final int SUBSCRIBED = 1;
  private static final int DONE = 2;

  private final LbkitReactorLoadBalancer balancer;
  private final RequestContext request;
  private volatile int state;
  // Written before this object is handed to its subscriber, which is what publishes it.
  private @Nullable CoreSubscriber<? super Response<ServiceInstance>> first;

  PickMono(LbkitReactorLoadBalancer balancer, RequestContext request) {
    this.balancer = balancer;
    this.request = request;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Response<ServiceInstance>> actual) {
    if (state == FRESH && STATE.compareAndSet(this, FRESH, SUBSCRIBED)) {
      first = actual;
      actual.onSubscribe(this);
    } else {
      actual.onSubscribe(new LaterSubscription(actual, this));
    }
  }

  /** The first subscriber's request. */
  @Override
  public void request(long n) {
    if (Operators.validate(n) && STATE.compareAndSet(this, SUBSCRIBED, DONE)) {
      emit(Objects.requireNonNull(first, "first"));
    }
  }

  /** The first subscriber's cancel. */
  @Override
  public void cancel() {
    state = DONE;
  }

  /** Picks for {@code actual} and completes it. */
  private void emit(CoreSubscriber<? super Response<ServiceInstance>> actual) {
    Response<ServiceInstance> response;
    try {
      response = balancer.respond(balancer.upstream().pick(request));
    } catch (RuntimeException e) {
      actual.onError(Operators.onOperatorError(e, actual.currentContext()));
      return;
    }
    actual.onNext(response);
    actual.onComplete();
  }

  /** A subscription of a later subscriber of the same choose: its own pick. */
  private static final class LaterSubscription implements Subscription {
    private static final AtomicIntegerFieldUpdater<LaterSubscription> DONE_UPDATER =
        AtomicIntegerFieldUpdater.newUpdater(LaterSubscription.class, "done");

    private final CoreSubscriber<? super Response<ServiceInstance>> actual;
    private final PickMono source;
    private volatile int done;

    LaterSubscription(CoreSubscriber<? super Response<ServiceInstance>> actual, PickMono source) {
      this.actual = actual;
      this.source = source;
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n) && DONE_UPDATER.compareAndSet(this, 0, 1)) {
        source.emit(actual);
      }
    }

    @Override
    public void cancel() {
      done = 1;
    }
  }
}
