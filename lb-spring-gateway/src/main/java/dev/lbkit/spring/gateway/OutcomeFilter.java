package dev.lbkit.spring.gateway;

import dev.lbkit.core.Outcome;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Reports the outcome of an lbkit-routed exchange once the response's body was written: it runs
 * around Spring's {@link NettyWriteResponseFilter}, whose work ends when the backend's body has
 * reached the client, so that least_conn's in-flight counts and the duration cover the whole
 * response. {@code SUCCESS} when it completes, {@code COMPLETED} when the client went away, {@code
 * FAILURE} on an error the routing filter did not report itself (reporting is idempotent).
 */
final class OutcomeFilter implements GlobalFilter, Ordered {
  static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    return chain.filter(exchange).doFinally(signal -> report(exchange, signal));
  }

  private static void report(ServerWebExchange exchange, SignalType signal) {
    Object state = exchange.getAttributes().get(GatewayExchange.ATTRIBUTE);
    if (!(state instanceof GatewayExchange g)) {
      return;
    }
    g.report(
        switch (signal) {
          case ON_COMPLETE -> Outcome.SUCCESS;
          case ON_ERROR -> Outcome.FAILURE;
          default -> Outcome.COMPLETED;
        });
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
