package dev.lbkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.core.BackendState;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend that goes away, and one that drains, behind the gateway built from the default file.
 */
class FailoverTest {
  private Demo demo;
  private int port;

  @BeforeEach
  void start() throws Exception {
    demo = Demo.start(Cafe.config());
    port = demo.gateway().port();
  }

  @AfterEach
  void stop() {
    demo.close();
  }

  @Test
  void whenTheBoundBackendStopsTheNextRequestMovesAndGetsANewCookie() throws Exception {
    Http.Response first = Http.get(port, Cafe.HOST, "/tea");
    String bound = first.serverName();
    String cookie = first.cookiePair("cookie-tea");
    demo.backends().stop(bound);

    Http.Response moved = Http.get(port, Cafe.HOST, "/tea", "Cookie: " + cookie);
    assertThat(moved.status()).isEqualTo(200);
    assertThat(moved.serverName()).isNotEqualTo(bound).isIn("tea-1", "tea-2");
    String newCookie = moved.cookiePair("cookie-tea");
    assertThat(newCookie).isNotEqualTo(cookie);

    // The backend comes back: the moved session stays where it went.
    demo.backends().restart(bound);
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(port, Cafe.HOST, "/tea", "Cookie: " + newCookie).serverName())
          .isEqualTo(moved.serverName());
    }
  }

  @Test
  void aDrainingBackendKeepsItsSessionsAndTakesNoNewOnes() {
    Http.Response first = Http.get(port, Cafe.HOST, "/tea");
    String bound = first.serverName();
    String cookie = first.cookiePair("cookie-tea");
    demo.gateway().upstream("tea").setState(bound, BackendState.DRAINING);

    for (int i = 0; i < 5; i++) {
      assertThat(Http.get(port, Cafe.HOST, "/tea", "Cookie: " + cookie).serverName())
          .isEqualTo(bound);
    }
    Set<String> fresh = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      fresh.add(Http.get(port, Cafe.HOST, "/tea").serverName());
    }
    assertThat(fresh).doesNotContain(bound).hasSize(1);
  }
}
