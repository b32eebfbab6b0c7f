package dev.lbkit.hash;

import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.internal.FirstFailureWarning;
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
   * Runs a user's extractor, treating an exception as a missing key, so that the request is still
   * answered. A key the request lacks, or that is malformed, is {@code null}, not an exception (the
   * built-in extractors never throw): an exception is the extractor's bug, and since the missing
   * key drops the affinity with it, it is logged through {@code failures}, the selector's record of
   * its extractor: the first at WARN, later ones at DEBUG.
   */
  static @Nullable CharSequence safeKey(
      KeyExtractor extractor, FirstFailureWarning failures, RequestContext request) {
    try {
      return extractor.key(request);
    } catch (RuntimeException e) {
      failures.log(
          HashSelectors.logger,
          "key extractor {} threw; the key counts as missing, so the request is balanced without"
              + " its affinity",
          extractor,
          e);
      return null;
    }
  }
}
