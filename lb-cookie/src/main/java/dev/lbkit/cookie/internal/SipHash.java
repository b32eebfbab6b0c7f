package dev.lbkit.cookie.internal;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudorandom function designed as a
 * MAC for short messages. Two compression rounds per 8-byte word, four finalisation rounds, a
 * 128-bit key given as two little-endian words.
 *
 * <p>Written out here rather than taken from a library so that the 16-byte form used for every
 * token verification works on two {@code long}s and allocates nothing. Checked against the
 * reference test vectors and Guava's implementation in {@code SipHashTest}.
 */
public final class SipHash {
  private static final long INIT0 = 0x736f6d6570736575L; // "somepseu"
  private static final long INIT1 = 0x646f72616e646f6dL; // "dorandom"
  private static final long INIT2 = 0x6c7967656e657261L; // "lygenera"
  private static final long INIT3 = 0x7465646279746573L; // "tedbytes"

  private SipHash() {}

  /** SipHash-2-4 of {@code length} bytes of {@code data} from {@code offset}. */
  public static long hash(long k0, long k1, byte[] data, int offset, int length) {
    long v0 = INIT0 ^ k0;
    long v1 = INIT1 ^ k1;
    long v2 = INIT2 ^ k0;
    long v3 = INIT3 ^ k1;
    int end = offset + length;
    int blocksEnd = offset + (length & ~7);
    for (int i = offset; i < blocksEnd; i += 8) {
      long m = littleEndian(data, i, 8);
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long last = ((long) length << 56) | littleEndian(data, blocksEnd, end - blocksEnd);
    return finish(v0, v1, v2, v3, last);
  }

  /**
   * SipHash-2-4 of the 16-byte message whose bytes are {@code m0} then {@code m1}, each
   * little-endian, hashed without building a byte array.
   */
  public static long hash16(long k0, long k1, long m0, long m1) {
    return hash16Tail(k0, k1, m0, m1, 0, 0);
  }

  /**
   * SipHash-2-4 of the message {@code m0}, {@code m1} (little-endian) followed by the {@code
   * tailLength} (0..7) low bytes of {@code tail}: the token payload, hashed without building a byte
   * array.
   */
  public static long hash16Tail(long k0, long k1, long m0, long m1, long tail, int tailLength) {
    long v0 = INIT0 ^ k0;
    long v1 = INIT1 ^ k1;
    long v2 = INIT2 ^ k0;
    long v3 = INIT3 ^ k1;

    v3 ^= m0;
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 ^= m0;

    v3 ^= m1;
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13);
    v1 ^= v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17);
    v1 ^= v2;
    v2 = Long.rotateLeft(v2, 32);
    v0 ^= m1;

    long mask = tailLength == 0 ? 0 : -1L >>> (64 - 8 * tailLength);
    return finish(v0, v1, v2, v3, ((16L + tailLength) << 56) | (tail & mask));
  }

  private static long finish(long v0, long v1, long v2, long v3, long last) {
    v3 ^= last;
    for (int r = 0; r < 2; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= last;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }

  /** The {@code count} (0..8) bytes from {@code offset} as a little-endian number. */
  static long littleEndian(byte[] data, int offset, int count) {
    long value = 0;
    for (int i = count - 1; i >= 0; i--) {
      value = (value << 8) | (data[offset + i] & 0xffL);
    }
    return value;
  }
}
