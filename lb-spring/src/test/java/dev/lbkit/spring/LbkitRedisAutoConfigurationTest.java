package dev.lbkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lbkit.cookie.SessionStore;
import dev.lbkit.redis.RedisSessionStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code lbkit.redis.*}: a {@link RedisSessionStore} for the session tables when lb-redis is there
 * and a URI is set, the application's own store first, and bad values stopping startup with the
 * property's path. No Redis needs to run: a store starts while Redis is away.
 */
class LbkitRedisAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  LbkitRedisAutoConfiguration.class, LbkitAutoConfiguration.class));

  @Test
  void aUriGivesTheTablesARedisStore() {
    runner
        .withPropertyValues("lbkit.redis.uri=redis://127.0.0.1:1", "lbkit.redis.timeout=20ms")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
            });
  }

  @Test
  void noUriNoRedisAndTheApplicationsStoreWins() {
    runner.run(context -> assertThat(context).doesNotHaveBean(RedisSessionStore.class));
    SessionStore own = SessionStore.inMemory(10);
    runner
        .withBean(SessionStore.class, () -> own)
        .withPropertyValues("lbkit.redis.uri=redis://127.0.0.1:1")
        .run(context -> assertThat(context.getBean(SessionStore.class)).isSameAs(own));
  }

  @Test
  void badRedisPropertiesStopStartupNamingThem() {
    Map<String, String> cases =
        Map.of(
            "lbkit.redis.uri=http://x", "lbkit.redis.uri: \"http://x\"",
            "lbkit.redis.timeout=soon", "lbkit.redis.timeout: \"soon\"",
            "lbkit.redis.near-cache-ttl=0s", "lbkit.redis.near-cache-ttl: \"0s\"",
            "lbkit.redis.key-prefix=a b", "lbkit.redis.key-prefix: \"a b\"",
            "lbkit.redis.near-cache-size=-1", "lbkit.redis.near-cache-size: -1");
    cases.forEach(
        (property, message) ->
            runner
                .withPropertyValues("lbkit.redis.uri=redis://127.0.0.1:1", property)
                .run(
                    context -> {
                      assertThat(context).as(property).hasFailed();
                      Throwable t = context.getStartupFailure();
                      while (t != null && !(t instanceof LbkitConfigurationException)) {
                        t = t.getCause();
                      }
                      assertThat(t).as(property).isNotNull();
                      assertThat(t.getMessage()).as(property).startsWith(message);
                    }));
  }
}
