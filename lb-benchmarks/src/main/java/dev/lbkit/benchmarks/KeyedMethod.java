package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import java.util.List;

/**
 * One way of mapping a key to a backend, ours or a peer's, in the shape the benchmarks and the
 * distribution report need: the method's own key hash, a pick from that hash, and a pick end to end
 * from the key. Picks return the chosen object (our {@link Backend}, spymemcached's node), as a
 * caller would use it, so that no row pays for a translation the others skip.
 *
 * <p>Each JMH fork measures one method, so every call site here is monomorphic and inlined.
 */
abstract class KeyedMethod {
  final Backend[] backends;

  KeyedMethod(List<Backend> backends) {
    this.backends = backends.toArray(new Backend[0]);
  }

  /** The key hash this method looks up: computed once per key by the "from hash" benchmarks. */
  abstract long hash(String key);

  /** The pick from an already computed {@link #hash}. */
  abstract Object fromHash(long hash);

  /** The pick end to end: hash the key, then look it up. */
  abstract Object fromKey(String key);

  /** The backend index of a pick (for checks and reports; not timed). */
  int indexOf(Object picked) {
    for (int i = 0; i < backends.length; i++) {
      if (backends[i] == picked) {
        return i;
      }
    }
    throw new IllegalStateException("not a backend of this method: " + picked);
  }
}
