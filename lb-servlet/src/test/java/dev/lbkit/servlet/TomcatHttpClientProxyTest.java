package dev.lbkit.servlet;

/** {@link HttpClientProxyServlet} in embedded Tomcat (11 by default, 10.1 with -Ptomcat-10.1). */
class TomcatHttpClientProxyTest extends HttpClientProxyContract {
  @Override
  FilterContainer.Starter starter() {
    return TomcatFilterContainerTest::start;
  }
}
