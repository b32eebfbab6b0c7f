/**
 * The lbkit model and its service-provider interfaces: {@link dev.lbkit.core.LoadBalancer}, {@link
 * dev.lbkit.core.Upstream}, {@link dev.lbkit.core.Backend}, {@link dev.lbkit.core.Selector}, {@link
 * dev.lbkit.core.SessionAffinity} and the values they exchange.
 *
 * <p>{@code dev.lbkit.core.internal} is exported only to the lbkit modules that share its helpers.
 */
// The modules named in the qualified export are built after this one, so javac cannot find them
// here and would warn "module not found" for each.
@SuppressWarnings("module")
module dev.lbkit.core {
  requires org.slf4j;
  // Nullness annotations: there for whoever compiles against lbkit, never needed to run it.
  requires static transitive org.jspecify;

  exports dev.lbkit.core;
  exports dev.lbkit.core.internal to
      dev.lbkit.hash,
      dev.lbkit.cookie,
      dev.lbkit.config,
      dev.lbkit.servlet;
}
