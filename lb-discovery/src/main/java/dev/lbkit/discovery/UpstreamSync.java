package dev.lbkit.discovery;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Upstream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the backends one discovery owns in an {@link Upstream} to a resolved set, by id: new ids
 * are added, ids that stay are updated only if their weight or limit changed, vanished ids are
 * removed or drained for a grace time. Backends of the upstream that this discovery did not add are
 * never touched.
 *
 * <p>Each change goes through the upstream's per-id operations ({@code add}, {@code update}, {@code
 * remove}), which keep the runtime state of ids that stay and do not overwrite what another writer
 * (an operator draining a backend) changed meanwhile. Additions come before removals, so the set
 * never passes through empty on its way from one answer to the next. Not thread-safe: the discovery
 * calls it under its lock.
 */
final class UpstreamSync {
  private final Upstream upstream;
  private final long drainGraceMillis;

  /** The ids of the last resolved set, as published. */
  private final Map<String, Backend> current = new LinkedHashMap<>();

  /** Vanished ids kept DRAINING, and when (clock millis) they are removed. */
  private final Map<String, Long> drainingUntil = new HashMap<>();

  UpstreamSync(Upstream upstream, long drainGraceMillis) {
    this.upstream = upstream;
    this.drainGraceMillis = drainGraceMillis;
  }

  /** What one {@link #apply} or {@link #removeExpired} changed. */
  record Change(int added, int updated, int draining, int returned, int removed) {
    boolean isEmpty() {
      return added + updated + draining + returned + removed == 0;
    }
  }

  /**
   * Makes {@code resolved} the discovered set; {@code nowMillis} starts the grace of vanished ids.
   */
  Change apply(List<Backend> resolved, long nowMillis) {
    int added = 0;
    int updated = 0;
    int returned = 0;
    Map<String, Backend> next = new LinkedHashMap<>();
    for (Backend b : resolved) {
      next.put(b.id(), b);
    }
    for (Backend b : next.values()) {
      Backend before = current.get(b.id());
      boolean wasDraining = drainingUntil.remove(b.id()) != null;
      if (before == null && !wasDraining) {
        if (!upstream.update(b.id(), existing -> adopt(existing, b))) {
          upstream.add(b);
        }
        added++;
      } else {
        if (wasDraining) {
          returned++;
          upstream.update(
              b.id(),
              existing -> {
                Backend back = adopt(existing, b);
                return back.state() == BackendState.DRAINING ? back.withState(b.state()) : back;
              });
        } else if (!b.equals(before)) {
          updated++;
          upstream.update(b.id(), existing -> adopt(existing, b));
        }
        if (upstream.snapshot().indexOf(b.id()) < 0) {
          upstream.add(b); // removed by someone else meanwhile: the answer says it exists
        }
      }
    }
    int draining = 0;
    int removed = 0;
    for (String id : current.keySet()) {
      if (next.containsKey(id)) {
        continue;
      }
      if (drainGraceMillis == 0) {
        if (upstream.remove(id)) {
          removed++;
        }
      } else {
        draining++;
        drainingUntil.put(id, nowMillis + drainGraceMillis);
        upstream.update(
            id, b -> b.state() == BackendState.UP ? b.withState(BackendState.DRAINING) : b);
      }
    }
    current.clear();
    current.putAll(next);
    Change expired = removeExpired(nowMillis);
    return new Change(added, updated, draining, returned, removed + expired.removed());
  }

  /** Removes the draining ids whose grace is over. */
  Change removeExpired(long nowMillis) {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Long> e : drainingUntil.entrySet()) {
      if (e.getValue() <= nowMillis) {
        expired.add(e.getKey());
      }
    }
    int removed = 0;
    for (String id : expired) {
      drainingUntil.remove(id);
      if (upstream.remove(id)) {
        removed++;
      }
    }
    return new Change(0, 0, 0, 0, removed);
  }

  /** When (clock millis) the next draining id is due for removal, or -1 if none is draining. */
  long nextExpiry() {
    long next = -1;
    for (long until : drainingUntil.values()) {
      next = next < 0 ? until : Math.min(next, until);
    }
    return next;
  }

  /** How many backends of the upstream this discovery manages (resolved and draining). */
  int size() {
    return current.size() + drainingUntil.size();
  }

  /** The ids of the last resolved set and of the ones still draining. */
  Set<String> ids() {
    Set<String> ids = new LinkedHashSet<>(current.keySet());
    ids.addAll(drainingUntil.keySet());
    return ids;
  }

  /**
   * The resolved backend with the state, route and anything else the upstream's copy has: DNS owns
   * the address, the weight and the limit, an operator the rest.
   */
  private static Backend adopt(Backend existing, Backend resolved) {
    return existing.withWeight(resolved.weight()).withMaxConnections(resolved.maxConnections());
  }
}
