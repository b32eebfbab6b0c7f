/**
 * lbkit on Spring Cloud Gateway Server MVC routes.
 *
 * <p>Add {@code dev.lbkit:lb-spring-gateway-mvc} beside the Server MVC gateway starter and describe
 * upstreams under {@code lbkit.*} (see {@link dev.lbkit.spring.LbkitProperties}). Then:
 *
 * <ul>
 *   <li>a YAML route with {@code uri: lb://SERVICE} is balanced by lbkit when lbkit has an upstream
 *       for {@code SERVICE}, and by Spring Cloud LoadBalancer as before otherwise ({@link
 *       dev.lbkit.spring.gateway.mvc.LbkitGatewayMvcAutoConfiguration});
 *   <li>a Java route takes {@link dev.lbkit.spring.gateway.mvc.LbkitFilterFunctions#lbkit(String)}
 *       where it would take Spring's {@code lb(...)}, and a YAML route can name the same filter,
 *       {@code Lbkit=NAME}.
 * </ul>
 *
 * <p>The filter resolves the client address (with the trusted proxies of {@code
 * lbkit.client-address}), picks with the upstream's method and session persistence, points the
 * proxy at the chosen backend, writes the session's {@code Set-Cookie} beside the backend's own,
 * retries a backend it could not connect to on another one, answers 503 with {@code Retry-After}
 * when no backend can take the request, and reports how each request ended. See {@code
 * docs/spring.md}.
 */
@NullMarked
package dev.lbkit.spring.gateway.mvc;

import org.jspecify.annotations.NullMarked;
