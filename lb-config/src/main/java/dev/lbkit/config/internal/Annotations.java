package dev.lbkit.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Picks out the annotations a parser reads from all of an object's annotations.
 *
 * <p>Kubernetes objects carry annotations of many tools, and an ingress controller's own prefix
 * covers far more than load balancing (rewrites, TLS, CORS, ...). A parser therefore reads its
 * families only: under {@code prefix}, the keys that start with one of {@code families} (such as
 * {@code session-cookie-}); those are checked strictly, so that a typo in them is an error, while
 * every other annotation is left alone. A key without any {@code /} is taken as a bare key of the
 * prefix, as a servlet init-parameter or a properties file would write it, and is always checked.
 */
public final class Annotations {
  private Annotations() {}

  /**
   * The annotations of the families, keyed without the prefix, in the map's order.
   *
   * @throws IllegalArgumentException if a bare key is outside every family, or a value is null
   */
  public static Map<String, String> family(
      Map<String, String> annotations, String prefix, List<String> families, List<String> known) {
    Objects.requireNonNull(annotations, "annotations");
    Map<String, String> picked = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "annotation key");
      String bare;
      if (key.startsWith(prefix)) {
        bare = key.substring(prefix.length());
        if (!inFamily(bare, families)) {
          continue; // another feature of the same controller
        }
      } else if (key.indexOf('/') < 0) {
        bare = key;
        if (!inFamily(bare, families)) {
          throw unknown(key, prefix, known);
        }
      } else {
        continue; // another tool's annotation
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(key + ": null (expected: a string value)");
      }
      picked.put(bare, e.getValue());
    }
    return picked;
  }

  /** An error for an annotation of a family that the parser does not know. */
  public static IllegalArgumentException unknown(String key, String prefix, List<String> known) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "annotation \"%s\": unknown (expected one of: %s, with or without the prefix %s)",
            key,
            String.join(", ", known),
            prefix));
  }

  private static boolean inFamily(String bare, List<String> families) {
    for (String family : families) {
      if (bare.startsWith(family)) {
        return true;
      }
    }
    return false;
  }
}
