package dev.lbkit.spring;

import dev.lbkit.config.Durations;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.redis.RedisSessionStore;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * A {@link RedisSessionStore} for the server-side session tables ({@code sticky-learn}, {@code
 * stick-table}) when lb-redis is on the class path and {@code lbkit.redis.uri} is set: gateway
 * replicas on the same Redis share those sessions, and a restart keeps them. An application's own
 * {@link SessionStore} bean wins.
 */
@AutoConfiguration(before = LbkitAutoConfiguration.class)
@ConditionalOnClass(RedisSessionStore.class)
@ConditionalOnProperty(name = "lbkit.redis.uri")
public class LbkitRedisAutoConfiguration {
  /** The store on {@code lbkit.redis.*}; closed with the application. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(SessionStore.class)
  public RedisSessionStore lbkitRedisSessionStore(LbkitProperties properties) {
    LbkitProperties.Redis r = properties.getRedis();
    String at = LbkitProperties.PREFIX + ".redis.";
    String uri = r.getUri();
    if (uri == null || uri.isBlank()) {
      throw UpstreamFactory.bad(at + "uri", "", "redis://host:port", null);
    }
    RedisSessionStore.Builder b;
    try {
      b = RedisSessionStore.builder(uri.trim());
    } catch (IllegalArgumentException e) {
      throw UpstreamFactory.bad(at + "uri", uri, "redis://host:port or rediss://host:port", e);
    }
    b.timeout(time(at + "timeout", r.getTimeout()));
    b.nearCacheTtl(time(at + "near-cache-ttl", r.getNearCacheTtl()));
    try {
      b.keyPrefix(r.getKeyPrefix());
    } catch (IllegalArgumentException e) {
      throw UpstreamFactory.bad(
          at + "key-prefix", r.getKeyPrefix(), "up to 100 visible ASCII characters", e);
    }
    try {
      b.nearCacheSize(r.getNearCacheSize());
    } catch (IllegalArgumentException e) {
      throw UpstreamFactory.bad(at + "near-cache-size", r.getNearCacheSize(), "0 or more", e);
    }
    return b.build();
  }

  private static Duration time(String property, String value) {
    Duration d;
    try {
      d = Durations.parseNginxTime(value);
    } catch (IllegalArgumentException e) {
      throw UpstreamFactory.bad(property, value, "an nginx time, such as 50ms or 10s", e);
    }
    if (d.isZero()) {
      throw UpstreamFactory.bad(property, value, "more than 0", null);
    }
    return d;
  }
}
