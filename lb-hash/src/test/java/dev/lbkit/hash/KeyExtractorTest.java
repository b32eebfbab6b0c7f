package dev.lbkit.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import org.junit.jupiter.api.Test;

class KeyExtractorTest {
  private final RequestContext request =
      RequestContext.builder()
          .clientAddress(IpAddress.parse("2001:db8::7"))
          .headers(
              name ->
                  switch (name) {
                    case "X-User" -> "alice";
                    case "Cookie" -> "a=1; sid=s3cr3t; b=2";
                    default -> null;
                  })
          .path("/tea/green")
          .query("x=1&k=v%20w&flag")
          .build();

  @Test
  void readsEachPartOfTheRequest() {
    assertThat(KeyExtractor.clientAddress().key(request)).hasToString("2001:db8::7");
    assertThat(KeyExtractor.header("X-User").key(request)).hasToString("alice");
    assertThat(KeyExtractor.cookie("sid").key(request)).hasToString("s3cr3t");
    assertThat(KeyExtractor.queryParameter("k").key(request)).hasToString("v%20w");
    assertThat(KeyExtractor.queryParameter("flag").key(request)).hasToString("");
    assertThat(KeyExtractor.path().key(request)).hasToString("/tea/green");
  }

  @Test
  void missingPartsAreNull() {
    RequestContext empty = RequestContext.empty();
    assertThat(KeyExtractor.clientAddress().key(empty)).isNull();
    assertThat(KeyExtractor.header("X-User").key(empty)).isNull();
    assertThat(KeyExtractor.cookie("sid").key(empty)).isNull();
    assertThat(KeyExtractor.queryParameter("k").key(empty)).isNull();
    assertThat(KeyExtractor.path().key(empty)).hasToString("/");
  }

  @Test
  void describeThemselvesAsNginxVariables() {
    assertThat(KeyExtractor.clientAddress()).hasToString("$remote_addr");
    assertThat(KeyExtractor.path()).hasToString("$uri");
    assertThat(KeyExtractor.header("X-User")).hasToString("header(X-User)");
    assertThat(KeyExtractor.cookie("sid")).hasToString("cookie(sid)");
  }
}
