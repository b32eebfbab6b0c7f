package dev.lbkit.demo;

import org.eclipse.jetty.server.Server;

/** Stopping a Jetty server from {@code close()}, which declares no checked exception. */
final class Servers {
  private Servers() {}

  static void stop(Server server, String what) {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("stopping " + what + " failed", e);
    }
  }
}
