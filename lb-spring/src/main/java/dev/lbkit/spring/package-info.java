/**
 * lbkit in Spring Boot and Spring Cloud LoadBalancer.
 *
 * <p>Add {@code dev.lbkit:lb-spring} and describe upstreams under {@code lbkit.*} ({@link
 * dev.lbkit.spring.LbkitProperties}); {@link dev.lbkit.spring.LbkitAutoConfiguration} builds them
 * into one {@link dev.lbkit.spring.LbkitUpstreams} bean. With Spring Cloud LoadBalancer on the
 * class path, every service id that has an upstream is chosen by lbkit ({@link
 * dev.lbkit.spring.LbkitReactorLoadBalancer}): {@code @LoadBalanced} WebClient and RestClient,
 * OpenFeign and {@code lb://} gateway routes then use lbkit's methods and sessions. With Micrometer
 * and lb-micrometer, each upstream's meters are registered ({@link
 * dev.lbkit.spring.LbkitMetricsAutoConfiguration}). A bad property stops the application with its
 * full name and what is allowed ({@link dev.lbkit.spring.LbkitFailureAnalyzer}).
 *
 * <p>The gateway filters, which write session cookies to the client and retry, live in
 * lb-spring-gateway (WebFlux) and lb-spring-gateway-mvc (Server MVC). See {@code docs/spring.md}.
 */
@NullMarked
package dev.lbkit.spring;

import org.jspecify.annotations.NullMarked;
