/**
 * Session persistence: sticky cookies and headers with authenticated tokens, configured by {@link
 * dev.lbkit.cookie.SessionPersistence}.
 *
 * <p>{@code dev.lbkit.cookie.internal} is not exported.
 */
module dev.lbkit.cookie {
  requires transitive dev.lbkit.core;
  requires dev.lbkit.hash;
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires static transitive org.jspecify;

  exports dev.lbkit.cookie;
}
