/**
 * Server-side session tables on Redis: {@link dev.lbkit.redis.RedisSessionStore} gives the {@link
 * dev.lbkit.cookie.SessionTable}s that lb-cookie's learn mode ({@code LearnedSessions}) and stick
 * tables ({@code StickTable}) keep their bindings in, shared by every gateway replica on the same
 * Redis and kept across restarts.
 *
 * <p>The request path never waits for Redis longer than the store's timeout: a near-cache answers
 * most sticky hits locally, writes and refreshes are sent without waiting, and an unreachable Redis
 * makes lookups count as no session (the load balancer balances them) while bindings learned
 * meanwhile are kept and written back.
 */
@NullMarked
package dev.lbkit.redis;

import org.jspecify.annotations.NullMarked;
