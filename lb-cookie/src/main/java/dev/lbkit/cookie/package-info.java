/**
 * Session persistence: the first request of a client is balanced, the response carries a token, and
 * every later request that presents it reaches the same backend for as long as the session lives.
 *
 * <p>{@link dev.lbkit.cookie.SessionPersistence} is the whole configuration (cookie or header,
 * persistent or balanced mode, lifetimes, cookie attributes, scope, secrets), checked when built;
 * {@link dev.lbkit.cookie.SessionPersistence#toAffinity()} gives the {@link
 * dev.lbkit.core.SessionAffinity} to hand to a {@link dev.lbkit.core.LoadBalancer}. Tokens are
 * opaque, URL-safe and authenticated (SipHash-2-4 or HMAC-SHA256 under a configured secret), bound
 * to their scope, and carry their own issue and last-seen times, so that gateway replicas sharing a
 * secret decide alike with no shared state and a restarted gateway honours what it issued. {@link
 * dev.lbkit.cookie.LegacyCookie} reads the sticky cookies of NGINX, ingress-nginx and Spring Cloud
 * LoadBalancer so that their live sessions survive a migration.
 *
 * <p>Also here: stickiness read from an application's own session id ({@link
 * dev.lbkit.cookie.JvmRouteAffinity}, Tomcat's {@code jvmRoute}). Reading other products'
 * configuration into a {@code SessionPersistence} is lb-config's job.
 *
 * <p>Server-side sessions, for persistence a proxy token cannot carry: a {@link
 * dev.lbkit.cookie.SessionTable} binds a key to a backend id with an idle expiry. {@link
 * dev.lbkit.cookie.LearnedSessions} fills it with the session ids the backends themselves issue
 * (NGINX Plus {@code sticky learn}); {@link dev.lbkit.cookie.StickTable} with any request key bound
 * to the backend first chosen for it (HAProxy {@code stick on}). {@link
 * dev.lbkit.cookie.SessionStore#inMemory} keeps tables in this JVM (on Caffeine); a shared store
 * lets replicas and restarts keep them.
 *
 * <p>Implementation classes live in {@code dev.lbkit.cookie.internal}, which is not API.
 */
@NullMarked
package dev.lbkit.cookie;

import org.jspecify.annotations.NullMarked;
