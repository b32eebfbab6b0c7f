/**
 * Implementation of {@code dev.lbkit.cookie}: token encoding and authentication (SipHash-2-4,
 * HMAC-SHA256, base64url), cookie formatting and scanning, per-snapshot tables. Not API: anything
 * here may change in any release.
 */
@NullMarked
package dev.lbkit.cookie.internal;

import org.jspecify.annotations.NullMarked;
