package dev.lbkit.hash;

import dev.lbkit.core.Backend;

/** The built-in {@link BackendKey}s, named so that they print readably in configuration dumps. */
enum BackendKeys implements BackendKey {
  ID {
    @Override
    public String of(Backend backend) {
      return backend.id();
    }
  },
  AUTHORITY {
    @Override
    public String of(Backend backend) {
      return backend.authority();
    }
  };

  @Override
  public String toString() {
    return this == ID ? "BackendKey.id()" : "BackendKey.authority()";
  }
}
