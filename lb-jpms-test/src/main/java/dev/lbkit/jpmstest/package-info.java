/**
 * A gateway on the module path: {@link dev.lbkit.jpmstest.Main} checks how lbkit's modules
 * resolved, then proxies real HTTP requests through {@code LoadBalancingFilter} and {@code
 * LoadBalancingProxyServlet} to two backends. {@code Issue12ModulePathTest} launches it.
 */
package dev.lbkit.jpmstest;
