package dev.lbkit.spring.gateway.mvc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A Spring Boot servlet application on a random port (embedded Tomcat), and a client of it. */
final class TestGateway implements AutoCloseable {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final ConfigurableApplicationContext context;
  final int port;

  private TestGateway(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }

  static TestGateway start(Class<?> application, Map<String, String> properties) {
    Properties p = new Properties();
    p.put("server.port", "0");
    p.put("spring.main.banner-mode", "off");
    p.put("spring.cloud.loadbalancer.cache.enabled", "false");
    p.put("lbkit.session-secrets-env", "LBKIT_TEST_SESSION_SECRET");
    p.putAll(properties);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(application)
            .web(WebApplicationType.SERVLET)
            .properties(p)
            .run();
    return new TestGateway(context);
  }

  /** GET {@code path} with headers given as name, value, name, value... */
  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The Set-Cookie values of {@code response}. */
  static List<String> setCookies(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie");
  }

  /** The {@code NAME=VALUE} of the Set-Cookie named {@code name}, to send back; null if none. */
  static String cookie(HttpResponse<?> response, String name) {
    for (String c : setCookies(response)) {
      if (c.startsWith(name + "=")) {
        int semi = c.indexOf(';');
        return semi < 0 ? c : c.substring(0, semi);
      }
    }
    return null;
  }

  @Override
  public void close() {
    context.close();
  }
}
