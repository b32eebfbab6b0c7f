/**
 * An application on the module path that uses lb-servlet as a user's would: it names lbkit's module
 * and the Jetty modules it starts, and nothing that lbkit needs for itself (SLF4J, the Servlet
 * API).
 */
module dev.lbkit.jpmstest {
  requires dev.lbkit.servlet;
  requires org.eclipse.jetty.ee10.servlet;
  // For LoadBalancingProxyServlet: lb-servlet requires Jetty's modules only static.
  requires org.eclipse.jetty.ee10.proxy;
  requires java.net.http;
}
