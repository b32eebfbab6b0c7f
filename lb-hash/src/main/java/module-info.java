/**
 * Hash-based load balancing: nginx's {@code ip_hash} and {@code hash}, Ketama, a default consistent
 * ring, Maglev and bounded load, created by {@link dev.lbkit.hash.HashSelectors}.
 *
 * <p>{@code dev.lbkit.hash.internal} is not exported: only lbkit's benchmarks use it, from the
 * class path.
 */
module dev.lbkit.hash {
  requires transitive dev.lbkit.core;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.lbkit.hash;
}
