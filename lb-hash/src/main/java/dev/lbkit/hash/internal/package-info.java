/**
 * lb-hash's selectors from the point where the key is hashed, for lbkit's own benchmarks. Not API:
 * anything here may change in any release.
 *
 * <p>{@link dev.lbkit.hash.internal.HashedKeyLookups} serves lb-benchmarks' "from a precomputed key
 * hash" rows, which lb-hash's public selectors cannot: they hash the key themselves. This package
 * exists so that lb-benchmarks needs no class of its own in {@code dev.lbkit.hash} (a package split
 * across two artifacts).
 *
 * <p>lb-hash's module descriptor does not export this package. lb-benchmarks runs on the class
 * path, where descriptors do not apply, and is no named module that a qualified export could name;
 * on the module path, nothing outside lb-hash can reach this package.
 */
@NullMarked
package dev.lbkit.hash.internal;

import org.jspecify.annotations.NullMarked;
