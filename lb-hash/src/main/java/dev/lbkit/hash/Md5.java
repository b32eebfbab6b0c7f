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
 * for a Ketama pick from a key (lb-benchmarks, N = 100). The constants come from an array, not
 * literals (see {@code T}): with both changes a Ketama pick from a key takes about 175 ns at N =
 * 100, where spymemcached's {@code getPrimary} takes 640 to 730 ns on the same machine.
 */
final class Md5 {
  /** The longest message that fits one block with its 0x80 byte and 8-byte length. */
  static final int ONE_BLOCK = 55;

  private Md5() {}

  /**
   * RFC 1321's table T (the integer part of 2^32 x |sin(i + 1)|) and its initial state words. Every
   * step reads its constant from here, and the state starts from here, instead of from literals: C2
   * pushes literal addends outward through a chain of additions ({@code (x + k) + y} becomes {@code
   * (x + y) + k}), so the state words carried their initial constants from step to step, each step
   * gained an addition on its critical path, and rotations of {@code (x + k)} were split into
   * shifts, an add and an or. A value read from an array is opaque to that rewrite: the one-block
   * digest went from 152 to 112 ns (lb-benchmarks, JDK 17, x86-64), about the speed of the JDK's
   * MD5 intrinsic on a whole block.
   */
  private static final int[] T = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
    0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
    0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
    0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
    0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
  };

  private static final int[] INITIAL = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};

  /** The Ketama hash of {@code key}, an unsigned 32-bit value. */
  static long ketamaHash(CharSequence key) {
    int length = key.length();
    if (length <= ONE_BLOCK) {
      long x0 = asciiWord(key, length, 0);
      long x1 = asciiWord(key, length, 4);
      long x2 = asciiWord(key, length, 8);
      long x3 = asciiWord(key, length, 12);
      long x4 = asciiWord(key, length, 16);
      long x5 = asciiWord(key, length, 20);
      long x6 = asciiWord(key, length, 24);
      long x7 = asciiWord(key, length, 28);
      long x8 = asciiWord(key, length, 32);
      long x9 = asciiWord(key, length, 36);
      long x10 = asciiWord(key, length, 40);
      long x11 = asciiWord(key, length, 44);
      long x12 = asciiWord(key, length, 48);
      long x13 = asciiWord(key, length, 52);
      long chars = x0 | x1 | x2 | x3 | x4 | x5 | x6 | x7 | x8 | x9 | x10 | x11 | x12 | x13;
      if (chars >>> 32 < 0x80) {
        int a =
            lastA(
                (int) x0,
                (int) x1,
                (int) x2,
                (int) x3,
                (int) x4,
                (int) x5,
                (int) x6,
                (int) x7,
                (int) x8,
                (int) x9,
                (int) x10,
                (int) x11,
                (int) x12,
                (int) x13,
                length << 3); // the bit length, little-endian; its high word x15 is 0
        return a & 0xffffffffL;
      }
    } else if (isAscii(key, length)) {
      return firstWord(key, null, length) & 0xffffffffL;
    }
    byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
    return firstWord(null, bytes, bytes.length) & 0xffffffffL;
  }

  private static boolean isAscii(CharSequence key, int length) {
    int all = 0;
    for (int i = 0; i < length; i++) {
      all |= key.charAt(i);
    }
    return all < 0x80;
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
    int a = INITIAL[0];
    int b = INITIAL[1];
    int c = INITIAL[2];
    int d = INITIAL[3];
    int t;
    // Round 1: F = (b & c) | (~b & d), as d ^ (b & (c ^ d)).
    t = a + x0 + T[0] + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x1 + T[1] + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x2 + T[2] + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x3 + T[3] + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x4 + T[4] + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x5 + T[5] + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x6 + T[6] + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x7 + T[7] + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x8 + T[8] + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x9 + T[9] + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x10 + T[10] + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + x11 + T[11] + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);
    t = a + x12 + T[12] + (d ^ (b & (c ^ d)));
    a = b + (t << 7 | t >>> 25);
    t = d + x13 + T[13] + (c ^ (a & (b ^ c)));
    d = a + (t << 12 | t >>> 20);
    t = c + x14 + T[14] + (b ^ (d & (a ^ b)));
    c = d + (t << 17 | t >>> 15);
    t = b + T[15] + (a ^ (c & (d ^ a)));
    b = c + (t << 22 | t >>> 10);

    // Round 2: G = (b & d) | (c & ~d); the two halves share no bit, so they may be added.
    t = a + x1 + T[16] + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x6 + T[17] + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x11 + T[18] + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x0 + T[19] + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x5 + T[20] + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x10 + T[21] + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + T[22] + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x4 + T[23] + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x9 + T[24] + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x14 + T[25] + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x3 + T[26] + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x8 + T[27] + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);
    t = a + x13 + T[28] + (c & ~d) + (b & d);
    a = b + (t << 5 | t >>> 27);
    t = d + x2 + T[29] + (b & ~c) + (a & c);
    d = a + (t << 9 | t >>> 23);
    t = c + x7 + T[30] + (a & ~b) + (d & b);
    c = d + (t << 14 | t >>> 18);
    t = b + x12 + T[31] + (d & ~a) + (c & a);
    b = c + (t << 20 | t >>> 12);

    // Round 3: H = b ^ c ^ d.
    t = a + x5 + T[32] + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x8 + T[33] + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x11 + T[34] + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x14 + T[35] + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x1 + T[36] + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x4 + T[37] + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x7 + T[38] + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x10 + T[39] + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x13 + T[40] + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x0 + T[41] + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + x3 + T[42] + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x6 + T[43] + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);
    t = a + x9 + T[44] + (b ^ (c ^ d));
    a = b + (t << 4 | t >>> 28);
    t = d + x12 + T[45] + (a ^ (b ^ c));
    d = a + (t << 11 | t >>> 21);
    t = c + T[46] + (d ^ (a ^ b));
    c = d + (t << 16 | t >>> 16);
    t = b + x2 + T[47] + (c ^ (d ^ a));
    b = c + (t << 23 | t >>> 9);

    // Round 4: I = c ^ (b | ~d).
    t = a + x0 + T[48] + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + x7 + T[49] + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x14 + T[50] + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x5 + T[51] + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x12 + T[52] + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + x3 + T[53] + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x10 + T[54] + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x1 + T[55] + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x8 + T[56] + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    t = d + T[57] + (b ^ (a | ~c));
    d = a + (t << 10 | t >>> 22);
    t = c + x6 + T[58] + (a ^ (d | ~b));
    c = d + (t << 15 | t >>> 17);
    t = b + x13 + T[59] + (d ^ (c | ~a));
    b = c + (t << 21 | t >>> 11);
    t = a + x4 + T[60] + (c ^ (b | ~d));
    a = b + (t << 6 | t >>> 26);
    // The three remaining steps (x11, x2, x9) update D, C and B only.
    return INITIAL[0] + a;
  }

  /**
   * The little-endian word at {@code pos} of the padded one-block message (four characters, or the
   * end of the message, its 0x80 byte and zeros) in the low 32 bits, and the OR of the characters
   * read in the high 32 bits: each character is read once, both to build the word and to prove the
   * message ASCII (a separate scan cost about 15 ns per key).
   */
  private static long asciiWord(CharSequence s, int length, int pos) {
    if (pos + 4 <= length) {
      int c0 = s.charAt(pos);
      int c1 = s.charAt(pos + 1);
      int c2 = s.charAt(pos + 2);
      int c3 = s.charAt(pos + 3);
      return (long) (c0 | c1 | c2 | c3) << 32
          | ((c0 | c1 << 8 | c2 << 16 | c3 << 24) & 0xffffffffL);
    }
    if (pos > length) {
      return 0;
    }
    int chars = 0;
    int word = 0x80 << ((length - pos) << 3);
    for (int i = pos; i < length; i++) {
      char c = s.charAt(i);
      chars |= c;
      word |= c << ((i - pos) << 3);
    }
    return (long) chars << 32 | (word & 0xffffffffL);
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
    int a0 = INITIAL[0];
    int b0 = INITIAL[1];
    int c0 = INITIAL[2];
    int d0 = INITIAL[3];
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

      a = stepF(a, b, c, d, x0 + T[0], 7);
      d = stepF(d, a, b, c, x1 + T[1], 12);
      c = stepF(c, d, a, b, x2 + T[2], 17);
      b = stepF(b, c, d, a, x3 + T[3], 22);
      a = stepF(a, b, c, d, x4 + T[4], 7);
      d = stepF(d, a, b, c, x5 + T[5], 12);
      c = stepF(c, d, a, b, x6 + T[6], 17);
      b = stepF(b, c, d, a, x7 + T[7], 22);
      a = stepF(a, b, c, d, x8 + T[8], 7);
      d = stepF(d, a, b, c, x9 + T[9], 12);
      c = stepF(c, d, a, b, x10 + T[10], 17);
      b = stepF(b, c, d, a, x11 + T[11], 22);
      a = stepF(a, b, c, d, x12 + T[12], 7);
      d = stepF(d, a, b, c, x13 + T[13], 12);
      c = stepF(c, d, a, b, x14 + T[14], 17);
      b = stepF(b, c, d, a, x15 + T[15], 22);

      a = stepG(a, b, c, d, x1 + T[16], 5);
      d = stepG(d, a, b, c, x6 + T[17], 9);
      c = stepG(c, d, a, b, x11 + T[18], 14);
      b = stepG(b, c, d, a, x0 + T[19], 20);
      a = stepG(a, b, c, d, x5 + T[20], 5);
      d = stepG(d, a, b, c, x10 + T[21], 9);
      c = stepG(c, d, a, b, x15 + T[22], 14);
      b = stepG(b, c, d, a, x4 + T[23], 20);
      a = stepG(a, b, c, d, x9 + T[24], 5);
      d = stepG(d, a, b, c, x14 + T[25], 9);
      c = stepG(c, d, a, b, x3 + T[26], 14);
      b = stepG(b, c, d, a, x8 + T[27], 20);
      a = stepG(a, b, c, d, x13 + T[28], 5);
      d = stepG(d, a, b, c, x2 + T[29], 9);
      c = stepG(c, d, a, b, x7 + T[30], 14);
      b = stepG(b, c, d, a, x12 + T[31], 20);

      a = stepH(a, b, c, d, x5 + T[32], 4);
      d = stepH(d, a, b, c, x8 + T[33], 11);
      c = stepH(c, d, a, b, x11 + T[34], 16);
      b = stepH(b, c, d, a, x14 + T[35], 23);
      a = stepH(a, b, c, d, x1 + T[36], 4);
      d = stepH(d, a, b, c, x4 + T[37], 11);
      c = stepH(c, d, a, b, x7 + T[38], 16);
      b = stepH(b, c, d, a, x10 + T[39], 23);
      a = stepH(a, b, c, d, x13 + T[40], 4);
      d = stepH(d, a, b, c, x0 + T[41], 11);
      c = stepH(c, d, a, b, x3 + T[42], 16);
      b = stepH(b, c, d, a, x6 + T[43], 23);
      a = stepH(a, b, c, d, x9 + T[44], 4);
      d = stepH(d, a, b, c, x12 + T[45], 11);
      c = stepH(c, d, a, b, x15 + T[46], 16);
      b = stepH(b, c, d, a, x2 + T[47], 23);

      a = stepI(a, b, c, d, x0 + T[48], 6);
      d = stepI(d, a, b, c, x7 + T[49], 10);
      c = stepI(c, d, a, b, x14 + T[50], 15);
      b = stepI(b, c, d, a, x5 + T[51], 21);
      a = stepI(a, b, c, d, x12 + T[52], 6);
      d = stepI(d, a, b, c, x3 + T[53], 10);
      c = stepI(c, d, a, b, x10 + T[54], 15);
      b = stepI(b, c, d, a, x1 + T[55], 21);
      a = stepI(a, b, c, d, x8 + T[56], 6);
      d = stepI(d, a, b, c, x15 + T[57], 10);
      c = stepI(c, d, a, b, x6 + T[58], 15);
      b = stepI(b, c, d, a, x13 + T[59], 21);
      a = stepI(a, b, c, d, x4 + T[60], 6);
      d = stepI(d, a, b, c, x11 + T[61], 10);
      c = stepI(c, d, a, b, x2 + T[62], 15);
      b = stepI(b, c, d, a, x9 + T[63], 21);

      a0 += a;
      b0 += b;
      c0 += c;
      d0 += d;
    }
    return a0;
  }

  /** The little-endian word at {@code pos} of the padded message. */
  @SuppressWarnings("NullAway") // exactly one of ascii and bytes is given; no check per word
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
  @SuppressWarnings("NullAway") // exactly one of ascii and bytes is given
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
