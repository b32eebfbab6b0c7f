package dev.lbkit.servlet;

import dev.lbkit.core.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Why one proxied attempt failed: whose fault it was (what passive health is told) and what the
 * client is answered.
 *
 * <p>Only what the backend did is its failure: it refused or reset the connection, broke its
 * response off, answered malformed, or took too long. Whatever the client or the gateway caused (a
 * body that stopped or broke HTTP's framing, a client too slow to send it, a request the proxy
 * cannot encode within its buffer) is reported {@link Outcome#COMPLETED}, without a verdict, and
 * answered as the client's error: otherwise one crafted request would take a healthy backend out
 * for {@code fail_timeout}, and move every persistent session bound to it.
 */
enum ProxyFailure {
  /** The client went away: its response cannot be written. Nothing is answered. */
  CLIENT_GONE(Outcome.COMPLETED, 0),
  /** Reading the client's body failed: a broken chunk, a bad trailer, a body cut short. */
  CLIENT_BODY_MALFORMED(Outcome.COMPLETED, 400),
  /** The client's body did not arrive in time. */
  CLIENT_BODY_TIMEOUT(Outcome.COMPLETED, 408),
  /** The request's head does not fit the proxy's request buffer. */
  REQUEST_HEAD_TOO_LARGE(Outcome.COMPLETED, 431),
  /** The proxy's client refused to encode the request (a value the server accepted, odd bytes). */
  REQUEST_UNSENDABLE(Outcome.COMPLETED, 400),
  /** No connection to the backend could be made: the only failure that may be retried. */
  BACKEND_UNREACHABLE(Outcome.FAILURE, 502),
  /** The backend did not answer in time. */
  BACKEND_TIMEOUT(Outcome.FAILURE, 504),
  /** The backend reset or closed the connection, or its response was malformed. */
  BACKEND_FAILED(Outcome.FAILURE, 502);

  private final Outcome outcome;
  private final int status;

  ProxyFailure(Outcome outcome, int status) {
    this.outcome = outcome;
    this.status = status;
  }

  /** What the attempt is reported as. */
  Outcome outcome() {
    return outcome;
  }

  /** The status the client is answered with, or 0 when nothing can be answered. */
  int status() {
    return status;
  }

  /**
   * Classifies a failed attempt.
   *
   * @param failure what Jetty's client failed the exchange with
   * @param clientGone writing the client's response failed, or it was complete already
   * @param clientBodyFailure what reading the client's body threw, or {@code null}
   * @param bodyPending the request has a body and it was not read to its end
   * @param headWritten the request's head was written to the backend's connection
   */
  static ProxyFailure classify(
      Throwable failure,
      boolean clientGone,
      @Nullable Throwable clientBodyFailure,
      boolean bodyPending,
      boolean headWritten) {
    if (clientGone) {
      return CLIENT_GONE;
    }
    if (clientBodyFailure != null) {
      return ofClientBody(clientBodyFailure);
    }
    if (isConnectFailure(failure)) {
      return BACKEND_UNREACHABLE;
    }
    if (isTimeout(failure)) {
      // A total timeout that ran out while the client was still sending is the client's.
      return bodyPending ? CLIENT_BODY_TIMEOUT : BACKEND_TIMEOUT;
    }
    if (!headWritten && !anyCause(failure, t -> t instanceof IOException)) {
      // Nothing reached the backend and no socket failed: the proxy's own client refused the
      // request (Jetty: IllegalArgumentException "Request headers too large").
      return isHeadTooLarge(failure) ? REQUEST_HEAD_TOO_LARGE : REQUEST_UNSENDABLE;
    }
    return BACKEND_FAILED;
  }

  /** A client body that could not be read at all: the client's error. */
  static ProxyFailure ofClientBody(Throwable failure) {
    return isTimeout(failure) ? CLIENT_BODY_TIMEOUT : CLIENT_BODY_MALFORMED;
  }

  /**
   * Whether the attempt failed before a connection to the backend existed: refused, no route,
   * unresolved, Jetty's {@code "Connect Timeout"} (thrown by its selector when the connect timeout
   * expires), or the JDK client's {@link HttpConnectTimeoutException}.
   */
  static boolean isConnectFailure(Throwable failure) {
    return anyCause(
        failure,
        t ->
            t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof UnresolvedAddressException
                || t instanceof UnknownHostException
                || t instanceof HttpConnectTimeoutException
                || (t instanceof SocketTimeoutException
                    && t.getMessage() != null
                    && t.getMessage().contains("Connect Timeout")));
  }

  private static boolean isTimeout(Throwable failure) {
    return anyCause(
        failure,
        t ->
            t instanceof TimeoutException
                || t instanceof SocketTimeoutException
                || t instanceof HttpTimeoutException);
  }

  private static boolean isHeadTooLarge(Throwable failure) {
    return anyCause(failure, t -> t.getMessage() != null && t.getMessage().contains("too large"));
  }

  /** Whether {@code failure} or one of its first causes passes {@code test}; cycles end. */
  private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
      if (test.test(t)) {
        return true;
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return false;
  }

  private static final int MAX_DEPTH = 16;
}
