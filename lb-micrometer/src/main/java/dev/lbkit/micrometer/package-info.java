/**
 * Micrometer meters for lbkit: what an operator graphs and alerts on, in Micrometer's naming
 * conventions, so that every registry (Prometheus, OTLP, JMX, ...) names them its own way.
 *
 * <p>{@link dev.lbkit.micrometer.UpstreamMetrics} is a {@link
 * io.micrometer.core.instrument.binder.MeterBinder} for one {@link dev.lbkit.core.Upstream}: it
 * listens to the upstream (published snapshots, passive-health changes) and to every {@link
 * dev.lbkit.core.LoadBalancer} it is registered with (decisions, outcomes, durations), and keeps
 * one gauge per backend that reads the live counters. Every tag value is bounded: an upstream name,
 * a backend id of the upstream (the meters of a backend that leaves are removed), or a name from a
 * fixed list (reasons, outcomes, changes, availabilities).
 *
 * <pre>{@code
 * UpstreamMetrics metrics = UpstreamMetrics.of(upstream);
 * LoadBalancer lb = LoadBalancer.builder(upstream).listener(metrics).build();
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>The meters and their tags are listed on {@link dev.lbkit.micrometer.UpstreamMetrics} and in
 * {@code docs/observability.md}.
 */
@NullMarked
package dev.lbkit.micrometer;

import org.jspecify.annotations.NullMarked;
