package dev.lbkit.cookie.internal;

/**
 * The URL- and cookie-safe base64 alphabet of RFC 4648 section 5, without padding: every character
 * it produces is an RFC 6265 cookie-octet and an RFC 9110 token character, so a token needs no
 * quoting in a cookie or a header.
 */
final class Base64Url {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The 6-bit value of each ASCII character, or -1 for characters outside the alphabet. */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private Base64Url() {}

  /** The number of characters that encode {@code bytes} bytes without padding. */
  static int encodedLength(int bytes) {
    return (bytes * 8 + 5) / 6;
  }

  /**
   * The 6-bit value of {@code c}'s low seven bits, or -1 if they are not in the alphabet: for a
   * caller that rejects characters from 128 on by itself ({@code (c | ...) >= 128}). Indexing by
   * the masked value lets the JIT drop the bounds check and the branch of a {@code c < 128} test.
   */
  static int valueOfLowBits(char c) {
    return VALUES[c & 0x7f];
  }

  /** The character for a 6-bit value. */
  static byte character(int sixBits) {
    return ALPHABET[sixBits];
  }
}
