/**
 * Backends from Kubernetes: an lbkit {@link dev.lbkit.core.Upstream} that follows a Service's
 * {@code discovery.k8s.io/v1} EndpointSlices, through the fabric8 client's informers.
 *
 * <p>{@link dev.lbkit.kubernetes.KubernetesDiscovery} is the source: started once, it lists and
 * watches the slices of one Service and republishes the upstream's backends on every change, never
 * emptying it because of a watch error or a momentary relist. {@link
 * dev.lbkit.kubernetes.EndpointSliceBackends} is its translation from slices to backends (pod names
 * as ids, so that sessions follow pods; terminating but serving pods {@code DRAINING}; zones kept),
 * usable on its own on slices read from anywhere.
 *
 * <pre>{@code
 * Upstream tea = Upstream.of("tea");
 * KubernetesDiscovery discovery =
 *     KubernetesDiscovery.builder(tea).namespace("shop").service("tea").port("http").build().start();
 * LoadBalancer lb = LoadBalancer.builder(tea).affinity(...).build();
 * }</pre>
 *
 * <p>The RBAC the source needs, and what happens to sessions on each kind of endpoint change, are
 * described in {@code docs/discovery.md}.
 */
@NullMarked
package dev.lbkit.kubernetes;

import org.jspecify.annotations.NullMarked;
