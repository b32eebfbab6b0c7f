package dev.lbkit.discovery;

/**
 * What a successful lookup that names no address means: {@code NXDOMAIN}, or {@code NOERROR} with
 * no record of the asked type (including an SRV set whose targets have no address or are {@code
 * .}).
 */
public enum EmptyAnswer {
  /**
   * Treated as a failed lookup: the last good set stays, one warning is logged per streak, and the
   * lookup is retried at the retry interval. A name deleted or a zone misconfigured for a moment
   * does not empty the upstream, as nginx keeps its servers when a name stops resolving. The
   * default.
   */
  KEEP_LAST_SET,
  /**
   * Trusted: every discovered backend is removed (or drained for the grace), as Envoy's {@code
   * STRICT_DNS} cluster empties on an empty answer. For groups that really scale to zero.
   */
  REMOVE_ALL
}
