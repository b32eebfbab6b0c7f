package dev.lbkit.hash;

/**
 * When {@link HashSelectors#ketama} applies spymemcached's weighted point counts. spymemcached's
 * {@code KetamaNodeLocator} is weighted exactly when it is given a weights map, and its float
 * formula does not always give equal weights their 160 points (with 25 equal servers each gets
 * 156), so matching a client means knowing how it was constructed.
 */
public enum KetamaWeighting {
  /**
   * The weighted formula when the backends' weights differ, 160 points each when they are all
   * equal: a client built without weights (and libketama) when they are equal, one built with a
   * weights map when they differ. The default.
   */
  AUTO,
  /** Always the weighted formula: a spymemcached client built with a weights map. */
  ALWAYS,
  /** Never: 160 points per server whatever the weights, as a client built without weights. */
  NEVER
}
