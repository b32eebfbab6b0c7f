package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.Outcome;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A forwarder of a user's own, as docs/servlet.md shows one: it "forwards" by connecting to the
 * decision's backend, and on a connection failure reports it and retries through the public API.
 * {@code ?mode=library} retries with {@link LoadBalancingFilter#retry}; {@code ?mode=own} calls
 * {@link Decision#retry()} itself and then {@link LoadBalancingFilter#moveSession}; {@code
 * ?mode=commit} does so after committing the response. It answers {@code served-by=ID attempt=N
 * reason=R moved=...}.
 */
final class UserForwarder extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String mode = String.valueOf(request.getParameter("mode"));
    response.setContentType("text/plain;charset=utf-8");
    PrintWriter out = response.getWriter();
    if (mode.equals("commit")) {
      out.print("committed ");
      response.flushBuffer();
    }
    Decision decision = LoadBalancingFilter.decision(request);
    StringBuilder moved = new StringBuilder();
    while (decision != null && decision.hasBackend()) {
      Backend backend = decision.backend();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(backend.host(), backend.port()), 2_000);
      } catch (IOException connectFailed) {
        decision.report(Outcome.FAILURE);
        if (mode.equals("library")) {
          decision = LoadBalancingFilter.retry(request, response);
        } else {
          Decision next = decision.retry();
          moved.append(LoadBalancingFilter.moveSession(request, response, next)).append(',');
          decision = next;
        }
        continue;
      }
      decision.report(Outcome.SUCCESS);
      out.print(
          "served-by="
              + backend.id()
              + " attempt="
              + decision.attempt()
              + " reason="
              + decision.reason()
              + " moved="
              + moved);
      return;
    }
    response.setStatus(502);
    out.print("no backend: " + (decision == null ? "no decision" : decision.reason()));
  }
}
