package dev.lbkit.hash;

/**
 * CRC-32 (IEEE 802.3, the zlib and nginx {@code ngx_crc32} polynomial) over the UTF-8 encoding of a
 * {@link CharSequence}, encoded on the fly so that hashing a key allocates nothing.
 *
 * <p>{@link java.util.zip.CRC32} would need the key's bytes first; for the short keys of a request
 * the table loop here is as fast and creates no garbage. Unpaired surrogates encode as {@code '?'},
 * as {@link String#getBytes(java.nio.charset.Charset)} does.
 */
final class Crc32 {
  private static final int[] TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      TABLE[n] = c;
    }
  }

  private Crc32() {}

  /** The running state of a new CRC ({@code ngx_crc32_init}). */
  static int init() {
    return 0xffffffff;
  }

  /** The CRC value of a running state ({@code ngx_crc32_final}). */
  static int finish(int state) {
    return ~state;
  }

  static int updateByte(int state, int b) {
    return TABLE[(state ^ b) & 0xff] ^ (state >>> 8);
  }

  /** Feeds the UTF-8 encoding of {@code s}. */
  static int updateUtf8(int state, CharSequence s) {
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        state = TABLE[(state ^ c) & 0xff] ^ (state >>> 8);
      } else if (c < 0x800) {
        state = updateByte(state, 0xc0 | (c >> 6));
        state = updateByte(state, 0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        int cp = -1;
        if (Character.isHighSurrogate(c) && i + 1 < length) {
          char low = s.charAt(i + 1);
          if (Character.isLowSurrogate(low)) {
            cp = Character.toCodePoint(c, low);
            i++;
          }
        }
        if (cp < 0) {
          state = updateByte(state, '?');
        } else {
          state = updateByte(state, 0xf0 | (cp >> 18));
          state = updateByte(state, 0x80 | ((cp >> 12) & 0x3f));
          state = updateByte(state, 0x80 | ((cp >> 6) & 0x3f));
          state = updateByte(state, 0x80 | (cp & 0x3f));
        }
      } else {
        state = updateByte(state, 0xe0 | (c >> 12));
        state = updateByte(state, 0x80 | ((c >> 6) & 0x3f));
        state = updateByte(state, 0x80 | (c & 0x3f));
      }
    }
    return state;
  }

  /** Feeds the decimal digits of a non-negative number, as nginx's {@code "%ui"}. */
  static int updateDecimal(int state, int value) {
    if (value >= 10) {
      state = updateDecimal(state, value / 10);
    }
    return updateByte(state, '0' + value % 10);
  }

  /** CRC-32 of the UTF-8 encoding of {@code s}: nginx's {@code ngx_crc32_long} of the key. */
  static int ofUtf8(CharSequence s) {
    return finish(updateUtf8(init(), s));
  }
}
