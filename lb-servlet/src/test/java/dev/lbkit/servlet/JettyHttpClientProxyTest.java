package dev.lbkit.servlet;

/** {@link HttpClientProxyServlet} in Jetty 12 ee10 (12.1 by default, 12.0 with -Pjetty-12.0). */
class JettyHttpClientProxyTest extends HttpClientProxyContract {
  @Override
  FilterContainer.Starter starter() {
    return JettyFilterContainerTest::start;
  }
}
