package dev.lbkit.core;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link SessionAffinity} found in a request: no session, a session bound to a backend of
 * the snapshot, or a session whose backend is no longer there.
 *
 * <p>The affinity may attach its decoded session (a token, a key) so that it need not decode the
 * request twice when it writes the response headers.
 */
public final class Binding {
  /** The kinds of binding. */
  public enum Kind {
    /** The request carries no valid session. */
    NONE,
    /** The session names a backend of the snapshot ({@link #index()}). */
    BOUND,
    /** The session names a backend that is no longer in the snapshot. */
    GONE
  }

  private static final Binding NONE = new Binding(Kind.NONE, -1, null);

  private final Kind kind;
  private final int index;
  private final @Nullable Object session;

  private Binding(Kind kind, int index, @Nullable Object session) {
    this.kind = kind;
    this.index = index;
    this.session = session;
  }

  /** No valid session. */
  public static Binding none() {
    return NONE;
  }

  /** A session bound to the backend at {@code index} of the snapshot. */
  public static Binding bound(int index, @Nullable Object session) {
    if (index < 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
    }
    return new Binding(Kind.BOUND, index, session);
  }

  /** A valid session whose backend is no longer in the snapshot. */
  public static Binding gone(@Nullable Object session) {
    return new Binding(Kind.GONE, -1, session);
  }

  /** The kind of binding. */
  public Kind kind() {
    return kind;
  }

  /** The bound backend's index when {@link Kind#BOUND}, otherwise -1. */
  public int index() {
    return index;
  }

  /** Whatever the affinity attached (its decoded session), or {@code null}. */
  public @Nullable Object session() {
    return session;
  }

  @Override
  public String toString() {
    return kind == Kind.BOUND ? "Binding{BOUND " + index + '}' : "Binding{" + kind + '}';
  }
}
