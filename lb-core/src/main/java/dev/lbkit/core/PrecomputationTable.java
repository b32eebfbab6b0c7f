package dev.lbkit.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The values one snapshot precomputed, and how a request finds the one it needs in O(1).
 *
 * <p>Each distinct precomputation value (by {@code equals}) is computed once per backend set and
 * held in one slot, however many selectors and affinities declared an equal one. Every registered
 * instance maps to its value's slot through an open-addressing table keyed by the instance's
 * identity, so that a lookup is one identity hash and, almost always, one comparison; an equal
 * instance that was never registered itself is still found, by value, on a slower path. Immutable.
 */
final class PrecomputationTable {
  static final PrecomputationTable EMPTY =
      new PrecomputationTable(new Precomputation<?>[0], new Object[0], List.of(), new int[0]);

  /** The distinct values, in registration order: {@code values[slot]} was computed by it. */
  private final Precomputation<?>[] canonical;

  private final Object[] values;

  /**
   * The first two registered instances and their values, compared before any hashing: most
   * upstreams have one or two, and this keeps their lookup at one or two comparisons.
   */
  private final @Nullable Precomputation<?> first;

  private final @Nullable Object firstValue;
  private final @Nullable Precomputation<?> second;
  private final @Nullable Object secondValue;

  private final Precomputation<?>[] instances;
  private final int[] slots;
  private final int mask;

  /**
   * @param canonical one instance per distinct value
   * @param values what each computed for this snapshot's backends
   * @param registered every registered instance
   * @param slotOfRegistered for each registered instance, the index of its value in {@code
   *     canonical}
   */
  PrecomputationTable(
      Precomputation<?>[] canonical,
      Object[] values,
      List<Precomputation<?>> registered,
      int[] slotOfRegistered) {
    this.canonical = canonical;
    this.values = values;
    int capacity = Integer.highestOneBit(Math.max(1, registered.size()) * 4 - 1) << 1;
    this.instances = new Precomputation<?>[capacity];
    this.slots = new int[capacity];
    this.mask = capacity - 1;
    for (int r = 0; r < registered.size(); r++) {
      Precomputation<?> p = registered.get(r);
      int i = System.identityHashCode(p) & mask;
      while (instances[i] != null) {
        i = (i + 1) & mask;
      }
      instances[i] = p;
      slots[i] = slotOfRegistered[r];
    }
    int n = registered.size();
    this.first = n > 0 ? registered.get(0) : null;
    this.firstValue = n > 0 ? values[slotOfRegistered[0]] : null;
    this.second = n > 1 ? registered.get(1) : null;
    this.secondValue = n > 1 ? values[slotOfRegistered[1]] : null;
  }

  /** The value {@code p} (or an equal precomputation) computed, or {@code null} if none did. */
  @Nullable Object find(Precomputation<?> p) {
    if (p == first) {
      return firstValue;
    }
    if (p == second) {
      return secondValue;
    }
    Precomputation<?>[] keys = instances;
    int i = System.identityHashCode(p) & mask;
    while (true) {
      Precomputation<?> k = keys[i];
      if (k == p) {
        return values[slots[i]];
      }
      if (k == null) {
        return findByValue(p);
      }
      i = (i + 1) & mask;
    }
  }

  private @Nullable Object findByValue(Precomputation<?> p) {
    for (int slot = 0; slot < canonical.length; slot++) {
      if (canonical[slot].equals(p)) {
        return values[slot];
      }
    }
    return null;
  }
}
