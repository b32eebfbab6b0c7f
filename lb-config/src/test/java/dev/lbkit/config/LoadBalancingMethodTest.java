package dev.lbkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Outcome;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import dev.lbkit.core.Upstream;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A method named in a configuration's own fields: a method name and a hash key. */
class LoadBalancingMethodTest {
  private final Upstream upstream =
      Upstream.of(
          "u",
          Backend.of("a", "10.0.0.1", 8080),
          Backend.of("b", "10.0.0.2", 8080),
          Backend.of("c", "10.0.0.3", 8080),
          Backend.of("d", "10.0.0.4", 8080));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "round_robin||round_robin",
        "least_conn||least_conn",
        "random||random",
        "random two||random two least_conn",
        "Random  Two  LEAST_CONN||random two least_conn",
        "ip_hash||ip_hash",
        "hash|$remote_addr|hash $remote_addr",
        "hash $cookie_user||hash $cookie_user",
        "hash consistent|$http_x_user|hash $http_x_user consistent",
        "hash $host$uri consistent||hash $host$uri consistent",
        "HASH CONSISTENT| $uri |hash $uri consistent",
        "ketama|$arg_key|ketama $arg_key",
        "ring $uri||ring $uri",
        "maglev|$request_uri|maglev $request_uri",
        "maglev|$binary_remote_addr|maglev $binary_remote_addr",
        "least_conn|  |least_conn",
      })
  void everyNameWithItsKeyGivenOrInline(String method, String key, String directive) {
    LoadBalancingMethod m = LoadBalancingMethod.of(method, key);
    assertThat(m.directive()).isEqualTo(directive);
    assertThat(m).hasToString(directive).isEqualTo(LoadBalancingMethod.of(directive, null));
    assertThat(pick(m.selector(), i -> request("10.0." + i + ".1", "/p/" + i))).isNotEmpty();
  }

  @Test
  void nginxMethodsAreTheDirectivesNginxConfigReads() {
    for (String[] pair :
        new String[][] {
          {"ip_hash", "ip_hash"},
          {"random two", "random two"},
          {"hash $request_uri", "hash $request_uri;"},
          {"hash $request_uri consistent", "hash $request_uri consistent;"},
        }) {
      assertThat(LoadBalancingMethod.of(pair[0], null)).isEqualTo(NginxConfig.parseMethod(pair[1]));
    }
    // hash consistent places backends by host:port, as nginx: the same picks as NginxConfig's.
    Selector ours = LoadBalancingMethod.of("hash consistent", "$uri").selector();
    Selector nginx = NginxConfig.parseMethod("hash $uri consistent").selector();
    assertThat(pick(ours, i -> request(null, "/p/" + i)))
        .isEqualTo(pick(nginx, i -> request(null, "/p/" + i)));
  }

  @Test
  void lbHashRingsHashTheKeyTheyAreGiven() {
    IntFunction<RequestContext> requests = i -> request("10.1." + i + ".9", "/p/" + i);
    assertThat(pick(LoadBalancingMethod.of("ketama", "$uri").selector(), requests))
        .isEqualTo(pick(HashSelectors.ketama(KeyExtractor.path()), requests));
    assertThat(pick(LoadBalancingMethod.of("maglev", "$remote_addr").selector(), requests))
        .isEqualTo(pick(HashSelectors.maglev(KeyExtractor.clientAddress()), requests));
    // $binary_remote_addr: the same affinity as $remote_addr for lbkit's own rings.
    assertThat(pick(LoadBalancingMethod.of("ring", "$binary_remote_addr").selector(), requests))
        .isEqualTo(pick(HashSelectors.ring(KeyExtractor.clientAddress()), requests));
  }

  @Test
  void errorsNameTheFieldTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> LoadBalancingMethod.of("sticky", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "method: \"sticky\" (expected: round_robin, least_conn, random, random two least_conn,"
                + " ip_hash, hash, hash consistent, ketama, ring or maglev)");
    assertThatThrownBy(() -> LoadBalancingMethod.of("least_time header", null))
        .hasMessageStartingWith(
            "method: \"least_time header\" (least_time is not supported, because it needs"
                + " response times");
    assertThatThrownBy(() -> LoadBalancingMethod.of("", null))
        .hasMessageStartingWith("method: \"\" (expected: round_robin,");
    assertThatThrownBy(() -> LoadBalancingMethod.of("hash consistent", null))
        .hasMessageStartingWith(
            "key: missing (expected: what method hash consistent hashes, as nginx variables:"
                + " $remote_addr, $http_NAME");
    assertThatThrownBy(() -> LoadBalancingMethod.of("round_robin", "$uri"))
        .hasMessage(
            "key: \"$uri\" (expected: no key for method round_robin; only hash, hash consistent,"
                + " ketama, ring and maglev hash a key)");
    assertThatThrownBy(() -> LoadBalancingMethod.of("ip_hash $remote_addr", null))
        .hasMessageStartingWith("method: \"$remote_addr\" (expected: no key for method ip_hash;");
    assertThatThrownBy(() -> LoadBalancingMethod.of("hash $uri", "$arg_x"))
        .hasMessage(
            "key: \"$arg_x\" and \"$uri\" in the method (expected: one hash key, in the method or"
                + " as the key)");
    assertThatThrownBy(() -> LoadBalancingMethod.of("ketama", "$request_id"))
        .hasMessageStartingWith("key: \"$request_id\" ($request_id is not supported:");
    assertThatThrownBy(() -> LoadBalancingMethod.of("ring $server_name", null))
        .hasMessageStartingWith("method: \"$server_name\" ($server_name is not supported:");
    // nginx hashes $binary_remote_addr's raw bytes: lbkit's hash would not place clients alike.
    assertThatThrownBy(() -> LoadBalancingMethod.of("hash", "$binary_remote_addr"))
        .hasMessageStartingWith("key: \"$binary_remote_addr\" ($binary_remote_addr is not");
  }

  private static RequestContext request(String client, String path) {
    return RequestContext.builder()
        .clientAddress(client == null ? null : IpAddress.parse(client))
        .path(path)
        .query("key=" + path)
        .build();
  }

  /** The backends of 100 requests in order; at least two distinct, or the test proves little. */
  private String pick(Selector selector, IntFunction<RequestContext> requests) {
    LoadBalancer lb = LoadBalancer.builder(upstream).selector(selector).build();
    StringBuilder picks = new StringBuilder();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      Decision d = lb.pick(requests.apply(i));
      picks.append(d.backend().id());
      seen.add(d.backend().id());
      lb.report(d, Outcome.SUCCESS);
    }
    assertThat(seen).hasSizeGreaterThan(1);
    return picks.toString();
  }
}
