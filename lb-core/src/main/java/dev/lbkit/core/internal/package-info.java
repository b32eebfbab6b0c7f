/**
 * Helpers shared by the lbkit modules. Not part of the public API: anything here may change in any
 * release.
 */
@NullMarked
package dev.lbkit.core.internal;

import org.jspecify.annotations.NullMarked;
