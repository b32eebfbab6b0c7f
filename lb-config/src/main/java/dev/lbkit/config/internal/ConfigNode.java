package dev.lbkit.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One object of a configuration read from plain Java maps (as a YAML or JSON library, a web.xml or
 * a properties file yields them), with typed getters whose errors name the field by its full path
 * ({@code sessionPersistence.cookieConfig.lifetimeType}), quote the value and say what is allowed.
 *
 * <p>Lenient where YAML is: a boolean may be {@code true} or the string {@code "true"}, a number
 * may be a {@link Number} or a string of digits, so that annotation values (always strings) and
 * parsed YAML read alike. Strict everywhere else: an unknown key is an error that lists the known
 * ones.
 */
public final class ConfigNode {
  private final String path;
  private final Map<String, ?> values;

  private ConfigNode(String path, Map<String, ?> values) {
    this.path = path;
    this.values = values;
  }

  /** The object at {@code path} (used in error messages). */
  public static ConfigNode of(String path, Map<String, ?> values) {
    Objects.requireNonNull(values, path);
    for (Object key : values.keySet()) {
      if (!(key instanceof String)) {
        throw new IllegalArgumentException(path + ": key " + key + " (expected: string keys)");
      }
    }
    return new ConfigNode(path, values);
  }

  /** The path of this object. */
  public String path() {
    return path;
  }

  /** The full path of one of its fields. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + '.' + key;
  }

  /**
   * Fails on the first key not in {@code known}, listing the known keys.
   *
   * @throws IllegalArgumentException naming the unknown key
   */
  public void checkKeys(List<String> known) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s: unknown key \"%s\" (expected one of: %s)",
                path,
                key,
                String.join(", ", known)));
      }
    }
  }

  /** Whether the key is present with a non-null value. */
  public boolean has(String key) {
    return values.get(key) != null;
  }

  /** The keys present, in the map's order. */
  public List<String> keys() {
    return new ArrayList<>(values.keySet());
  }

  /** A string field, or {@code null} when absent. Numbers and booleans are read as text. */
  public @Nullable String string(String key) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw invalid(key, value, "a string");
  }

  /** A non-empty string field, or {@code null} when absent. */
  public @Nullable String nonEmptyString(String key) {
    String value = string(key);
    if (value != null && value.isEmpty()) {
      throw invalid(key, "\"\"", "a non-empty string");
    }
    return value;
  }

  /**
   * A boolean field ({@code true}/{@code false}, or those strings in any case), or {@code null}.
   */
  public @Nullable Boolean bool(String key) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof String) {
      String s = ((String) value).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return Boolean.TRUE;
      }
      if (s.equals("false")) {
        return Boolean.FALSE;
      }
    }
    throw invalid(key, quote(value), "true or false");
  }

  /** A whole-number field (a number, or a string of digits), or {@code null}. */
  public @Nullable Long integer(String key, String expected) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof String) {
      String s = ((String) value).trim();
      if (!s.isEmpty() && s.length() <= 18 && isDigits(s)) {
        return Long.parseLong(s);
      }
    }
    throw invalid(key, quote(value), expected);
  }

  /** A nested object, or {@code null} when absent. */
  public @Nullable ConfigNode node(String key) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Map) {
      return of(pathOf(key), (Map<String, ?>) castMap(value));
    }
    throw invalid(key, quote(value), "an object");
  }

  /** A list of objects, empty when absent. */
  public List<ConfigNode> nodes(String key) {
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw invalid(key, quote(value), "a list");
    }
    List<?> list = (List<?>) value;
    List<ConfigNode> nodes = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (!(item instanceof Map)) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT, "%s[%d]: %s (expected: an object)", pathOf(key), i, quote(item)));
      }
      nodes.add(of(pathOf(key) + '[' + i + ']', castMap(item)));
    }
    return nodes;
  }

  /** An error for a field: {@code "path.key: value (expected: ...)"}. */
  public IllegalArgumentException invalid(String key, Object shownValue, String expected) {
    return new IllegalArgumentException(
        String.format(Locale.ROOT, "%s: %s (expected: %s)", pathOf(key), shownValue, expected));
  }

  /** A value as an error message shows it: strings in double quotes. */
  public static String quote(@Nullable Object value) {
    return value instanceof String ? '"' + (String) value + '"' : String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> castMap(Object value) {
    return (Map<String, ?>) value;
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
