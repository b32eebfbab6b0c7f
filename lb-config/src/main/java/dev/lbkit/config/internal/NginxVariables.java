package dev.lbkit.config.internal;

import dev.lbkit.core.RequestContext;
import dev.lbkit.hash.KeyExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Turns an nginx complex value used as a hash key ({@code $remote_addr}, {@code
 * $http_x_user$arg_id}, {@code "tenant-$cookie_tenant"}) into a {@link KeyExtractor} that reads the
 * same parts of a {@link RequestContext}.
 *
 * <p>A single variable maps to lb-hash's own extractor; several parts (variables and literal text)
 * are concatenated as nginx evaluates the value. A variable that lbkit cannot read from a request,
 * or that would not give what the configuration meant, is an error that lists the supported ones
 * and, where it helps, says why.
 */
public final class NginxVariables {
  /** What an error lists as supported. */
  public static final String SUPPORTED =
      "$remote_addr, $http_NAME, $cookie_NAME, $arg_NAME, $uri, $request_uri, $args,"
          + " $query_string, $host, $scheme, and literal text";

  private NginxVariables() {}

  /**
   * The extractor for {@code expression}.
   *
   * @param field what the error names, such as {@code hash key}
   * @throws IllegalArgumentException for an empty expression, a malformed variable, or one that is
   *     not supported
   */
  public static KeyExtractor keyOf(String field, String expression) {
    if (expression.isEmpty()) {
      throw new IllegalArgumentException(
          field + ": \"\" (expected: nginx variables such as $remote_addr, or literal text)");
    }
    List<KeyExtractor> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int pos = 0;
    int length = expression.length();
    while (pos < length) {
      char c = expression.charAt(pos);
      if (c != '$') {
        literal.append(c);
        pos++;
        continue;
      }
      String name;
      if (pos + 1 < length && expression.charAt(pos + 1) == '{') {
        int close = expression.indexOf('}', pos + 2);
        if (close < 0) {
          throw malformed(field, expression);
        }
        name = expression.substring(pos + 2, close);
        pos = close + 1;
      } else {
        int end = pos + 1;
        while (end < length && isNameChar(expression.charAt(end))) {
          end++;
        }
        name = expression.substring(pos + 1, end);
        pos = end;
      }
      if (name.isEmpty() || !isName(name)) {
        throw malformed(field, expression);
      }
      if (literal.length() > 0) {
        parts.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      parts.add(variable(field, expression, name));
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    return parts.size() == 1 ? parts.get(0) : new Concatenation(parts, expression);
  }

  private static KeyExtractor variable(String field, String expression, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http_") && lower.length() > 5) {
      // As nginx: $http_x_user is the X-User header; names match ignoring case.
      return KeyExtractor.header(name.substring(5).replace('_', '-'));
    }
    if (lower.startsWith("cookie_") && lower.length() > 7) {
      return KeyExtractor.cookie(name.substring(7));
    }
    if (lower.startsWith("arg_") && lower.length() > 4) {
      return KeyExtractor.queryParameter(name.substring(4));
    }
    switch (lower) {
      case "remote_addr":
        return KeyExtractor.clientAddress();
      case "uri":
      case "document_uri":
        return KeyExtractor.path();
      case "request_uri":
        return RequestUri.INSTANCE;
      case "args":
      case "query_string":
        return Args.INSTANCE;
      case "host":
        return Host.INSTANCE;
      case "scheme":
        return Scheme.INSTANCE;
      case "binary_remote_addr":
        throw unsupported(
            field,
            expression,
            "$binary_remote_addr",
            "its raw address bytes are not text; $remote_addr gives the same affinity");
      case "request_id":
        throw unsupported(
            field,
            expression,
            "$request_id",
            "it is random for every request, so hashing it is random balancing without"
                + " affinity; use the random method");
      default:
        throw unsupported(field, expression, "$" + name, "lbkit cannot read it from a request");
    }
  }

  private static IllegalArgumentException unsupported(
      String field, String expression, String variable, String why) {
    return new IllegalArgumentException(
        field
            + ": \""
            + expression
            + "\" ("
            + variable
            + " is not supported: "
            + why
            + "; expected: "
            + SUPPORTED
            + ")");
  }

  private static IllegalArgumentException malformed(String field, String expression) {
    return new IllegalArgumentException(
        field
            + ": \""
            + expression
            + "\" (expected: variables written $name or ${name} with letters, digits and '_')");
  }

  private static boolean isName(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isNameChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  /** Literal text between variables. */
  private static final class Literal implements KeyExtractor {
    private final String text;

    Literal(String text) {
      this.text = text;
    }

    @Override
    public CharSequence key(RequestContext request) {
      return text;
    }

    @Override
    public String toString() {
      return '"' + text + '"';
    }
  }

  /**
   * Several parts concatenated, as nginx evaluates a complex value; a missing variable is empty
   * text, and the key is missing only when every part is.
   */
  private static final class Concatenation implements KeyExtractor {
    private final KeyExtractor[] parts;
    private final String expression;

    Concatenation(List<KeyExtractor> parts, String expression) {
      this.parts = parts.toArray(new KeyExtractor[0]);
      this.expression = expression;
    }

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      StringBuilder sb = null;
      for (KeyExtractor part : parts) {
        CharSequence value = part.key(request);
        if (value != null && value.length() > 0) {
          if (sb == null) {
            sb = new StringBuilder(64);
          }
          sb.append(value);
        }
      }
      return sb;
    }

    @Override
    public String toString() {
      return "nginx(" + expression + ')';
    }
  }

  /** nginx {@code $request_uri}: the path and, if any, {@code ?} and the query, as received. */
  private enum RequestUri implements KeyExtractor {
    INSTANCE;

    @Override
    public CharSequence key(RequestContext request) {
      String query = request.query();
      return query == null ? request.path() : request.path() + '?' + query;
    }

    @Override
    public String toString() {
      return "requestUri";
    }
  }

  /** nginx {@code $args}: the raw query string, missing when there is none. */
  private enum Args implements KeyExtractor {
    INSTANCE;

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      return request.query();
    }

    @Override
    public String toString() {
      return "args";
    }
  }

  /** nginx {@code $host}: the {@code Host} header in lowercase, without its port. */
  private enum Host implements KeyExtractor {
    INSTANCE;

    @Override
    public @Nullable CharSequence key(RequestContext request) {
      String host = request.header("Host");
      if (host == null) {
        return null;
      }
      int end = host.length();
      if (!host.startsWith("[")) {
        int colon = host.indexOf(':');
        if (colon >= 0) {
          end = colon;
        }
      } else {
        int bracket = host.indexOf(']');
        if (bracket >= 0) {
          end = bracket + 1;
        }
      }
      return host.substring(0, end).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return "host";
    }
  }

  /** nginx {@code $scheme}: {@code https} or {@code http}. */
  private enum Scheme implements KeyExtractor {
    INSTANCE;

    @Override
    public CharSequence key(RequestContext request) {
      return request.isSecure() ? "https" : "http";
    }

    @Override
    public String toString() {
      return "scheme";
    }
  }
}
