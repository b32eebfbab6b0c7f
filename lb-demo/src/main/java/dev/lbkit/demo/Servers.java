package dev.lbkit.demo;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Starting and stopping the demo's Jetty servers (the gateway and the demo backends). */
final class Servers {
  private Servers() {}

  /** A server on its own named thread pool that waits at most {@code stopTimeoutMillis} to stop. */
  static Server create(String threadName, int maxThreads, int minThreads, long stopTimeoutMillis) {
    QueuedThreadPool threads = new QueuedThreadPool(maxThreads, minThreads);
    threads.setName(threadName);
    Server server = new Server(threads);
    server.setStopTimeout(stopTimeoutMillis);
    return server;
  }

  /** Starts {@code server}; if it cannot start (a port taken), stops what did start. */
  static void start(Server server) throws Exception {
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
  }

  /** Stops {@code server} from {@code close()}, which declares no checked exception. */
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
