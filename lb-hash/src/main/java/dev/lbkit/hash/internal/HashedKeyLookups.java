package dev.lbkit.hash.internal;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Selector;
import dev.lbkit.hash.BackendKey;
import dev.lbkit.hash.ConsistentRing;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The parts of lb-hash's selectors that run after the key is hashed, for the benchmarks' "from a
 * precomputed key hash" rows. The public API hashes the key inside each selector (nginx's {@code
 * hash} must re-hash it on every retry), and bounded load needs the pool's live counts, so a
 * benchmark cannot time the lookup alone through it. Each lookup here calls the very method its
 * selector calls once it has the hash, so a row measures the selector's code, not a copy of it;
 * {@code HashedKeyLookupsTest} checks that the answers are the selectors'. What the selectors do
 * before or instead of the lookup is left out: a missing or empty key and fewer than two backends
 * (round robin in nginx's methods) are the caller's to avoid, and where a selector falls back to
 * round robin after its tries a lookup answers {@link Selector#NONE}.
 *
 * <p>That code (nginx's CRC-32, ring and weight walk; the bounded-load walk) is package-private in
 * {@code dev.lbkit.hash}, and stays there: this class reaches it through the "shared secrets"
 * pattern of the JDK's {@code jdk.internal.access.SharedSecrets}. {@link Access} is implemented by
 * a package-private class of {@code dev.lbkit.hash}, whose static initializer {@linkplain #install
 * installs} it; this class loads that class while it initializes itself, so the installed instance
 * is in place before any lookup and before anyone else could install another. The alternative,
 * moving those classes here as public ones, would have dragged along what they build on (the point
 * rings, Maglev, their searches) and shown all of it to every user on the classpath; this way
 * {@code dev.lbkit.hash} keeps its public API unchanged and its implementations package-private,
 * and only these few entry points leave the package.
 */
public final class HashedKeyLookups {
  /**
   * The package-private implementation of {@link Access} in {@code dev.lbkit.hash}, by name: it
   * cannot be named in code from this package. A rename fails {@code HashedKeyLookupsTest}.
   */
  private static final String IMPLEMENTATION = "dev.lbkit.hash.HashedKeyAccess";

  /**
   * Set by {@link #install} when {@link #IMPLEMENTATION} initializes; read by {@link Installed}.
   */
  private static @Nullable Access installed;

  static {
    try {
      Class.forName(IMPLEMENTATION, true, HashedKeyLookups.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The installed access, as a constant that the JIT can inline into the benchmarks. A holder, not
   * a constant set by the initializer above: had the implementation been initialized first, its
   * {@code install} call would run that initializer before {@link #installed} is set.
   */
  private static final class Installed {
    static final Access ACCESS =
        Objects.requireNonNull(installed, IMPLEMENTATION + " did not install itself");
  }

  private HashedKeyLookups() {}

  /**
   * What {@code dev.lbkit.hash} provides to this class. Implemented there, and only there; public
   * only because an interface implemented in another package must be.
   */
  public interface Access {
    int crc32(CharSequence key);

    long nginxFirstTryHash(CharSequence key);

    NginxConsistent nginxConsistent(List<Backend> backends, BackendKey key);

    NginxHash nginxHash(List<Backend> backends);

    Bounded bounded(ConsistentRing ring, double factor);
  }

  /**
   * Called once, by lb-hash's implementation of {@link Access} while this class initializes.
   *
   * @throws IllegalStateException on any later call
   */
  public static void install(Access access) {
    if (installed != null) {
      throw new IllegalStateException("access: already installed by " + IMPLEMENTATION);
    }
    installed = Objects.requireNonNull(access, "access");
  }

  /**
   * nginx's CRC-32 of a key's UTF-8 bytes: the key hash of {@code hash} and {@code hash
   * consistent}, and what {@link NginxConsistent#locate} takes.
   */
  public static int crc32(CharSequence key) {
    return Installed.ACCESS.crc32(key);
  }

  /**
   * nginx {@code hash}'s first try's hash of a key, {@code (crc32(key) >> 16) & 0x7fff}: what
   * {@link NginxHash#locate} takes.
   */
  public static long nginxFirstTryHash(CharSequence key) {
    return Installed.ACCESS.nginxFirstTryHash(key);
  }

  /**
   * nginx {@code hash $key consistent}'s ring of the backends: 160 CRC-32 points per unit of
   * weight, each backend placed by {@code key}, as {@code HashSelectors.hashConsistent} with
   * default options builds it.
   */
  public static NginxConsistent nginxConsistent(List<Backend> backends, BackendKey key) {
    return Installed.ACCESS.nginxConsistent(backends, key);
  }

  /** nginx {@code hash $key}'s weight table of the backends, as {@code HashSelectors.hash}'s. */
  public static NginxHash nginxHash(List<Backend> backends) {
    return Installed.ACCESS.nginxHash(backends);
  }

  /**
   * A ring or Maglev table looked up with bounded load {@code factor}, as the selectors of {@code
   * HashSelectors.ring}, {@code ketama} and {@code maglev} look it up with {@code
   * HashOptions.boundedLoad(factor)}.
   *
   * @param ring a ring from one of {@code dev.lbkit.hash.Rings}' precomputations
   * @throws IllegalArgumentException if {@code ring} is not one of lb-hash's, or {@code factor} is
   *     not a bounded-load factor {@code HashOptions} accepts
   */
  public static Bounded bounded(ConsistentRing ring, double factor) {
    return Installed.ACCESS.bounded(ring, factor);
  }

  /** nginx {@code hash $key consistent} once the key's CRC-32 is known. */
  public interface NginxConsistent {
    /**
     * As the selector without bounded load: the first eligible backend of the up to 21 points from
     * the first at or after {@code keyCrc}, or {@link Selector#NONE}, where the selector falls back
     * to round robin.
     */
    int locate(int keyCrc, Eligibility eligible);
  }

  /** nginx {@code hash $key} (without {@code consistent}) over one weight table. */
  public interface NginxHash {
    /**
     * The first try from its hash ({@link #nginxFirstTryHash}); {@link Selector#NONE} if that
     * backend is not eligible, where the selector would re-hash the key.
     */
    int locate(long firstTryHash, Eligibility eligible);

    /**
     * Every try, end to end from the key, as the selector; {@link Selector#NONE} after 21
     * unsuccessful ones, where the selector falls back to round robin.
     */
    int pick(CharSequence key, Eligibility eligible);
  }

  /** A ring or Maglev table looked up with bounded load. */
  public interface Bounded {
    /**
     * As the selector once it has {@code keyHash}: passes over backends that are not eligible or
     * have no room under {@code pool}'s {@link PoolSnapshot#inFlightTotal()} and {@link
     * PoolSnapshot#upWeight()} (O(1) when a bounded-load selector is registered with its upstream,
     * else the total is a sum over the backends).
     */
    int locate(long keyHash, PoolSnapshot pool, Eligibility eligible);
  }
}
