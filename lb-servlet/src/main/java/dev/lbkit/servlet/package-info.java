/**
 * lbkit for Jakarta Servlet 6 containers (Jetty 12 ee10, Tomcat 10.1 and later).
 *
 * <p>{@link dev.lbkit.servlet.LoadBalancingFilter} routes each request through a {@link
 * dev.lbkit.core.LoadBalancer}: it reads the request (client address behind trusted proxies,
 * headers, cookies, path, TLS), writes the session headers the decision carries before the
 * response can be committed, publishes the decision in the request attribute {@link
 * dev.lbkit.servlet.LoadBalancingFilter#DECISION_ATTRIBUTE}, answers 503 when no backend can take
 * the request, and reports how the request ended, asynchronous ones included, so that in-flight
 * counts and passive health stay true. It is built in code with {@link
 * dev.lbkit.servlet.LoadBalancingFilter#builder} or configured in {@code web.xml} by init-params.
 * Built over lb-cookie's {@link dev.lbkit.cookie.TrafficSplit} instead, it splits a route across
 * several upstreams by weight (a canary), each session keeping its upstream, and publishes the
 * member's decision and the {@link dev.lbkit.cookie.SplitDecision}.
 *
 * <p>{@link dev.lbkit.servlet.LoadBalancingProxyServlet} is a Jetty 12 reverse proxy that forwards
 * to the decision's backend and retries connection failures on another backend through {@link
 * dev.lbkit.core.LoadBalancer#retry} (behind a split, the member's). It needs {@code
 * org.eclipse.jetty.ee10:jetty-ee10-proxy} on the class path, which this module declares optional:
 * the filter alone runs on any container.
 */
@NullMarked
package dev.lbkit.servlet;

import org.jspecify.annotations.NullMarked;
