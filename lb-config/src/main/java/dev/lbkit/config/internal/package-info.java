/** Parsing helpers shared by lb-config's readers. Not API: it may change in any release. */
@NullMarked
package dev.lbkit.config.internal;

import org.jspecify.annotations.NullMarked;
