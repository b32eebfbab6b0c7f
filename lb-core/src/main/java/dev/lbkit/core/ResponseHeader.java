package dev.lbkit.core;

import static dev.lbkit.core.internal.Checks.checkArgument;

import java.util.Objects;

/**
 * A header to add to the response, such as a {@code Set-Cookie} that starts a session.
 *
 * <p>Both parts are checked when created: the name must be an RFC 9110 token and the value may not
 * contain CR, LF, NUL or other control characters, so nothing a client sent can split or inject a
 * response header through a value built from it.
 *
 * @param name the header name
 * @param value the header value
 */
public record ResponseHeader(String name, String value) {
  /** Checks the name and the value. */
  public ResponseHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    checkArgument(isToken(name), "header name: \"%s\" (expected: an RFC 9110 token)", name);
    checkArgument(
        isFieldValue(value),
        "value of header %s: contains a control character (expected: visible characters, spaces"
            + " or tabs)",
        name);
  }

  // Loops rather than streams: a new session creates one of these per response.
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\t' && (c < 0x20 || c == 0x7f)) {
        return false;
      }
    }
    return true;
  }

  static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
