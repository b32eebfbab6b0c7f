package dev.lbkit.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The protocol-neutral view of one request that selectors and session affinities read: the client
 * address, headers, cookies, path and query, and whether the connection is secure.
 *
 * <p>Cheap to create: nothing is parsed up front. Headers are read through the adapter's {@link
 * HeaderSource} when asked for, and cookies are scanned from the raw {@code Cookie} header on each
 * lookup, allocating only the value found. A plain TCP user builds one from a client address alone
 * with {@link #ofClient}.
 *
 * <pre>{@code
 * RequestContext request = RequestContext.builder()
 *     .clientAddress(resolver.resolve(peerAddress, headers))
 *     .headers(name -> servletRequest.getHeader(name))
 *     .path("/tea")
 *     .secure(true)
 *     .build();
 * }</pre>
 */
public final class RequestContext {
  private static final String COOKIE = "Cookie";
  private static final RequestContext EMPTY = builder().build();

  /** Marks {@link #cookieHeader} as not read yet; compared by identity. */
  private static final String NOT_READ = new String("");

  private final @Nullable IpAddress clientAddress;
  private final HeaderSource headers;
  private final String path;
  private final @Nullable String query;
  private final boolean secure;
  // One field, so that a request handed between threads never sees "read" without the value.
  private @Nullable String cookieHeader = NOT_READ;

  private RequestContext(Builder builder) {
    this.clientAddress = builder.clientAddress;
    this.headers = builder.headers;
    this.path = builder.path;
    this.query = builder.query;
    this.secure = builder.secure;
  }

  /** A request known only by its client address, as a TCP connection is. */
  public static RequestContext ofClient(@Nullable IpAddress clientAddress) {
    return builder().clientAddress(clientAddress).build();
  }

  /** A request with nothing known about it. */
  public static RequestContext empty() {
    return EMPTY;
  }

  /** Starts building a request. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client's address after trusted-proxy resolution, or {@code null} if unknown. */
  public @Nullable IpAddress clientAddress() {
    return clientAddress;
  }

  /**
   * The header's value (repeated headers joined), or {@code null}. Never throws: a header source
   * that throws reads as absent, and its first failure is logged at WARN.
   */
  public @Nullable String header(String name) {
    try {
      return headers.get(name);
    } catch (RuntimeException e) {
      // An adapter's header source must not take the request path down with it; but its bug must
      // not go unseen either.
      HeaderSourceFailures.report(headers, name, e);
      return null;
    }
  }

  /** The raw {@code Cookie} header, read once. */
  public @Nullable String cookieHeader() {
    String value = cookieHeader;
    if (value == NOT_READ) {
      value = header(COOKIE);
      cookieHeader = value;
    }
    return value;
  }

  /** The value of the first cookie with this exact name, or {@code null}. */
  public @Nullable String cookie(String name) {
    return CookieHeader.first(cookieHeader(), name);
  }

  /** The values of every cookie with this exact name, in the order sent. */
  public List<String> cookies(String name) {
    return CookieHeader.all(cookieHeader(), name);
  }

  /** The request path without the query, {@code /} if unknown. Not decoded. */
  public String path() {
    return path;
  }

  /** The raw query string without {@code ?}, or {@code null}. */
  public @Nullable String query() {
    return query;
  }

  /**
   * The raw (not percent-decoded) value of the first query parameter with this name, {@code ""} for
   * a parameter without {@code =}, or {@code null} if absent.
   */
  public @Nullable String queryParameter(String name) {
    String q = query;
    if (q == null) {
      return null;
    }
    int length = q.length();
    int pos = 0;
    while (pos <= length) {
      int end = q.indexOf('&', pos);
      if (end < 0) {
        end = length;
      }
      int nameLength = name.length();
      if (q.startsWith(name, pos)) {
        int after = pos + nameLength;
        if (after == end) {
          return "";
        }
        if (q.charAt(after) == '=') {
          return q.substring(after + 1, end);
        }
      }
      pos = end + 1;
    }
    return null;
  }

  /** Whether the request arrived over TLS (as the gateway sees it). */
  public boolean isSecure() {
    return secure;
  }

  @Override
  public String toString() {
    return "RequestContext{client="
        + clientAddress
        + ", path="
        + path
        + (secure ? ", secure" : "")
        + '}';
  }

  /** Builds a {@link RequestContext}. */
  public static final class Builder {
    private @Nullable IpAddress clientAddress;
    private HeaderSource headers = HeaderSource.EMPTY;
    private String path = "/";
    private @Nullable String query;
    private boolean secure;

    private Builder() {}

    /** The client's address, after trusted-proxy resolution. */
    public Builder clientAddress(@Nullable IpAddress clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    /** Where headers are read from; none by default. */
    public Builder headers(HeaderSource headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** The request path, not decoded; {@code /} by default. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The raw query string without {@code ?}. */
    public Builder query(@Nullable String query) {
      this.query = query;
      return this;
    }

    /** Whether the request arrived over TLS. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** Builds the request view. */
    public RequestContext build() {
      return new RequestContext(this);
    }
  }
}
