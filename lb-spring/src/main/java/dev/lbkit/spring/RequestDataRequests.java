package dev.lbkit.spring;

import dev.lbkit.core.HeaderSource;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * Turns the request data Spring Cloud LoadBalancer passes to {@code choose} into an lbkit {@link
 * RequestContext}: its headers, its cookies (a client request keeps them apart from the headers),
 * its path and query, and the client address when a gateway put one in the attributes.
 */
final class RequestDataRequests {
  private RequestDataRequests() {}

  @SuppressWarnings("rawtypes")
  static RequestContext of(@Nullable Request request) {
    Object context = request == null ? null : request.getContext();
    if (!(context instanceof RequestDataContext data)) {
      return RequestContext.empty();
    }
    RequestData client = data.getClientRequest();
    if (client == null) {
      return RequestContext.empty();
    }
    RequestContext.Builder b = RequestContext.builder();
    HttpHeaders headers = client.getHeaders();
    MultiValueMap<String, String> cookies = client.getCookies();
    b.headers(new RequestDataHeaders(headers, cookies));
    URI url = client.getUrl();
    if (url != null) {
      String path = url.getRawPath();
      b.path(path == null || path.isEmpty() ? "/" : path);
      b.query(url.getRawQuery());
      b.secure("https".equalsIgnoreCase(url.getScheme()));
    }
    Map<String, Object> attributes = client.getAttributes();
    Object address =
        attributes == null ? null : attributes.get(LbkitReactorLoadBalancer.CLIENT_ADDRESS);
    if (address instanceof IpAddress ip) {
      b.clientAddress(ip);
    }
    return b.build();
  }

  /** Headers of a Spring request; the cookies come from the cookie map when no header has them. */
  private record RequestDataHeaders(
      @Nullable HttpHeaders headers, @Nullable MultiValueMap<String, String> cookies)
      implements HeaderSource {
    @Override
    public @Nullable String get(String name) {
      boolean cookie = HttpHeadersSource.isCookie(name);
      String value = headers == null ? null : HttpHeadersSource.read(headers, name, cookie);
      if (value != null || !cookie || cookies == null || cookies.isEmpty()) {
        return value;
      }
      StringBuilder s = new StringBuilder();
      for (Map.Entry<String, List<String>> e : cookies.entrySet()) {
        for (String v : e.getValue()) {
          if (s.length() > 0) {
            s.append("; ");
          }
          s.append(e.getKey()).append('=').append(v);
        }
      }
      return s.toString();
    }
  }
}
