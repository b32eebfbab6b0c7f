package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.Selector;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Maglev lookup table (Eisenbud et al., NSDI 2016), weighted as Envoy's: a prime number M of
 * entries, each naming a backend, so that a lookup is one multiplication and one array read.
 *
 * <p>Building: each backend has a permutation of the entries, {@code (offset + j x skip) mod M},
 * with {@code offset = h1 mod M} and {@code skip = h2 mod (M - 1) + 1} from two 64-bit hashes of
 * its placement string. Backends take turns claiming their next free preferred entry until the
 * table is full; with weights, a backend earns {@code weight / maxWeight} claims per turn. Turns go
 * in order of placement string (then id), so the table does not depend on the listing order.
 *
 * <p>Every backend is in the table whatever its state. A key whose entry names a backend that is
 * not eligible tries {@value #REHASHES} more entries chosen by rehashing the key, then the backends
 * in placement order after the first one: the same key always falls back to the same backend, and
 * the keys of one unavailable backend spread over all the others.
 */
final class MaglevTable implements BoundedRing {
  static final int REHASHES = 8;
  private static final long SKIP_SALT = 0x5bd1e9955bd1e995L;

  /**
   * The entries as {@code char}s (unsigned 16-bit) when every backend index fits, which halves the
   * table a lookup reads at random (128 KiB instead of 256 KiB for 65,537 entries) and leaves more
   * of the CPU's cache to the backends' state; {@code null} for more than 65,536 backends.
   */
  private final char @Nullable [] compact;

  /** The entries as {@code int}s when they do not fit a {@code char}; else {@code null}. */
  private final int @Nullable [] wide;

  private final int size;

  /** Backend indexes in placement order, and each backend's rank in it. */
  private final int[] placementOrder;

  private final int[] rankOf;

  private MaglevTable(int[] table, int[] placementOrder, int[] rankOf) {
    this.size = table.length;
    if (placementOrder.length <= Character.MAX_VALUE + 1) {
      char[] entries = new char[table.length];
      for (int i = 0; i < table.length; i++) {
        entries[i] = (char) table[i];
      }
      this.compact = entries;
      this.wide = null;
    } else {
      this.compact = null;
      this.wide = table;
    }
    this.placementOrder = placementOrder;
    this.rankOf = rankOf;
  }

  static Precomputation<ConsistentRing> precomputation(int tableSize, BackendKey key) {
    return new Builder(tableSize, Objects.requireNonNull(key, "key"));
  }

  /** A Maglev table's precomputation: equal parameters share one table per snapshot. */
  private record Builder(int tableSize, BackendKey key) implements Precomputation<ConsistentRing> {
    @Override
    public ConsistentRing compute(List<Backend> backends) {
      return of(backends, tableSize, key);
    }

    @Override
    public String toString() {
      return "maglev(" + tableSize + ", " + key + ")";
    }
  }

  static MaglevTable of(List<Backend> backends, int m, BackendKey key) {
    int n = backends.size();
    if (n == 0) {
      return new MaglevTable(new int[0], new int[0], new int[0]);
    }
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Objects.requireNonNull(key.of(backends.get(i)), "placement key");
    }
    Integer[] boxed = Rings.orderByPlacement(backends, keys);
    int[] order = new int[n];
    int[] rankOf = new int[n];
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    int[] weight = new int[n];
    long[] credit = new long[n];
    int maxWeight = 1;
    for (int r = 0; r < n; r++) {
      int i = boxed[r];
      order[r] = i;
      rankOf[i] = r;
      long h1 = Hash64.hashChars(keys[i]);
      long h2 = Hash64.fmix64(h1 ^ SKIP_SALT);
      offset[r] = Long.remainderUnsigned(h1, m);
      skip[r] = Long.remainderUnsigned(h2, m - 1) + 1;
      weight[r] = backends.get(i).weight();
      maxWeight = Math.max(maxWeight, weight[r]);
    }
    int[] table = new int[m];
    Arrays.fill(table, -1);
    int filled = 0;
    while (true) {
      for (int r = 0; r < n; r++) {
        credit[r] += weight[r];
        while (credit[r] >= maxWeight) {
          credit[r] -= maxWeight;
          int slot;
          do {
            slot = (int) ((offset[r] + next[r] * skip[r]) % m);
            next[r]++;
          } while (table[slot] >= 0);
          table[slot] = order[r];
          if (++filled == m) {
            return new MaglevTable(table, order, rankOf);
          }
        }
      }
    }
  }

  /** Maps a 64-bit hash onto the table by its high 32 bits, without a division (Lemire). */
  private int slot(long keyHash) {
    return (int) (((keyHash >>> 32) * size) >>> 32);
  }

  /** The backend index at table entry {@code slot}. */
  @SuppressWarnings("NullAway") // exactly one of compact and wide is set, by the constructor
  int entry(int slot) {
    char[] c = compact;
    return c != null ? c[slot] : wide[slot];
  }

  int size() {
    return size;
  }

  @Override
  public int backendCount() {
    return placementOrder.length;
  }

  @Override
  public int locate(long keyHash, Eligibility eligible) {
    return probe(keyHash, eligible, null, 0);
  }

  @Override
  public int locateBounded(
      long keyHash, Eligibility eligible, PoolSnapshot pool, double perWeight) {
    return probe(keyHash, eligible, pool, perWeight);
  }

  private int probe(
      long keyHash, Eligibility eligible, @Nullable PoolSnapshot pool, double perWeight) {
    if (size == 0) {
      return Selector.NONE;
    }
    int first = entry(slot(keyHash));
    if (takes(first, eligible, pool, perWeight)) {
      return first;
    }
    long h = keyHash;
    for (int attempt = 0; attempt < REHASHES; attempt++) {
      h = Hash64.fmix64(h + Hash64.GOLDEN);
      int candidate = entry(slot(h));
      if (takes(candidate, eligible, pool, perWeight)) {
        return candidate;
      }
    }
    int n = placementOrder.length;
    int rank = rankOf[first];
    for (int j = 1; j <= n; j++) {
      int candidate = placementOrder[(rank + j) % n];
      if (takes(candidate, eligible, pool, perWeight)) {
        return candidate;
      }
    }
    return Selector.NONE;
  }

  private static boolean takes(
      int index, Eligibility eligible, @Nullable PoolSnapshot pool, double perWeight) {
    return eligible.isEligible(index)
        && (pool == null || BoundedLoad.hasRoom(pool, index, perWeight));
  }

  @Override
  public String toString() {
    return "MaglevTable{" + size + " entries, " + placementOrder.length + " backends}";
  }
}
