package dev.lbkit.spring.gateway.mvc;

import org.springframework.cloud.gateway.server.mvc.common.Shortcut;
import org.springframework.cloud.gateway.server.mvc.filter.SimpleFilterSupplier;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * lbkit's filter functions for Spring Cloud Gateway Server MVC routes: {@link #lbkit(String)} in
 * place of Spring's {@code LoadBalancerFilterFunctions.lb(serviceId)}.
 *
 * <pre>{@code
 * route("tea")
 *     .GET("/tea/**", http())
 *     .filter(LbkitFilterFunctions.lbkit("tea"))
 *     .build();
 * }</pre>
 *
 * <p>In YAML ({@code spring.cloud.gateway.server.webmvc.routes}) the same filter is {@code
 * Lbkit=tea}; a route with {@code uri: lb://tea} gets it without naming it when lbkit has an
 * upstream for the service {@code tea}.
 */
public final class LbkitFilterFunctions {
  /**
   * The request attribute holding the current {@link dev.lbkit.core.Decision} of a request the
   * filter balanced: the first pick's, or the latest retry's. A second lbkit filter on the same
   * route (a YAML {@code Lbkit=...} on an {@code lb://} route) sees it and lets the first decide.
   */
  public static final String DECISION_ATTRIBUTE = "dev.lbkit.spring.gateway.mvc.decision";

  private LbkitFilterFunctions() {}

  /**
   * Balances the route over the lbkit upstream {@code upstream}: the name under {@code
   * lbkit.upstreams}, or the Spring Cloud service id of one. The upstream is looked up in the
   * application context on the route's first request; a name lbkit does not know fails that request
   * (500) with the name in the message.
   */
  @Shortcut
  public static HandlerFilterFunction<ServerResponse, ServerResponse> lbkit(String upstream) {
    return LbkitFilter.named(upstream);
  }

  /** Offers {@link LbkitFilterFunctions}' filters to the YAML routes of Server MVC. */
  public static final class FilterSupplier extends SimpleFilterSupplier {
    /** The supplier of {@link LbkitFilterFunctions}' filters. */
    public FilterSupplier() {
      super(LbkitFilterFunctions.class);
    }
  }
}
