/**
 * lbkit's Micrometer meters: {@link dev.lbkit.micrometer.UpstreamMetrics}. Micrometer's core jar
 * has no module descriptor, only its automatic name {@code micrometer.core}, which this module
 * requires transitively because {@code MeterBinder} is part of its API.
 */
@SuppressWarnings({"requires-transitive-automatic", "requires-automatic"})
module dev.lbkit.micrometer {
  requires transitive dev.lbkit.core;
  requires transitive micrometer.core;
  requires static transitive org.jspecify;

  exports dev.lbkit.micrometer;
}
