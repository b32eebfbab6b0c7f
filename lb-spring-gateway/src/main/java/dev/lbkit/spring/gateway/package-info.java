/**
 * lbkit session persistence on Spring Cloud Gateway (WebFlux) {@code lb://} routes.
 *
 * <p>With {@code dev.lbkit:lb-spring-gateway} next to the gateway, {@link
 * dev.lbkit.spring.gateway.LbkitGatewayAutoConfiguration} installs {@link
 * dev.lbkit.spring.gateway.LbkitGatewayFilter}, a global filter that runs just before Spring's
 * load-balancer filter and takes over every {@code lb://SERVICE} route whose service id has an
 * {@code lbkit.upstreams} entry: it picks the backend with lbkit (method, session cookie or header,
 * client address from the trusted proxies), writes the session's {@code Set-Cookie} or header to
 * the client when the response is committed, answers {@code 503} with {@code Retry-After} when no
 * backend can take the request, retries a backend that cannot be connected to on another one, and
 * reports each attempt's outcome. Routes of other services are left to Spring. A route's metadata
 * can switch lbkit off for it or name another upstream ({@link
 * dev.lbkit.spring.gateway.LbkitGatewayFilter#METADATA_ENABLED}, {@link
 * dev.lbkit.spring.gateway.LbkitGatewayFilter#METADATA_UPSTREAM}).
 *
 * <p>See {@code docs/spring-gateway-webflux.md}.
 */
@NullMarked
package dev.lbkit.spring.gateway;

import org.jspecify.annotations.NullMarked;
