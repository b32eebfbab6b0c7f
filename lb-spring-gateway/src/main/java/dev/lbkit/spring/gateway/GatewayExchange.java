package dev.lbkit.spring.gateway;

import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.ResponseHeader;
import dev.lbkit.spring.HttpHeadersSource;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What the filter keeps for one exchange: the decision of the current attempt (after a retry, the
 * retry's) and when that attempt started. The session headers are those of the current decision,
 * written once, when the response is committed: after the routing filter copied the backend's
 * headers, so that a backend's own {@code Set-Cookie} and lbkit's both reach the client, and after
 * every retry, so that a moved session is answered with its new cookie only.
 */
final class GatewayExchange {
  /** The exchange attribute holding this object. */
  static final String ATTRIBUTE = GatewayExchange.class.getName();

  private volatile Decision decision;
  private volatile long startedNanos;

  private GatewayExchange(Decision decision) {
    this.decision = decision;
    this.startedNanos = System.nanoTime();
  }

  /**
   * The exchange's state with {@code decision} current. The first call registers the writing of the
   * session headers; a later one (a Spring {@code Retry} filter running the route again) only makes
   * the new decision current.
   */
  static GatewayExchange begin(ServerWebExchange exchange, Decision decision) {
    Object known = exchange.getAttributes().get(ATTRIBUTE);
    if (known instanceof GatewayExchange g) {
      // The previous attempt answered (a Retry filter retries on the status it got); one that
      // failed was reported so already, and reporting is idempotent.
      g.report(Outcome.SUCCESS);
      g.attempt(decision);
      return g;
    }
    GatewayExchange g = new GatewayExchange(decision);
    exchange.getAttributes().put(ATTRIBUTE, g);
    exchange
        .getResponse()
        .beforeCommit(
            () -> {
              g.writeSessionHeaders(exchange.getResponse().getHeaders());
              return Mono.empty();
            });
    return g;
  }

  /** Makes {@code next} the current attempt. */
  void attempt(Decision next) {
    decision = next;
    startedNanos = System.nanoTime();
  }

  Decision decision() {
    return decision;
  }

  /** Reports the current attempt, timed from its start; reporting twice does nothing. */
  void report(Outcome outcome) {
    Decision d = decision;
    d.report(outcome, System.nanoTime() - startedNanos);
  }

  private void writeSessionHeaders(HttpHeaders headers) {
    Decision d = decision;
    if (!d.hasBackend()) {
      return; // a 503 or 502 carries no session; the client keeps the cookie it has
    }
    if (d.learnsFromResponse()) {
      // Learn mode: the routing filter copied the backend's headers; lbkit's are not added yet.
      d.learn(HttpHeadersSource.of(headers));
    }
    List<ResponseHeader> session = d.responseHeaders();
    for (int i = 0; i < session.size(); i++) {
      ResponseHeader h = session.get(i);
      headers.add(h.name(), h.value());
    }
  }
}
