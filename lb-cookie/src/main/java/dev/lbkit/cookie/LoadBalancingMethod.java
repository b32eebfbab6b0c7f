package dev.lbkit.cookie;

import dev.lbkit.core.Selector;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A load-balancing method read from a configuration: the {@link Selector} to give a {@link
 * dev.lbkit.core.LoadBalancer}, and the method as nginx would write it ({@code ip_hash}, {@code
 * hash $remote_addr consistent}, {@code random two least_conn}), for logs and for comparing
 * configurations.
 *
 * <pre>{@code
 * LoadBalancingMethod method = NginxConfig.parseMethod("hash $http_x_user consistent;");
 * LoadBalancer lb = LoadBalancer.builder(upstream).selector(method.selector()).build();
 * }</pre>
 *
 * <p>Two methods are equal when their canonical directives are; the selector is shared by every
 * load balancer it is given to, which the built-in selectors allow (their per-snapshot state lives
 * in each upstream's snapshots).
 */
public final class LoadBalancingMethod {
  private static final LoadBalancingMethod ROUND_ROBIN =
      new LoadBalancingMethod("round_robin", Selector.roundRobin());

  private final String directive;
  private final Selector selector;

  LoadBalancingMethod(String directive, Selector selector) {
    this.directive = Objects.requireNonNull(directive, "directive");
    this.selector = Objects.requireNonNull(selector, "selector");
  }

  /** nginx's default: smooth weighted round robin, written {@code round_robin}. */
  public static LoadBalancingMethod roundRobin() {
    return ROUND_ROBIN;
  }

  /**
   * The method as nginx writes it, without the trailing semicolon and with single spaces: {@code
   * least_conn}, {@code hash $request_uri consistent}. Round robin, which nginx has no directive
   * for, is {@code round_robin} (as NGINX Ingress Controller and NGINX Gateway Fabric write it).
   */
  public String directive() {
    return directive;
  }

  /** The selector that implements the method. */
  public Selector selector() {
    return selector;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LoadBalancingMethod && ((LoadBalancingMethod) o).directive.equals(directive);
  }

  @Override
  public int hashCode() {
    return directive.hashCode();
  }

  @Override
  public String toString() {
    return directive;
  }
}
