package dev.lbkit.spring.gateway.mvc;

import dev.lbkit.spring.LbkitUpstreams;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.server.mvc.config.RouteProperties;
import org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions;
import org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionDefinition;
import org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * What a YAML route with {@code uri: lb://SERVICE} is handled by: Server MVC's HTTP proxy behind
 * lbkit's filter when lbkit has an upstream for {@code SERVICE}, behind Spring's own {@code lb}
 * filter otherwise, exactly as Server MVC builds such a route. Server MVC looks this function up by
 * the bean name {@value LbkitGatewayMvcAutoConfiguration#LB_HANDLER_BEAN}, which is why it takes
 * the place of Spring's bean of that name rather than sitting beside it.
 */
final class LbRouteHandler implements Function<RouteProperties, HandlerFunctionDefinition> {
  private final ObjectProvider<LbkitUpstreams> upstreams;

  LbRouteHandler(ObjectProvider<LbkitUpstreams> upstreams) {
    this.upstreams = upstreams;
  }

  @Override
  public HandlerFunctionDefinition apply(RouteProperties route) {
    URI uri = route.getUri();
    String serviceId = uri == null ? null : uri.getHost();
    if (serviceId == null) {
      throw new IllegalArgumentException(
          "route " + route.getId() + ": uri " + uri + " (expected: lb://SERVICE-ID)");
    }
    LbkitUpstreams known = upstreams.getIfAvailable();
    HandlerFilterFunction<ServerResponse, ServerResponse> balance =
        known != null && known.forService(serviceId) != null
            ? LbkitFilter.forService(serviceId)
            : LoadBalancerFilterFunctions.lb(serviceId);
    return new HandlerFunctionDefinition.Default(
        "lb", HandlerFunctions.http(), List.of(), List.of(balance));
  }
}
