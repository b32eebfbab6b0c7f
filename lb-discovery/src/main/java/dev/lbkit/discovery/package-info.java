/**
 * Backends discovered from DNS: {@link dev.lbkit.discovery.DnsDiscovery} keeps one {@link
 * dev.lbkit.core.Upstream} in sync with a name, as nginx's {@code server ... resolve} (and {@code
 * service=} for SRV) and Envoy's {@code STRICT_DNS} clusters do.
 *
 * <pre>{@code
 * Upstream tea = Upstream.of("tea");
 * try (DnsDiscovery dns = DnsDiscovery.forService(tea, "http", "tea.internal.example")
 *     .drainGrace(Duration.ofSeconds(30))
 *     .build()) {
 *   dns.refresh(); // the first set, before traffic
 *   dns.start();   // re-resolved when the records expire
 *   LoadBalancer lb = LoadBalancer.of(tea);
 *   ...
 * }
 * }</pre>
 *
 * <p>The lookups go through <a href="https://github.com/dnsjava/dnsjava">dnsjava</a>, straight to
 * the configured (or the system's) DNS servers over UDP, and over TCP when an answer is truncated.
 * The JDK's resolver ({@code InetAddress}) cannot do this job: it returns no TTLs (it caches for a
 * fixed {@code networkaddress.cache.ttl} of its own) and cannot ask for SRV records. dnsjava's
 * types are not part of this package's API.
 *
 * <p>What happens on each change of the answer (added, stays, vanished, failed, empty) and every
 * option with its default is described on {@link dev.lbkit.discovery.DnsDiscovery} and in {@code
 * docs/discovery.md}.
 */
@NullMarked
package dev.lbkit.discovery;

import org.jspecify.annotations.NullMarked;
