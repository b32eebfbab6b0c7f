package dev.lbkit.cookie.internal;

/**
 * Writes the {@code Expires} date of a cookie as the IMF-fixdate of RFC 9110 section 5.6.7 (the RFC
 * 1123 form RFC 6265 recommends): {@code Thu, 11 Dec 2025 01:39:55 GMT}, always 29 ASCII
 * characters, English names, GMT.
 *
 * <p>Computed from the epoch second with Howard Hinnant's {@code civil_from_days}, so that setting
 * a permanent cookie needs no {@code DateTimeFormatter}, {@code ZonedDateTime} or locale lookup.
 */
final class CookieDate {
  /** The length of every date written. */
  static final int LENGTH = 29;

  private static final byte[] DAYS = ascii("ThuFriSatSunMonTueWed"); // 1970-01-01 was a Thursday
  private static final byte[] MONTHS = ascii("JanFebMarAprMayJunJulAugSepOctNovDec");

  private CookieDate() {}

  /**
   * Writes the date of {@code epochSecond} (0 to 253402300799, the end of year 9999) at {@code
   * offset}.
   *
   * @return the offset after the date
   */
  static int write(long epochSecond, byte[] out, int offset) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    int dayOfWeek = (int) Math.floorMod(days, 7L);

    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097L);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    int p = offset;
    System.arraycopy(DAYS, dayOfWeek * 3, out, p, 3);
    p += 3;
    out[p++] = ',';
    out[p++] = ' ';
    p = twoDigits(day, out, p);
    out[p++] = ' ';
    System.arraycopy(MONTHS, (month - 1) * 3, out, p, 3);
    p += 3;
    out[p++] = ' ';
    int y = (int) year;
    out[p++] = (byte) ('0' + y / 1000 % 10);
    out[p++] = (byte) ('0' + y / 100 % 10);
    out[p++] = (byte) ('0' + y / 10 % 10);
    out[p++] = (byte) ('0' + y % 10);
    out[p++] = ' ';
    p = twoDigits(secondOfDay / 3600, out, p);
    out[p++] = ':';
    p = twoDigits(secondOfDay / 60 % 60, out, p);
    out[p++] = ':';
    p = twoDigits(secondOfDay % 60, out, p);
    out[p++] = ' ';
    out[p++] = 'G';
    out[p++] = 'M';
    out[p++] = 'T';
    return p;
  }

  private static int twoDigits(int value, byte[] out, int p) {
    out[p] = (byte) ('0' + value / 10);
    out[p + 1] = (byte) ('0' + value % 10);
    return p + 2;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
