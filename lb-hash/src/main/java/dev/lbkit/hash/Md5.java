package dev.lbkit.hash;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The Ketama key hash: the first four bytes of the MD5 digest of the key's UTF-8 encoding, read
 * little-endian (libketama's and spymemcached's {@code KETAMA_HASH}).
 *
 * <p>Those four bytes are exactly MD5's final {@code A} word, so only that word is produced. The
 * digest runs over the key's characters directly when they are all ASCII (the usual case for
 * cache keys), with no byte array, no {@link java.security.MessageDigest} and no allocation; other
 * keys are encoded to UTF-8 first. Written from RFC 1321.
 */
final class Md5 {
  private Md5() {}

  /** The Ketama hash of {@code key}, an unsigned 32-bit value. */
  static long ketamaHash(CharSequence key) {
    int length = key.length();
    for (int i = 0; i < length; i++) {
      if (key.charAt(i) >= 0x80) {
        byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
        return firstWord(null, bytes, bytes.length) & 0xffffffffL;
      }
    }
    return firstWord(key, null, length) & 0xffffffffL;
  }

  /**
   * MD5's {@code A} word over the message, read from {@code ascii} (chars below 0x80) when it is
   * not null, else from {@code bytes}.
   */
  private static int firstWord(
      @Nullable CharSequence ascii, byte @Nullable [] bytes, int length) {
    int blocks = (length + 8) / 64 + 1;
    int a0 = 0x67452301;
    int b0 = 0xefcdab89;
    int c0 = 0x98badcfe;
    int d0 = 0x10325476;
    for (int block = 0; block < blocks; block++) {
      int base = block * 64;
      int x0 = word(ascii, bytes, length, blocks, base);
      int x1 = word(ascii, bytes, length, blocks, base + 4);
      int x2 = word(ascii, bytes, length, blocks, base + 8);
      int x3 = word(ascii, bytes, length, blocks, base + 12);
      int x4 = word(ascii, bytes, length, blocks, base + 16);
      int x5 = word(ascii, bytes, length, blocks, base + 20);
      int x6 = word(ascii, bytes, length, blocks, base + 24);
      int x7 = word(ascii, bytes, length, blocks, base + 28);
      int x8 = word(ascii, bytes, length, blocks, base + 32);
      int x9 = word(ascii, bytes, length, blocks, base + 36);
      int x10 = word(ascii, bytes, length, blocks, base + 40);
      int x11 = word(ascii, bytes, length, blocks, base + 44);
      int x12 = word(ascii, bytes, length, blocks, base + 48);
      int x13 = word(ascii, bytes, length, blocks, base + 52);
      int x14 = word(ascii, bytes, length, blocks, base + 56);
      int x15 = word(ascii, bytes, length, blocks, base + 60);
      int a = a0;
      int b = b0;
      int c = c0;
      int d = d0;

      a = ff(a, b, c, d, x0, 7, 0xd76aa478);
      d = ff(d, a, b, c, x1, 12, 0xe8c7b756);
      c = ff(c, d, a, b, x2, 17, 0x242070db);
      b = ff(b, c, d, a, x3, 22, 0xc1bdceee);
      a = ff(a, b, c, d, x4, 7, 0xf57c0faf);
      d = ff(d, a, b, c, x5, 12, 0x4787c62a);
      c = ff(c, d, a, b, x6, 17, 0xa8304613);
      b = ff(b, c, d, a, x7, 22, 0xfd469501);
      a = ff(a, b, c, d, x8, 7, 0x698098d8);
      d = ff(d, a, b, c, x9, 12, 0x8b44f7af);
      c = ff(c, d, a, b, x10, 17, 0xffff5bb1);
      b = ff(b, c, d, a, x11, 22, 0x895cd7be);
      a = ff(a, b, c, d, x12, 7, 0x6b901122);
      d = ff(d, a, b, c, x13, 12, 0xfd987193);
      c = ff(c, d, a, b, x14, 17, 0xa679438e);
      b = ff(b, c, d, a, x15, 22, 0x49b40821);

      a = gg(a, b, c, d, x1, 5, 0xf61e2562);
      d = gg(d, a, b, c, x6, 9, 0xc040b340);
      c = gg(c, d, a, b, x11, 14, 0x265e5a51);
      b = gg(b, c, d, a, x0, 20, 0xe9b6c7aa);
      a = gg(a, b, c, d, x5, 5, 0xd62f105d);
      d = gg(d, a, b, c, x10, 9, 0x02441453);
      c = gg(c, d, a, b, x15, 14, 0xd8a1e681);
      b = gg(b, c, d, a, x4, 20, 0xe7d3fbc8);
      a = gg(a, b, c, d, x9, 5, 0x21e1cde6);
      d = gg(d, a, b, c, x14, 9, 0xc33707d6);
      c = gg(c, d, a, b, x3, 14, 0xf4d50d87);
      b = gg(b, c, d, a, x8, 20, 0x455a14ed);
      a = gg(a, b, c, d, x13, 5, 0xa9e3e905);
      d = gg(d, a, b, c, x2, 9, 0xfcefa3f8);
      c = gg(c, d, a, b, x7, 14, 0x676f02d9);
      b = gg(b, c, d, a, x12, 20, 0x8d2a4c8a);

      a = hh(a, b, c, d, x5, 4, 0xfffa3942);
      d = hh(d, a, b, c, x8, 11, 0x8771f681);
      c = hh(c, d, a, b, x11, 16, 0x6d9d6122);
      b = hh(b, c, d, a, x14, 23, 0xfde5380c);
      a = hh(a, b, c, d, x1, 4, 0xa4beea44);
      d = hh(d, a, b, c, x4, 11, 0x4bdecfa9);
      c = hh(c, d, a, b, x7, 16, 0xf6bb4b60);
      b = hh(b, c, d, a, x10, 23, 0xbebfbc70);
      a = hh(a, b, c, d, x13, 4, 0x289b7ec6);
      d = hh(d, a, b, c, x0, 11, 0xeaa127fa);
      c = hh(c, d, a, b, x3, 16, 0xd4ef3085);
      b = hh(b, c, d, a, x6, 23, 0x04881d05);
      a = hh(a, b, c, d, x9, 4, 0xd9d4d039);
      d = hh(d, a, b, c, x12, 11, 0xe6db99e5);
      c = hh(c, d, a, b, x15, 16, 0x1fa27cf8);
      b = hh(b, c, d, a, x2, 23, 0xc4ac5665);

      a = ii(a, b, c, d, x0, 6, 0xf4292244);
      d = ii(d, a, b, c, x7, 10, 0x432aff97);
      c = ii(c, d, a, b, x14, 15, 0xab9423a7);
      b = ii(b, c, d, a, x5, 21, 0xfc93a039);
      a = ii(a, b, c, d, x12, 6, 0x655b59c3);
      d = ii(d, a, b, c, x3, 10, 0x8f0ccc92);
      c = ii(c, d, a, b, x10, 15, 0xffeff47d);
      b = ii(b, c, d, a, x1, 21, 0x85845dd1);
      a = ii(a, b, c, d, x8, 6, 0x6fa87e4f);
      d = ii(d, a, b, c, x15, 10, 0xfe2ce6e0);
      c = ii(c, d, a, b, x6, 15, 0xa3014314);
      b = ii(b, c, d, a, x13, 21, 0x4e0811a1);
      a = ii(a, b, c, d, x4, 6, 0xf7537e82);
      d = ii(d, a, b, c, x11, 10, 0xbd3af235);
      c = ii(c, d, a, b, x2, 15, 0x2ad7d2bb);
      b = ii(b, c, d, a, x9, 21, 0xeb86d391);

      a0 += a;
      b0 += b;
      c0 += c;
      d0 += d;
    }
    return a0;
  }

  /** The little-endian word at {@code pos} of the padded message. */
  private static int word(
      @Nullable CharSequence ascii, byte @Nullable [] bytes, int length, int blocks, int pos) {
    if (pos + 4 <= length) {
      if (ascii != null) {
        return ascii.charAt(pos)
            | ascii.charAt(pos + 1) << 8
            | ascii.charAt(pos + 2) << 16
            | ascii.charAt(pos + 3) << 24;
      }
      return (bytes[pos] & 0xff)
          | (bytes[pos + 1] & 0xff) << 8
          | (bytes[pos + 2] & 0xff) << 16
          | (bytes[pos + 3] & 0xff) << 24;
    }
    return paddedByte(ascii, bytes, length, blocks, pos)
        | paddedByte(ascii, bytes, length, blocks, pos + 1) << 8
        | paddedByte(ascii, bytes, length, blocks, pos + 2) << 16
        | paddedByte(ascii, bytes, length, blocks, pos + 3) << 24;
  }

  /** Message byte, then 0x80, zeros, and the bit length as 64-bit little-endian at the end. */
  private static int paddedByte(
      @Nullable CharSequence ascii, byte @Nullable [] bytes, int length, int blocks, int pos) {
    if (pos < length) {
      return ascii != null ? ascii.charAt(pos) : bytes[pos] & 0xff;
    }
    if (pos == length) {
      return 0x80;
    }
    int fromEnd = blocks * 64 - pos; // 8..1 in the length field
    if (fromEnd <= 8) {
      long bits = (long) length << 3;
      return (int) (bits >>> (8 * (8 - fromEnd))) & 0xff;
    }
    return 0;
  }

  private static int ff(int a, int b, int c, int d, int x, int s, int t) {
    return b + Integer.rotateLeft(a + ((b & c) | (~b & d)) + x + t, s);
  }

  private static int gg(int a, int b, int c, int d, int x, int s, int t) {
    return b + Integer.rotateLeft(a + ((b & d) | (c & ~d)) + x + t, s);
  }

  private static int hh(int a, int b, int c, int d, int x, int s, int t) {
    return b + Integer.rotateLeft(a + (b ^ c ^ d) + x + t, s);
  }

  private static int ii(int a, int b, int c, int d, int x, int s, int t) {
    return b + Integer.rotateLeft(a + (c ^ (b | ~d)) + x + t, s);
  }
}
