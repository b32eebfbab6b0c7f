/**
 * The lbkit demo gateway: a runnable reverse proxy on embedded Jetty 12 configured by a YAML file,
 * which reproduces the cafe walkthroughs of NGINX Gateway Fabric, ingress-nginx and kgateway, and a
 * Gateway API canary, on one machine. Not a library: nothing here is API.
 *
 * <p>{@link dev.lbkit.demo.Main} reads the file ({@link dev.lbkit.demo.GatewayConfigReader} into a
 * {@link dev.lbkit.demo.GatewayConfig}), starts the plain-text {@link dev.lbkit.demo.DemoBackends}
 * it lists, and starts the {@link dev.lbkit.demo.Gateway}: one route per host and path (matched by
 * {@link dev.lbkit.demo.RouteTable} as a Gateway API implementation does), each a servlet context
 * with lb-servlet's filter and proxy servlet over one {@link dev.lbkit.core.LoadBalancer}, or, for
 * a route across several weighted upstreams (a canary), over lb-cookie's {@link
 * dev.lbkit.core.TrafficSplit}. The file format and a walkthrough are in {@code docs/demo.md}.
 *
 * <p>{@code --manifests} reads Kubernetes manifests instead ({@link dev.lbkit.demo.Manifest},
 * {@link dev.lbkit.demo.ManifestReader}), into the same config, with the pods' addresses from an
 * {@link dev.lbkit.demo.EndpointSource}: an {@link dev.lbkit.demo.EndpointsFile} or {@link
 * dev.lbkit.demo.StandInPods}.
 */
@NullMarked
package dev.lbkit.demo;

import org.jspecify.annotations.NullMarked;
