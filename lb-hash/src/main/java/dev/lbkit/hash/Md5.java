package dev.lbkit.hash;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The Ketama key hash: the first four bytes of the MD5 digest of the key's UTF-8 encoding, read
 * little-endian (libketama's and spymemcached's {@code KETAMA_HASH}).
 *
 * <p>Those four bytes are exactly MD5's final {@code A} word, so only that word is produced. The
 * digest runs over the key's characters directly when they are all ASCII (the usual case for cache
 * keys), with no byte array, no {@link java.security.MessageDigest} and no allocation; other keys
 * are encoded to UTF-8 first. Written from RFC 1321.
 *
 * <p>Keys of up to {@value #ONE_BLOCK} ASCII characters (nearly every cache key, session id or
 * UUID) take a path of their own: one 64-byte block whose words are read straight from the
 * characters and passed as ints, its 61 useful steps written out in place (the last three change
 * only {@code B}, {@code C} and {@code D}), each arranged so that the newest state word enters
 * last. Written with a helper per step, as the general path is, C2 stopped inlining the helpers
 * once the method's inlined size passed its limit, and most steps became calls: 240 against 190 ns
 * for a Ketama pick from a key (lb-benchmarks, N = 100).
 */
final class Md5 {
  /** The longest message that fits one block with its 0x80 byte and 8-byte length. */
  static final int ONE_BLOCK = 55;

  private Md5() {}

  /** The Ketama hash of {@code key}, an unsigned 32-bit value. */
  static long ketamaHash(CharSequence key) {
    int length = key.length();
    int all = 0;
    for (int i = 0; i < length; i++) {
      all |= key.charAt(i);
    }
    if (all >= 0x80) {
      byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
      return firstWord(null, bytes, bytes.length) & 0xffffffffL;
    }
    if (length <= ONE_BLOCK) {
      return oneBlockAscii(key, length) & 0xffffffffL;
    }
    return firstWord(key, null, length) & 0xffffffffL;
  }

  /** MD5's {@code A} word of an ASCII message of at most {@value #ONE_BLOCK} characters. */
  static int oneBlockAscii(CharSequence s, int length) {
    return lastA(
        asciiWord(s, length, 0),
        asciiWord(s, length, 4),
        asciiWord(s, length, 8),
        asciiWord(s, length, 12),
        asciiWord(s, length, 16),
        asciiWord(s, length, 20),
        asciiWord(s, length, 24),
        asciiWord(s, length, 28),
        asciiWord(s, length, 32),
        asciiWord(s, length, 36),
        asciiWord(s, length, 40),
        asciiWord(s, length, 44),
        asciiWord(s, length, 48),
        asciiWord(s, length, 52),
        length << 3); // the bit length, little-endian; its high word x15 is 0
  }

  /**
   * The {@code A} word after the rounds over one final block whose last word is 0, from MD5's
   * initial state. Every step is written out in place, rotation included: as calls (even of
   * four-line helpers) C2 stopped inlining them once the method's inlined size passed its limit,
   * and most of the 61 steps became real calls.
   */
  private static int lastA(
      int x0,
      int x1,
      int x2,
      int x3,
      int x4,
      int x5,
      int x6,
      int x7,
      int x8,
      int x9,
      int x10,
      int x11,
      int x12,
      int x13,
      int x14) {
    int a = 0x67452301;
    int b = 0xefcdab89;
    int c = 0x98badcfe;
    int d = 0x10325476;
    int t;
    // Round 1: F = (b & c) | (~b & d), as d ^ (b & (c ^ d)).
    t = a + x0 + 0xd76aa478 + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x1 + 0xe8c7b756 + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x2 + 0x242070db + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x3 + 0xc1bdceee + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x4 + 0xf57c0faf + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x5 + 0x4787c62a + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x6 + 0xa8304613 + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x7 + 0xfd469501 + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x8 + 0x698098d8 + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x9 + 0x8b44f7af + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x10 + 0xffff5bb1 + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x11 + 0x895cd7be + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x12 + 0x6b901122 + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x13 + 0xfd987193 + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x14 + 0xa679438e + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + 0x49b40821 + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);

    // Round 2: G = (b & d) | (c & ~d); the two halves share no bit, so they may be added.
    t = a + x1 + 0xf61e2562 + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x6 + 0xc040b340 + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x11 + 0x265e5a51 + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x0 + 0xe9b6c7aa + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x5 + 0xd62f105d + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x10 + 0x02441453 + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + 0xd8a1e681 + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x4 + 0xe7d3fbc8 + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x9 + 0x21e1cde6 + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x14 + 0xc33707d6 + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x3 + 0xf4d50d87 + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x8 + 0x455a14ed + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x13 + 0xa9e3e905 + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x2 + 0xfcefa3f8 + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x7 + 0x676f02d9 + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x12 + 0x8d2a4c8a + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);

    // Round 3: H = b ^ c ^ d.
    t = a + x5 + 0xfffa3942 + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x8 + 0x8771f681 + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x11 + 0x6d9d6122 + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x14 + 0xfde5380c + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x1 + 0xa4beea44 + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x4 + 0x4bdecfa9 + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x7 + 0xf6bb4b60 + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x10 + 0xbebfbc70 + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x13 + 0x289b7ec6 + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x0 + 0xeaa127fa + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x3 + 0xd4ef3085 + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x6 + 0x04881d05 + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x9 + 0xd9d4d039 + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x12 + 0xe6db99e5 + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + 0x1fa27cf8 + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x2 + 0xc4ac5665 + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);

    // Round 4: I = c ^ (b | ~d).
    t = a + x0 + 0xf4292244 + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + x7 + 0x432aff97 + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x14 + 0xab9423a7 + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x5 + 0xfc93a039 + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x12 + 0x655b59c3 + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + x3 + 0x8f0ccc92 + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x10 + 0xffeff47d + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x1 + 0x85845dd1 + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x8 + 0x6fa87e4f + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + 0xfe2ce6e0 + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x6 + 0xa3014314 + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x13 + 0x4e0811a1 + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x4 + 0xf7537e82 + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    // The three remaining steps (x11, x2, x9) update D, C and B only.
    return 0x67452301 + a;
  }

  /**
   * The little-endian word at {@code pos} of the padded one-block message: four characters, or the
   * end of the message, its 0x80 byte and zeros.
   */
  private static int asciiWord(CharSequence s, int length, int pos) {
    if (pos + 4 <= length) {
      return s.charAt(pos)
          | s.charAt(pos + 1) << 8
          | s.charAt(pos + 2) << 16
          | s.charAt(pos + 3) << 24;
    }
    if (pos > length) {
      return 0;
    }
    int word = 0x80 << ((length - pos) << 3);
    for (int i = pos; i < length; i++) {
      word |= s.charAt(i) << ((i - pos) << 3);
    }
    return word;
  }

  // The general path's steps, with the message word and constant pre-added (xt) and the newest
  // state word (b) entering last: F as d ^ (b & (c ^ d)), G's two disjoint halves added apart.

  private static int stepF(int a, int b, int c, int d, int xt, int s) {
    return b + Integer.rotateLeft(a + xt + (d ^ (b & (c ^ d))), s);
  }

  private static int stepG(int a, int b, int c, int d, int xt, int s) {
    return b + Integer.rotateLeft(a + xt + (c & ~d) + (b & d), s);
  }

  private static int stepH(int a, int b, int c, int d, int xt, int s) {
    return b + Integer.rotateLeft(a + xt + (b ^ (c ^ d)), s);
  }

  private static int stepI(int a, int b, int c, int d, int xt, int s) {
    return b + Integer.rotateLeft(a + xt + (c ^ (b | ~d)), s);
  }

  /**
   * MD5's {@code A} word over the message, read from {@code ascii} (chars below 0x80) when it is
   * not null, else from {@code bytes}.
   */
  private static int firstWord(@Nullable CharSequence ascii, byte @Nullable [] bytes, int length) {
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

      a = stepF(a, b, c, d, x0 + 0xd76aa478, 7);
      d = stepF(d, a, b, c, x1 + 0xe8c7b756, 12);
      c = stepF(c, d, a, b, x2 + 0x242070db, 17);
      b = stepF(b, c, d, a, x3 + 0xc1bdceee, 22);
      a = stepF(a, b, c, d, x4 + 0xf57c0faf, 7);
      d = stepF(d, a, b, c, x5 + 0x4787c62a, 12);
      c = stepF(c, d, a, b, x6 + 0xa8304613, 17);
      b = stepF(b, c, d, a, x7 + 0xfd469501, 22);
      a = stepF(a, b, c, d, x8 + 0x698098d8, 7);
      d = stepF(d, a, b, c, x9 + 0x8b44f7af, 12);
      c = stepF(c, d, a, b, x10 + 0xffff5bb1, 17);
      b = stepF(b, c, d, a, x11 + 0x895cd7be, 22);
      a = stepF(a, b, c, d, x12 + 0x6b901122, 7);
      d = stepF(d, a, b, c, x13 + 0xfd987193, 12);
      c = stepF(c, d, a, b, x14 + 0xa679438e, 17);
      b = stepF(b, c, d, a, x15 + 0x49b40821, 22);

      a = stepG(a, b, c, d, x1 + 0xf61e2562, 5);
      d = stepG(d, a, b, c, x6 + 0xc040b340, 9);
      c = stepG(c, d, a, b, x11 + 0x265e5a51, 14);
      b = stepG(b, c, d, a, x0 + 0xe9b6c7aa, 20);
      a = stepG(a, b, c, d, x5 + 0xd62f105d, 5);
      d = stepG(d, a, b, c, x10 + 0x02441453, 9);
      c = stepG(c, d, a, b, x15 + 0xd8a1e681, 14);
      b = stepG(b, c, d, a, x4 + 0xe7d3fbc8, 20);
      a = stepG(a, b, c, d, x9 + 0x21e1cde6, 5);
      d = stepG(d, a, b, c, x14 + 0xc33707d6, 9);
      c = stepG(c, d, a, b, x3 + 0xf4d50d87, 14);
      b = stepG(b, c, d, a, x8 + 0x455a14ed, 20);
      a = stepG(a, b, c, d, x13 + 0xa9e3e905, 5);
      d = stepG(d, a, b, c, x2 + 0xfcefa3f8, 9);
      c = stepG(c, d, a, b, x7 + 0x676f02d9, 14);
      b = stepG(b, c, d, a, x12 + 0x8d2a4c8a, 20);

      a = stepH(a, b, c, d, x5 + 0xfffa3942, 4);
      d = stepH(d, a, b, c, x8 + 0x8771f681, 11);
      c = stepH(c, d, a, b, x11 + 0x6d9d6122, 16);
      b = stepH(b, c, d, a, x14 + 0xfde5380c, 23);
      a = stepH(a, b, c, d, x1 + 0xa4beea44, 4);
      d = stepH(d, a, b, c, x4 + 0x4bdecfa9, 11);
      c = stepH(c, d, a, b, x7 + 0xf6bb4b60, 16);
      b = stepH(b, c, d, a, x10 + 0xbebfbc70, 23);
      a = stepH(a, b, c, d, x13 + 0x289b7ec6, 4);
      d = stepH(d, a, b, c, x0 + 0xeaa127fa, 11);
      c = stepH(c, d, a, b, x3 + 0xd4ef3085, 16);
      b = stepH(b, c, d, a, x6 + 0x04881d05, 23);
      a = stepH(a, b, c, d, x9 + 0xd9d4d039, 4);
      d = stepH(d, a, b, c, x12 + 0xe6db99e5, 11);
      c = stepH(c, d, a, b, x15 + 0x1fa27cf8, 16);
      b = stepH(b, c, d, a, x2 + 0xc4ac5665, 23);

      a = stepI(a, b, c, d, x0 + 0xf4292244, 6);
      d = stepI(d, a, b, c, x7 + 0x432aff97, 10);
      c = stepI(c, d, a, b, x14 + 0xab9423a7, 15);
      b = stepI(b, c, d, a, x5 + 0xfc93a039, 21);
      a = stepI(a, b, c, d, x12 + 0x655b59c3, 6);
      d = stepI(d, a, b, c, x3 + 0x8f0ccc92, 10);
      c = stepI(c, d, a, b, x10 + 0xffeff47d, 15);
      b = stepI(b, c, d, a, x1 + 0x85845dd1, 21);
      a = stepI(a, b, c, d, x8 + 0x6fa87e4f, 6);
      d = stepI(d, a, b, c, x15 + 0xfe2ce6e0, 10);
      c = stepI(c, d, a, b, x6 + 0xa3014314, 15);
      b = stepI(b, c, d, a, x13 + 0x4e0811a1, 21);
      a = stepI(a, b, c, d, x4 + 0xf7537e82, 6);
      d = stepI(d, a, b, c, x11 + 0xbd3af235, 10);
      c = stepI(c, d, a, b, x2 + 0x2ad7d2bb, 15);
      b = stepI(b, c, d, a, x9 + 0xeb86d391, 21);

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
}
