package dev.lbkit.demo;

import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.demo.GatewayConfig.HashKey;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import org.jspecify.annotations.Nullable;

/** The load-balancing method of an upstream, as a new {@link Selector} for one load balancer. */
final class Selectors {
  private Selectors() {}

  static Selector of(UpstreamSpec upstream) {
    switch (upstream.method()) {
      case LEAST_CONN:
        return Selector.leastConn();
      case RANDOM:
        return Selector.random();
      case RANDOM_TWO_LEAST_CONN:
        return Selector.randomTwoLeastConn();
      case IP_HASH:
        return HashSelectors.ipHash();
      case HASH:
        return HashSelectors.hash(key(upstream));
      case HASH_CONSISTENT:
        return HashSelectors.hashConsistent(key(upstream));
      case KETAMA:
        return HashSelectors.ketama(key(upstream));
      case RING:
        return HashSelectors.ring(key(upstream));
      case MAGLEV:
        return HashSelectors.maglev(key(upstream));
      case ROUND_ROBIN:
      default:
        return Selector.roundRobin();
    }
  }

  private static KeyExtractor key(UpstreamSpec upstream) {
    HashKey key = upstream.key();
    if (key == null) {
      // The reader requires a key for every hashing method.
      throw new IllegalStateException("upstream " + upstream.name() + " has no hash key");
    }
    switch (key.kind()) {
      case CLIENT_ADDRESS:
        return KeyExtractor.clientAddress();
      case PATH:
        return KeyExtractor.path();
      case HEADER:
        return KeyExtractor.header(key.name());
      case COOKIE:
        return KeyExtractor.cookie(key.name());
      case QUERY_PARAMETER:
        return KeyExtractor.queryParameter(key.name());
      case REQUEST_URI:
      default:
        return RequestUri.INSTANCE;
    }
  }

  /** nginx's {@code $request_uri}: the path and, when there is one, {@code ?} and the query. */
  private enum RequestUri implements KeyExtractor {
    INSTANCE;

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      String query = request.query();
      return query == null ? request.path() : request.path() + '?' + query;
    }

    @Override
    public String toString() {
      return "$request_uri";
    }
  }
}
