package dev.lbkit.core;

import org.jspecify.annotations.Nullable;

/**
 * Hears what happens to an {@link Upstream}: every snapshot it publishes and every change of a
 * backend's passive health. For metrics, status pages and alerts; registered with {@link
 * Upstream.Builder#listener} or {@link Upstream#addListener}.
 *
 * <p>Both methods have empty defaults, so an implementation overrides what it needs. A listener is
 * called on the thread that caused the event and must be quick, thread-safe and must not block. A
 * listener that throws is logged (the first failure at WARN, later ones at DEBUG) and changes
 * nothing: the change or the request goes on.
 */
public interface UpstreamListener {
  /**
   * A snapshot was published: the backend set or a backend changed, or a load balancer registered
   * or released what its selector and affinity precompute. Called on the writer's thread, in
   * version order; must not change the upstream.
   *
   * @param previous the snapshot it replaces, or {@code null} for an upstream's first one
   * @param current the snapshot now published
   */
  default void onSnapshotPublished(@Nullable PoolSnapshot previous, PoolSnapshot current) {}

  /**
   * A backend's passive health changed. Called on the request thread that reported the outcome or
   * made the pick that changed it.
   */
  default void onHealthChange(HealthChange change) {}
}
