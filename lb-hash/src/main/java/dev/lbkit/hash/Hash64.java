package dev.lbkit.hash;

/**
 * The default ring's 64-bit hash: a MurmurHash3-style mix of UTF-16 code units, written out so that
 * hashing a {@link CharSequence} allocates nothing (Guava's hashers allocate a {@code Hasher} per
 * call).
 *
 * <p>The function is part of lbkit's persistent format: gateway replicas, and a gateway before and
 * after an upgrade, must place keys and backends identically, so its output for a given string
 * never changes between versions (pinned by {@code Hash64Test}).
 *
 * <p>Four 16-bit code units form one 64-bit block, mixed as Murmur3's x64 body mixes each half of
 * its 128-bit state; the length and Murmur3's 64-bit finalizer (fmix64) close it. Hashing code
 * units instead of UTF-8 bytes keeps it allocation-free; it gives the same value for equal strings,
 * which is all a ring needs.
 */
final class Hash64 {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  private static final long SEED = 0x6c626b6974L; // "lbkit"

  /** The golden-ratio increment (Weyl sequence) that spreads a backend's successive points. */
  static final long GOLDEN = 0x9e3779b97f4a7c15L;

  private Hash64() {}

  static long hashChars(CharSequence s) {
    int length = s.length();
    long h = SEED;
    int i = 0;
    for (; i + 4 <= length; i += 4) {
      long block =
          s.charAt(i)
              | (long) s.charAt(i + 1) << 16
              | (long) s.charAt(i + 2) << 32
              | (long) s.charAt(i + 3) << 48;
      h ^= mixBlock(block);
      h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }
    if (i < length) {
      long block = 0;
      for (int shift = 0; i < length; i++, shift += 16) {
        block |= (long) s.charAt(i) << shift;
      }
      h ^= mixBlock(block);
    }
    h ^= length;
    return fmix64(h);
  }

  private static long mixBlock(long block) {
    return Long.rotateLeft(block * C1, 31) * C2;
  }

  /** Murmur3's 64-bit finalizer: a bijection with full avalanche. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /**
   * The {@code index}-th point of a backend whose placement string hashes to {@code base}. fmix64
   * is a bijection, so a backend's points never collide with each other.
   */
  static long point(long base, int index) {
    return fmix64(base + (index + 1L) * GOLDEN);
  }
}
