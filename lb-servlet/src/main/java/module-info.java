/**
 * lbkit for Jakarta Servlet 6 containers: {@link dev.lbkit.servlet.LoadBalancingFilter} and the
 * Jetty 12 reverse proxy {@link dev.lbkit.servlet.LoadBalancingProxyServlet}.
 *
 * <p>Jetty's modules are optional ({@code requires static}), as the Maven dependency on {@code
 * jetty-ee10-proxy} is: the filter alone runs on any container, and an application that uses the
 * proxy servlet requires {@code org.eclipse.jetty.ee10.proxy} itself.
 */
module dev.lbkit.servlet {
  requires transitive dev.lbkit.core;
  requires dev.lbkit.cookie;
  requires dev.lbkit.config;
  requires transitive jakarta.servlet;
  requires org.slf4j;
  // HttpClientProxyServlet forwards with the JDK's client.
  requires java.net.http;
  requires static transitive org.jspecify;
  // The proxy servlet's signatures (its superclass, the hooks it overrides) show these three.
  requires static transitive org.eclipse.jetty.ee10.proxy;
  requires static transitive org.eclipse.jetty.client;
  requires static transitive org.eclipse.jetty.util;
  requires static org.eclipse.jetty.http;
  requires static org.eclipse.jetty.io;

  exports dev.lbkit.servlet;
}
