/**
 * lbkit for Jakarta Servlet 6 containers (Jetty 12.0 and 12.1 ee10, Tomcat 10.1 and 11).
 *
 * <p>{@link dev.lbkit.servlet.LoadBalancingFilter} routes each request through a {@link
 * dev.lbkit.core.Router}: a {@link dev.lbkit.core.LoadBalancer}, or a {@link
 * dev.lbkit.core.TrafficSplit} that splits a route across several upstreams by weight (a canary),
 * each session keeping its upstream. It reads the request (client address behind trusted proxies,
 * headers, cookies, path, TLS), writes the session headers the decision carries before the response
 * can be committed, publishes the decision in the request attribute {@link
 * dev.lbkit.servlet.LoadBalancingFilter#DECISION_ATTRIBUTE}, answers 503 when no backend can take
 * the request, and reports how the request ended, asynchronous ones included, so that in-flight
 * counts and passive health stay true. It is built in code with {@link
 * dev.lbkit.servlet.LoadBalancingFilter#builder} or configured in {@code web.xml} by init-params.
 *
 * <p>{@link dev.lbkit.servlet.LoadBalancingProxyServlet} is a Jetty 12 (12.0 and 12.1) reverse
 * proxy that forwards to the decision's backend and retries connection failures on another backend
 * through {@link dev.lbkit.core.Decision#retry} (behind a split, within the member). It needs
 * {@code org.eclipse.jetty.ee10:jetty-ee10-proxy} on the class path, which this module declares
 * optional: the filter alone runs on any container. On the module path, an application that uses
 * the proxy servlet says {@code requires org.eclipse.jetty.ee10.proxy;} itself, as lb-servlet's
 * descriptor requires Jetty's modules only {@code static}.
 *
 * <p>{@link dev.lbkit.servlet.HttpClientProxyServlet} is the same proxy for any Servlet 6 container
 * (Tomcat, Spring MVC), on the JDK's {@link java.net.http.HttpClient}: blocking on the container's
 * thread, streaming both bodies, with the same headers, outcomes and retries.
 */
@NullMarked
package dev.lbkit.servlet;

import org.jspecify.annotations.NullMarked;
