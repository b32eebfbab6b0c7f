package dev.lbkit.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The smallest session affinity: the session is the backend id in an {@code X-Session} request
 * header, written back in an {@code X-Session} response header when a session starts or moves.
 */
final class TestAffinity implements SessionAffinity {
  static final String HEADER = "X-Session";

  private final boolean strict;
  private final boolean changesOnFailure;
  private final @Nullable String fallbackId;

  TestAffinity(boolean strict, boolean changesOnFailure, @Nullable String fallbackId) {
    this.strict = strict;
    this.changesOnFailure = changesOnFailure;
    this.fallbackId = fallbackId;
  }

  static TestAffinity lenient() {
    return new TestAffinity(false, true, null);
  }

  @Override
  public Binding resolve(PoolSnapshot pool, RequestContext request) {
    String id = request.header(HEADER);
    if (id == null || id.isEmpty()) {
      return Binding.none();
    }
    int index = pool.indexOf(id);
    return index >= 0 ? Binding.bound(index, id) : Binding.gone(id);
  }

  @Override
  public int fallback(
      PoolSnapshot pool, RequestContext request, Binding binding, Eligibility eligible) {
    return fallbackId == null ? Selector.NONE : pool.indexOf(fallbackId);
  }

  @Override
  public boolean rebalancesUnavailable() {
    return !strict;
  }

  @Override
  public boolean changesOnFailure() {
    return changesOnFailure;
  }

  @Override
  public List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason) {
    if (reason == Decision.Reason.STICKY_HIT || reason == Decision.Reason.RETRY_SAME) {
      return List.of();
    }
    return List.of(new ResponseHeader(HEADER, pool.backend(chosen).id()));
  }

  static RequestContext requestFor(@Nullable String sessionId) {
    return RequestContext.builder()
        .headers(name -> name.equalsIgnoreCase(HEADER) ? sessionId : null)
        .build();
  }
}
