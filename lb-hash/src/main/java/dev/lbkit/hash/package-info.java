/**
 * Hash-based load balancing: nginx-exact {@code ip_hash} and {@code hash}, Ketama rings compatible
 * with libketama and spymemcached, a fast default consistent ring, Maglev, and bounded load.
 *
 * <p>{@link dev.lbkit.hash.HashSelectors} creates the {@link dev.lbkit.core.Selector}s; {@link
 * dev.lbkit.hash.KeyExtractor} says which part of a request is the key; {@link
 * dev.lbkit.hash.BackendKey} says which string places a backend on a ring. {@link
 * dev.lbkit.hash.Rings} gives the bare {@link dev.lbkit.hash.ConsistentRing} to code that hashes
 * its own keys, such as a balanced sticky cookie.
 *
 * <p>Every ring and table is a {@link dev.lbkit.core.Precomputation}: built once when the backend
 * set changes, as sorted primitive arrays or a lookup table, and read on the request path by a
 * branch-free search or an array index, with no allocation and no lock.
 */
@NullMarked
package dev.lbkit.hash;

import org.jspecify.annotations.NullMarked;
