/**
 * Reads the configuration users already have into lbkit's values: session persistence, the
 * load-balancing method and traffic-split weights, as other products write them.
 *
 * <ul>
 *   <li>{@link dev.lbkit.config.GatewayApiConfig}: the Gateway API's {@code sessionPersistence}
 *       (both shapes) and weighted {@code backendRefs}.
 *   <li>{@link dev.lbkit.config.IngressNginxConfig}: ingress-nginx's {@code affinity}, {@code
 *       load-balance} and {@code upstream-hash-by} annotations.
 *   <li>{@link dev.lbkit.config.NginxConfig}: nginx's {@code sticky cookie} and method lines
 *       ({@code ip_hash}, {@code hash $key consistent}, {@code least_conn}, {@code random two}).
 *   <li>{@link dev.lbkit.config.VirtualServerConfig} (NGINX Ingress Controller), {@link
 *       dev.lbkit.config.GatewayFabricConfig} (NGINX Gateway Fabric's UpstreamSettingsPolicy) and
 *       {@link dev.lbkit.config.VoyagerConfig} (HAProxy's Voyager).
 *   <li>{@link dev.lbkit.config.LoadBalancingMethod}: a method as nginx names it and its hash key,
 *       to a {@link dev.lbkit.core.Selector}; {@link dev.lbkit.config.Durations}: nginx's and
 *       GEP-2257's duration forms.
 * </ul>
 *
 * <p>Every reader validates as it reads: a bad value is an {@code IllegalArgumentException} that
 * names the field, the value and what is allowed. Helpers live in {@code
 * dev.lbkit.config.internal}, which is not API.
 */
@NullMarked
package dev.lbkit.config;

import org.jspecify.annotations.NullMarked;
