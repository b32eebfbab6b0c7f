package dev.lbkit.hash;

import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import org.jspecify.annotations.Nullable;

/** The built-in {@link KeyExtractor}s, with readable {@code toString}s for configuration dumps. */
final class KeyExtractors {
  private KeyExtractors() {}

  static final KeyExtractor CLIENT_ADDRESS =
      new KeyExtractor() {
        @Override
        public @Nullable CharSequence key(RequestContext request) {
          IpAddress address = request.clientAddress();
          return address == null ? null : address.toString();
        }

        @Override
        public String toString() {
          return "$remote_addr";
        }
      };

  static final KeyExtractor PATH =
      new KeyExtractor() {
        @Override
        public CharSequence key(RequestContext request) {
          return request.path();
        }

        @Override
        public String toString() {
          return "$uri";
        }
      };

  static final class Header implements KeyExtractor {
    private final String name;

    Header(String name) {
      this.name = name;
    }

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      return request.header(name);
    }

    @Override
    public String toString() {
      return "header(" + name + ')';
    }
  }

  static final class Cookie implements KeyExtractor {
    private final String name;

    Cookie(String name) {
      this.name = name;
    }

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      return request.cookie(name);
    }

    @Override
    public String toString() {
      return "cookie(" + name + ')';
    }
  }

  static final class QueryParameter implements KeyExtractor {
    private final String name;

    QueryParameter(String name) {
      this.name = name;
    }

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      return request.queryParameter(name);
    }

    @Override
    public String toString() {
      return "queryParameter(" + name + ')';
    }
  }

  /**
   * Runs a user's extractor, treating an exception as a missing key: the extractor reads client
   * input, and client input never fails a request.
   */
  static @Nullable CharSequence safeKey(KeyExtractor extractor, RequestContext request) {
    try {
      return extractor.key(request);
    } catch (RuntimeException e) {
      HashSelectors.logger.debug("key extractor {} failed; treating the key as missing", extractor, e);
      return null;
    }
  }
}
