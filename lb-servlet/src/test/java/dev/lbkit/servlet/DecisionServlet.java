package dev.lbkit.servlet;

import dev.lbkit.core.Decision;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application behind the filter in the container tests: answers {@code backend=ID
 * reason=REASON upstream=NAME} from the filter's decision, with the status {@code ?status=N} asks
 * for (a 502 plays a backend that failed). Depends on the Servlet API only, so that it runs in any
 * container.
 */
final class DecisionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Decision decision = LoadBalancingFilter.decision(request);
    String status = request.getParameter("status");
    response.setStatus(status == null ? 200 : Integer.parseInt(status));
    response.setContentType("text/plain;charset=utf-8");
    response
        .getWriter()
        .print(
            decision == null
                ? "no decision"
                : "backend=" + (decision.backend() == null ? "none" : decision.backend().id())
                    + " reason=" + decision.reason()
                    + " upstream=" + decision.loadBalancer().upstream().name());
  }

  /** The backend id of an answer, or null. */
  static String backend(String body) {
    for (String part : body.split(" ")) {
      if (part.startsWith("backend=")) {
        return part.substring("backend=".length());
      }
    }
    return null;
  }
}
