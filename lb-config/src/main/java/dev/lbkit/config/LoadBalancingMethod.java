package dev.lbkit.config;

import dev.lbkit.config.internal.NginxVariables;
import dev.lbkit.core.Selector;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.HashOptions;
import dev.lbkit.hash.HashSelectors;
import dev.lbkit.hash.KeyExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A load-balancing method read from a configuration: the {@link Selector} to give a {@link
 * dev.lbkit.core.LoadBalancer}, and the method as nginx would write it ({@code ip_hash}, {@code
 * hash $remote_addr consistent}, {@code random two least_conn}), for logs and for comparing
 * configurations.
 *
 * <pre>{@code
 * LoadBalancingMethod method = LoadBalancingMethod.of("hash consistent", "$http_x_user");
 * LoadBalancer lb = LoadBalancer.builder(upstream).selector(method.selector()).build();
 * }</pre>
 *
 * <p>{@link #of} reads a method named in a configuration file's own fields (a {@code method} and a
 * {@code key}, as lb-servlet's init-params and lb-demo's gateway file have them); {@link
 * NginxConfig#parseMethod} reads an nginx directive line, and the other config readers read their
 * sources' fields. All of them build the same selectors.
 *
 * <p>Two methods are equal when their canonical directives are; the selector is shared by every
 * load balancer it is given to, which the built-in selectors allow (their per-snapshot state lives
 * in each upstream's snapshots).
 */
public final class LoadBalancingMethod {
  /** The method names {@link #of} accepts, as its errors list them. */
  public static final String NAMES =
      "round_robin, least_conn, random, random two least_conn, ip_hash, hash, hash consistent,"
          + " ketama, ring or maglev";

  /** Why nginx's {@code least_time} is refused, wherever it is written. */
  static final String LEAST_TIME_UNSUPPORTED =
      "least_time is not supported, because it needs response times, which lbkit does not measure";

  private static final List<String> CANONICAL_NAMES =
      List.of(
          "round_robin",
          "least_conn",
          "random",
          "random two least_conn",
          "ip_hash",
          "hash",
          "hash consistent",
          "ketama",
          "ring",
          "maglev");

  private static final String HASHING_METHODS = "hash, hash consistent, ketama, ring and maglev";

  private static final LoadBalancingMethod ROUND_ROBIN =
      new LoadBalancingMethod("round_robin", Selector.roundRobin());

  private final String directive;
  private final Selector selector;

  private LoadBalancingMethod(String directive, Selector selector) {
    this.directive = Objects.requireNonNull(directive, "directive");
    this.selector = Objects.requireNonNull(selector, "selector");
  }

  /** nginx's default: smooth weighted round robin, written {@code round_robin}. */
  public static LoadBalancingMethod roundRobin() {
    return ROUND_ROBIN;
  }

  /**
   * The method named {@code method}, hashing {@code key} if it is a hash method.
   *
   * <p>{@code method} is one of {@value #NAMES}, in any case and spacing; {@code random two} is
   * {@code random two least_conn}, as in nginx. {@code hash} and {@code hash consistent} are
   * nginx's and match it exactly ({@code hash consistent} places backends by {@code host:port}, as
   * nginx places {@code server host:port;}); {@code ketama}, {@code ring} and {@code maglev} are
   * lb-hash's consistent hashes, which place backends by id.
   *
   * <p>The key of a hash method is an nginx value, as {@link NginxConfig#parseMethod} reads it:
   * {@code $remote_addr}, {@code $http_NAME}, {@code $cookie_NAME}, {@code $arg_NAME}, {@code
   * $uri}, {@code $request_uri}, {@code $args}, {@code $host}, {@code $scheme}, literal text, or
   * several together ({@code $host$uri}). It may be given in {@code key} or written inline as nginx
   * writes it ({@code hash $request_uri consistent}), not both. {@code $binary_remote_addr} is
   * accepted by {@code ketama}, {@code ring} and {@code maglev} as the client address (the same
   * affinity); {@code hash} and {@code hash consistent} refuse it, because nginx hashes its raw
   * bytes and the assignment of clients would not match nginx's.
   *
   * @param key the hash key, or {@code null} (or blank) for none
   * @throws IllegalArgumentException whose message starts with the field it is about, {@code
   *     method: } or {@code key: } (a key written inline is the method's), then the value and what
   *     is allowed, for an unknown method, a hash method without a key, a key for a method that
   *     hashes nothing, or an unsupported key
   */
  public static LoadBalancingMethod of(String method, @Nullable String key) {
    Objects.requireNonNull(method, "method");
    String given = key == null || key.isBlank() ? null : key.trim();
    String[] words = method.trim().split("\\s+");
    String first = words[0].toLowerCase(Locale.ROOT);
    boolean hashing = isHashing(first);
    List<String> nameWords = new ArrayList<>(words.length);
    String inline = null;
    for (int i = 0; i < words.length; i++) {
      String word = words[i];
      // As nginx writes it: the key follows the hash method's name; elsewhere only a variable is
      // taken for a key, so that "ip_hash $remote_addr" says why it is wrong.
      boolean isKey =
          i > 0
              && inline == null
              && (word.indexOf('$') >= 0
                  || (hashing && i == 1 && !word.equalsIgnoreCase("consistent")));
      if (isKey) {
        inline = word;
      } else if (!word.isEmpty()) {
        nameWords.add(word.toLowerCase(Locale.ROOT));
      }
    }
    String name = String.join(" ", nameWords);
    if (name.equals("random two")) {
      name = "random two least_conn"; // nginx: "random two" compares the two by least_conn
    }
    if (!CANONICAL_NAMES.contains(name)) {
      String why = first.startsWith("least_time") ? LEAST_TIME_UNSUPPORTED + "; " : "";
      throw new IllegalArgumentException(
          "method: \"" + method.trim() + "\" (" + why + "expected: " + NAMES + ")");
    }
    if (inline != null && given != null) {
      throw new IllegalArgumentException(
          "key: \""
              + given
              + "\" and \""
              + inline
              + "\" in the method (expected: one hash key, in the method or as the key)");
    }
    String keyField = inline != null ? "method" : "key";
    String keyText = inline != null ? inline : given;
    if (!isHashing(name.split(" ")[0])) {
      if (keyText != null) {
        throw new IllegalArgumentException(
            keyField
                + ": \""
                + keyText
                + "\" (expected: no key for method "
                + name
                + "; only "
                + HASHING_METHODS
                + " hash a key)");
      }
      return create(name, null, null);
    }
    if (keyText == null) {
      throw new IllegalArgumentException(
          "key: missing (expected: what method "
              + name
              + " hashes, as nginx variables: "
              + NginxVariables.SUPPORTED
              + ")");
    }
    KeyExtractor extractor =
        !name.startsWith("hash") && keyText.equals("$binary_remote_addr")
            ? KeyExtractor.clientAddress()
            : NginxVariables.keyOf(keyField, keyText);
    return create(name, keyText, extractor);
  }

  /**
   * The method of a canonical {@code name} ({@value #NAMES}); a hash method with the key as written
   * and its extractor.
   */
  static LoadBalancingMethod create(
      String name, @Nullable String keyText, @Nullable KeyExtractor key) {
    switch (name) {
      case "round_robin":
        return ROUND_ROBIN;
      case "least_conn":
        return new LoadBalancingMethod(name, Selector.leastConn());
      case "random":
        return new LoadBalancingMethod(name, Selector.random());
      case "random two least_conn":
        return new LoadBalancingMethod(name, Selector.randomTwoLeastConn());
      case "ip_hash":
        return new LoadBalancingMethod(name, HashSelectors.ipHash());
      default:
        break;
    }
    Objects.requireNonNull(keyText, "keyText");
    Objects.requireNonNull(key, "key");
    switch (name) {
      case "hash":
        return new LoadBalancingMethod("hash " + keyText, HashSelectors.hash(key));
      case "hash consistent":
        return new LoadBalancingMethod(
            "hash " + keyText + " consistent",
            HashSelectors.hashConsistent(
                key, HashOptions.builder().backendKey(BackendKey.authority()).build()));
      case "ketama":
        return new LoadBalancingMethod("ketama " + keyText, HashSelectors.ketama(key));
      case "ring":
        return new LoadBalancingMethod("ring " + keyText, HashSelectors.ring(key));
      case "maglev":
        return new LoadBalancingMethod("maglev " + keyText, HashSelectors.maglev(key));
      default:
        throw new IllegalArgumentException("method: \"" + name + "\" (expected: " + NAMES + ")");
    }
  }

  private static boolean isHashing(String firstWord) {
    return firstWord.equals("hash")
        || firstWord.equals("ketama")
        || firstWord.equals("ring")
        || firstWord.equals("maglev");
  }

  /**
   * The method as nginx writes it, without the trailing semicolon and with single spaces: {@code
   * least_conn}, {@code hash $request_uri consistent}. Round robin, which nginx has no directive
   * for, is {@code round_robin} (as NGINX Ingress Controller and NGINX Gateway Fabric write it);
   * lb-hash's own rings are {@code ketama KEY}, {@code ring KEY} and {@code maglev KEY}.
   */
  public String directive() {
    return directive;
  }

  /** The selector that implements the method. */
  public Selector selector() {
    return selector;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LoadBalancingMethod
        && ((LoadBalancingMethod) o).directive.equals(directive);
  }

  @Override
  public int hashCode() {
    return directive.hashCode();
  }

  @Override
  public String toString() {
    return directive;
  }
}
