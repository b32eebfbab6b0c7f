package dev.lbkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP relay on 127.0.0.1 that holds every chunk from the server for a while: a slow Redis. */
final class DelayingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private volatile long delayMillis;

  DelayingProxy(int targetPort, long delayMillis) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.delayMillis = delayMillis;
    Thread accept =
        new Thread(
            () -> {
              while (!listener.isClosed()) {
                try {
                  Socket client = listener.accept();
                  Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  pump(client, server, 0);
                  pump(server, client, 1);
                } catch (IOException e) {
                  return;
                }
              }
            },
            "delaying-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  private void pump(Socket from, Socket to, int direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (direction == 1 && delayMillis > 0) {
                    Thread.sleep(delayMillis);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // a side closed
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                try {
                  to.close();
                  from.close();
                } catch (IOException ignored) {
                  // closing
                }
              }
            },
            "delaying-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
