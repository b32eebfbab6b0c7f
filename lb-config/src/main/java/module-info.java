/**
 * Readers of other products' configuration (Gateway API, ingress-nginx, nginx, NGINX Ingress
 * Controller, NGINX Gateway Fabric, Voyager) into lbkit's values.
 *
 * <p>{@code dev.lbkit.config.internal} is not exported.
 */
module dev.lbkit.config {
  requires transitive dev.lbkit.core;
  requires dev.lbkit.hash;
  requires transitive dev.lbkit.cookie;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.lbkit.config;
}
