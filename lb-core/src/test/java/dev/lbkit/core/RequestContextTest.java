package dev.lbkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestContextTest {

  @Test
  void aTcpClientIsKnownByItsAddressAlone() {
    IpAddress client = IpAddress.parse("198.51.100.7");
    RequestContext request = RequestContext.ofClient(client);
    assertThat(request.clientAddress()).isEqualTo(client);
    assertThat(request.header("Cookie")).isNull();
    assertThat(request.cookie("a")).isNull();
    assertThat(request.path()).isEqualTo("/");
    assertThat(request.query()).isNull();
    assertThat(request.isSecure()).isFalse();
    assertThat(request.toString()).isEqualTo("RequestContext{client=198.51.100.7, path=/}");
  }

  @Test
  void cookiesComeFromTheCookieHeaderReadOnce() {
    AtomicInteger reads = new AtomicInteger();
    RequestContext request =
        RequestContext.builder()
            .headers(
                name -> {
                  if (name.equalsIgnoreCase("Cookie")) {
                    reads.incrementAndGet();
                    return "srv_id=1; route=a; route=b";
                  }
                  return null;
                })
            .build();
    assertThat(request.cookie("srv_id")).isEqualTo("1");
    assertThat(request.cookies("route")).containsExactly("a", "b");
    assertThat(request.cookieHeader()).isEqualTo("srv_id=1; route=a; route=b");
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void anAbsentCookieHeaderIsAlsoReadOnce() {
    AtomicInteger reads = new AtomicInteger();
    RequestContext request =
        RequestContext.builder()
            .headers(
                name -> {
                  reads.incrementAndGet();
                  return null;
                })
            .build();
    assertThat(request.cookie("a")).isNull();
    assertThat(request.cookies("a")).isEmpty();
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void aFailingHeaderSourceReadsAsAbsent() {
    RequestContext request =
        RequestContext.builder()
            .headers(
                name -> {
                  throw new IllegalStateException("gone");
                })
            .build();
    try (CapturedLog log = CapturedLog.start()) { // how it is logged: AdapterFailureLoggingTest
      assertThat(request.header("X-Anything")).isNull();
      assertThat(request.cookie("a")).isNull();
      assertThat(log.records())
          .extracting(CapturedLog.Entry::logger)
          .containsOnly("dev.lbkit.core.HeaderSource");
    }
  }

  @Test
  void queryParameters() {
    RequestContext request =
        RequestContext.builder()
            .path("/tea")
            .query("a=1&flag&b=&a=2&c=x%20y&=v")
            .secure(true)
            .build();
    assertThat(request.queryParameter("a")).isEqualTo("1");
    assertThat(request.queryParameter("flag")).isEmpty();
    assertThat(request.queryParameter("b")).isEmpty();
    assertThat(request.queryParameter("c")).isEqualTo("x%20y");
    assertThat(request.queryParameter("fla")).isNull();
    assertThat(request.queryParameter("missing")).isNull();
    assertThat(request.queryParameter("")).isEqualTo("v");
    assertThat(request.path()).isEqualTo("/tea");
    assertThat(request.isSecure()).isTrue();
    assertThat(request.toString()).isEqualTo("RequestContext{client=null, path=/tea, secure}");
    assertThat(RequestContext.builder().query("&&").build().queryParameter("a")).isNull();
    assertThat(RequestContext.empty().queryParameter("a")).isNull();
  }
}
