package dev.lbkit.core;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The session a request carries, resolved by one {@link Router} and ready to be decided on: what a
 * {@link TrafficSplit} learns from each member before it chooses the member that owns the session,
 * without verifying the session's token a second time when that member then picks.
 */
public final class ResolvedSession {
  private static final ResolvedSession NONE =
      new ResolvedSession(
          Binding.Kind.NONE,
          () -> {
            throw new IllegalStateException("no session to decide on");
          });

  private final Binding.Kind kind;
  private final Supplier<Decision> decide;

  ResolvedSession(Binding.Kind kind, Supplier<Decision> decide) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.decide = decide;
  }

  /** No session of the router's. */
  public static ResolvedSession none() {
    return NONE;
  }

  /**
   * {@link Binding.Kind#BOUND} (the session's backend is in the upstream), {@link
   * Binding.Kind#GONE} (it names a backend that left), or {@link Binding.Kind#NONE}.
   */
  public Binding.Kind kind() {
    return kind;
  }

  /** Whether the request carries a session of the router's, bound or gone. */
  public boolean isPresent() {
    return kind != Binding.Kind.NONE;
  }

  /**
   * Decides the request with this session, as the router's {@code pick} would have: a sticky hit, a
   * rebalance, or a refusal of a strict session. Each call is a new decision.
   *
   * @throws IllegalStateException for {@link #none()}
   */
  public Decision pick() {
    return decide.get();
  }

  @Override
  public String toString() {
    return "ResolvedSession{" + kind + '}';
  }
}
