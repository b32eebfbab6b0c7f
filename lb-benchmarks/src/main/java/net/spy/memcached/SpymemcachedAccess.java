package net.spy.memcached;

/**
 * Reaches spymemcached's own ring lookup from an already computed key hash ({@code
 * KetamaNodeLocator.getNodeForKey(long)} is package-private), so that the "from a precomputed hash"
 * table can show spymemcached's ring itself next to ours, not only {@code getPrimary}, which hashes
 * the key too. Lives in spymemcached's package for that reason alone; benchmarks only.
 */
public final class SpymemcachedAccess {
  private SpymemcachedAccess() {}

  /** {@code locator.getNodeForKey(hash)}: the node owning a KETAMA_HASH value. */
  public static MemcachedNode nodeForHash(KetamaNodeLocator locator, long hash) {
    return locator.getNodeForKey(hash);
  }
}
