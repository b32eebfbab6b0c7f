/**
 * lbkit's DNS discovery: {@link dev.lbkit.discovery.DnsDiscovery}. dnsjava is an implementation
 * detail (no dnsjava type is part of the API), so it is required, not required transitively.
 */
module dev.lbkit.discovery {
  requires transitive dev.lbkit.core;
  requires org.dnsjava;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.lbkit.discovery;
}
