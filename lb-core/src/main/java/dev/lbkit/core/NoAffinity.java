package dev.lbkit.core;

import java.util.List;

/** {@link SessionAffinity#none()}: every request is a new pick and nothing is written back. */
enum NoAffinity implements SessionAffinity {
  INSTANCE;

  @Override
  public boolean persistsSessions() {
    return false;
  }

  @Override
  public boolean readsRequest() {
    return false;
  }

  @Override
  public Binding resolve(PoolSnapshot pool, RequestContext request) {
    return Binding.none();
  }

  @Override
  public List<ResponseHeader> responseHeaders(
      PoolSnapshot pool,
      RequestContext request,
      Binding binding,
      int chosen,
      Decision.Reason reason) {
    return List.of();
  }

  @Override
  public String toString() {
    return "none";
  }
}
