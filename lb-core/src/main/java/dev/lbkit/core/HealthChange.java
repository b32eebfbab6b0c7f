package dev.lbkit.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A backend's passive health changed: what an {@link UpstreamListener} hears from {@link
 * PassiveHealth} (nginx {@code max_fails} / {@code fail_timeout}).
 *
 * <p>One backend goes through {@link Kind#TAKEN_OUT}, then any number of {@link Kind#PROBING} /
 * {@link Kind#PROBE_FAILED} (or {@link Kind#FORGOTTEN} / {@link Kind#PROBE_FAILED}) rounds, and
 * ends with {@link Kind#RECOVERED}; each change is reported once, by the thread that made it.
 */
public final class HealthChange {
  /** What changed. */
  public enum Kind {
    /** The backend reached {@code maxFails} and is left out of picks for {@code failTimeout}. */
    TAKEN_OUT,
    /** The fail timeout passed and a request was let through to the backend as a probe. */
    PROBING,
    /**
     * A backend that was let through again (a probe, or after {@link #FORGOTTEN}) failed again: it
     * is out for another {@code failTimeout}.
     */
    PROBE_FAILED,
    /**
     * No backend could take a request, so the failures of every backend were forgotten (nginx's
     * quick recovery): the backend takes requests again without having proven itself.
     */
    FORGOTTEN,
    /** A request to the backend succeeded after it was out: its failures are cleared. */
    RECOVERED
  }

  private final String upstreamName;
  private final Backend backend;
  private final Kind kind;
  private final int failures;
  private final long timeMillis;

  HealthChange(String upstreamName, Backend backend, Kind kind, int failures, long timeMillis) {
    this.upstreamName = upstreamName;
    this.backend = backend;
    this.kind = kind;
    this.failures = failures;
    this.timeMillis = timeMillis;
  }

  /** The upstream of the backend. */
  public String upstreamName() {
    return upstreamName;
  }

  /** The backend whose health changed. */
  public Backend backend() {
    return backend;
  }

  /** What changed. */
  public Kind kind() {
    return kind;
  }

  /** The backend's failure count right after the change. */
  public int failures() {
    return failures;
  }

  /** When it changed, in milliseconds of the upstream's clock. */
  public long timeMillis() {
    return timeMillis;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof HealthChange)) {
      return false;
    }
    HealthChange other = (HealthChange) o;
    return upstreamName.equals(other.upstreamName)
        && backend.equals(other.backend)
        && kind == other.kind
        && failures == other.failures
        && timeMillis == other.timeMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(upstreamName, backend, kind, failures, timeMillis);
  }

  @Override
  public String toString() {
    return "HealthChange{"
        + upstreamName
        + '/'
        + backend.id()
        + ", "
        + kind
        + ", failures="
        + failures
        + ", at "
        + timeMillis
        + '}';
  }
}
