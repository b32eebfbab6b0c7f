/**
 * The lbkit model and its service-provider interfaces.
 *
 * <p>A {@link dev.lbkit.core.LoadBalancer} composes one {@link dev.lbkit.core.Upstream} (a set of
 * {@link dev.lbkit.core.Backend}s published as immutable {@link dev.lbkit.core.PoolSnapshot}s), an
 * optional {@link dev.lbkit.core.SessionAffinity} (session persistence, implemented in {@code
 * lb-cookie}) and a {@link dev.lbkit.core.Selector} (the load-balancing method). For each request,
 * described by a {@link dev.lbkit.core.RequestContext}, it returns a {@link
 * dev.lbkit.core.Decision}: the backend, the response headers to add, and why. The caller reports
 * how the request ended as an {@link dev.lbkit.core.Outcome}, which keeps in-flight counts and
 * {@link dev.lbkit.core.PassiveHealth} true.
 *
 * <p>Also here: the client address behind trusted proxies ({@link
 * dev.lbkit.core.ClientAddressResolver}, with {@link dev.lbkit.core.Cidr} blocks), addresses as
 * bytes ({@link dev.lbkit.core.IpAddress}) and cookie lookup in a raw header ({@link
 * dev.lbkit.core.CookieHeader}). A {@link dev.lbkit.core.Router} is what a gateway holds: a {@link
 * dev.lbkit.core.LoadBalancer}, or a {@link dev.lbkit.core.TrafficSplit} across several (which may
 * nest).
 *
 * <p>Everything on the request path is lock-free and allocation-light; anything derived from the
 * backend set is a {@link dev.lbkit.core.Precomputation}, built when the set changes.
 */
@NullMarked
package dev.lbkit.core;

import org.jspecify.annotations.NullMarked;
