package dev.lbkit.servlet;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Decision;
import dev.lbkit.core.PoolSnapshot;
import dev.lbkit.core.Upstream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The application behind the filter in the container tests: answers {@code backend=ID reason=REASON
 * upstream=NAME} from the filter's decision, with the status {@code ?status=N} asks for (a 502
 * plays a backend that failed). Depends on the Servlet API only, so that it runs in any container.
 */
final class DecisionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String admin = request.getParameter("admin");
    if (admin != null) {
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().print(admin(admin, request));
      return;
    }
    Decision decision = LoadBalancingFilter.decision(request);
    String status = request.getParameter("status");
    response.setStatus(status == null ? 200 : Integer.parseInt(status));
    response.setContentType("text/plain;charset=utf-8");
    response
        .getWriter()
        .print(
            decision == null
                ? "no decision"
                : "backend="
                    + (decision.backend() == null ? "none" : decision.backend().id())
                    + " reason="
                    + decision.reason()
                    + " upstream="
                    + decision.loadBalancer().upstream().name());
  }

  /**
   * Runtime changes as a web.xml application's admin page would make them, through {@link
   * LoadBalancingFilter#upstreams(jakarta.servlet.ServletContext)}: {@code ?admin=list}, {@code
   * ?admin=state&backend=ID&value=DRAINING}, {@code ?admin=weight&backend=ID&value=3}, {@code
   * ?admin=remove&backend=ID}; {@code &filter=NAME} (default {@code tea}).
   */
  private String admin(String op, HttpServletRequest request) {
    String filter = request.getParameter("filter") == null ? "tea" : request.getParameter("filter");
    String backend = request.getParameter("backend");
    String value = request.getParameter("value");
    if (op.equals("list")) {
      StringBuilder out = new StringBuilder();
      for (Map.Entry<String, List<Upstream>> entry :
          LoadBalancingFilter.upstreams(getServletContext()).entrySet()) {
        out.append(entry.getKey()).append('=');
        for (Upstream upstream : entry.getValue()) {
          PoolSnapshot pool = upstream.snapshot();
          out.append(upstream.name()).append('(');
          for (int i = 0; i < pool.size(); i++) {
            Backend b = pool.backend(i);
            out.append(i == 0 ? "" : ",")
                .append(b.id())
                .append(' ')
                .append(b.state())
                .append(" w")
                .append(b.weight());
          }
          out.append(')');
        }
        out.append(';');
      }
      return out.toString();
    }
    Upstream upstream = LoadBalancingFilter.upstream(getServletContext(), filter);
    if (upstream == null) {
      return "no filter " + filter;
    }
    switch (op) {
      case "state":
        return "changed=" + upstream.setState(backend, BackendState.valueOf(value));
      case "weight":
        return "changed=" + upstream.setWeight(backend, Integer.parseInt(value));
      case "remove":
        return "changed=" + upstream.remove(backend);
      default:
        return "unknown " + op;
    }
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
