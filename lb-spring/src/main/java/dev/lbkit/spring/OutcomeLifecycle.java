package dev.lbkit.spring;

import dev.lbkit.core.Outcome;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * Reports how a request Spring Cloud LoadBalancer sent to an lbkit-chosen instance ended, so that
 * in-flight counts (least_conn, max_conns) and passive health stay true: {@code SUCCESS} as
 * success, {@code FAILED} (the call threw: refused, reset, timed out) as failure, {@code DISCARD}
 * as completed without a verdict. As in nginx, an HTTP error status is an answer, not a failure.
 */
final class OutcomeLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
  @Override
  @SuppressWarnings("rawtypes")
  public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
    return ServiceInstance.class.isAssignableFrom(serverTypeClass);
  }

  @Override
  public void onStart(Request<Object> request) {}

  @Override
  public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
    if (lbResponse != null && lbResponse.getServer() instanceof LbkitServiceInstance chosen) {
      chosen.started();
    }
  }

  @Override
  public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
    Response<ServiceInstance> response = completion.getLoadBalancerResponse();
    if (response == null || !(response.getServer() instanceof LbkitServiceInstance chosen)) {
      return;
    }
    Outcome outcome =
        switch (completion.status()) {
          case SUCCESS -> Outcome.SUCCESS;
          case FAILED -> Outcome.FAILURE;
          case DISCARD -> Outcome.COMPLETED;
        };
    long start = chosen.startNanos();
    if (start == LbkitServiceInstance.NOT_STARTED) {
      chosen.decision().report(outcome); // a client that never said it started: no duration
    } else {
      chosen.decision().report(outcome, System.nanoTime() - start);
    }
  }
}
