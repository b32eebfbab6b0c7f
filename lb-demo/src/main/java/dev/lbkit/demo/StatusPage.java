package dev.lbkit.demo;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Decision;
import dev.lbkit.core.DecisionCounters;
import dev.lbkit.core.LoadBalancer;
import dev.lbkit.core.Router;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.core.UpstreamStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code /lbkit/status} shows: each route and where it goes (an upstream, or a split's members
 * and weights), and each upstream's backends with their state, weight, availability, requests in
 * flight, failures, time until probe, sticky hits and new sessions. As HTML (a plain table that
 * reloads itself every {@value #REFRESH_SECONDS} seconds) or JSON. Everything is read when the page
 * is asked for, from {@link DecisionCounters#status()}.
 */
final class StatusPage {
  static final int REFRESH_SECONDS = 5;

  private final Map<String, Router> routers;
  private final Map<String, DecisionCounters> counters;

  /**
   * @param routers every route's router, by route name, in the file's order
   * @param counters every upstream's decision counters, by upstream name, in the file's order
   */
  StatusPage(Map<String, Router> routers, Map<String, DecisionCounters> counters) {
    this.routers = routers;
    this.counters = counters;
  }

  String html() {
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"")
        .append(REFRESH_SECONDS)
        .append("\"><title>lbkit status</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
        .append("table{border-collapse:collapse;margin-bottom:1.5em}")
        .append("th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}")
        .append("th{background:#f3f3f3}td.l,th.l{text-align:left}")
        .append(".available{color:#080}.draining{color:#a60}.down,.failed,.full{color:#c00}")
        .append("</style></head><body>\n<h1>lbkit status</h1>\n")
        .append("<p>Refreshes every ")
        .append(REFRESH_SECONDS)
        .append(" s. Also as <a href=\"/lbkit/status.json\">JSON</a> and")
        .append(" <a href=\"/lbkit/metrics\">Prometheus metrics</a>.</p>\n");

    h.append("<h2>Routes</h2>\n<table id=\"routes\"><tr><th class=\"l\">route</th>")
        .append("<th class=\"l\">upstream</th><th>weight</th></tr>\n");
    for (Map.Entry<String, Router> route : routers.entrySet()) {
      Router router = route.getValue();
      if (router instanceof TrafficSplit split) {
        for (String member : split.members()) {
          h.append("<tr><td class=\"l\">")
              .append(escape(route.getKey()))
              .append("</td><td class=\"l\">")
              .append(escape(upstreamOf(split.member(member))))
              .append("</td><td>")
              .append(split.weight(member))
              .append("</td></tr>\n");
        }
      } else {
        h.append("<tr><td class=\"l\">")
            .append(escape(route.getKey()))
            .append("</td><td class=\"l\">")
            .append(escape(upstreamOf(router)))
            .append("</td><td></td></tr>\n");
      }
    }
    h.append("</table>\n");

    for (DecisionCounters c : counters.values()) {
      UpstreamStatus s = c.status();
      h.append("<h2 id=\"upstream-")
          .append(escape(s.upstreamName()))
          .append("\">Upstream ")
          .append(escape(s.upstreamName()))
          .append("</h2>\n<p>")
          .append(s.available())
          .append(" of ")
          .append(s.backends().size())
          .append(" backends available; version ")
          .append(s.version())
          .append("; requests without a backend: ")
          .append(
              s.decisions(Decision.Reason.NO_BACKEND)
                  + s.decisions(Decision.Reason.REFUSED_UNAVAILABLE)
                  + s.decisions(Decision.Reason.TRIES_EXHAUSTED))
          .append(".</p>\n<table class=\"backends\"><tr><th class=\"l\">backend</th>")
          .append("<th class=\"l\">address</th><th class=\"l\">state</th><th>weight</th>")
          .append("<th>in flight</th><th>failures</th><th>probe in</th><th>sticky hits</th>")
          .append(
              "<th>new sessions</th><th>balanced</th><th>rebalanced</th><th>failovers</th></tr>\n");
      for (UpstreamStatus.BackendStatus b : s.backends()) {
        String state = lower(b.availability());
        h.append("<tr><td class=\"l\">")
            .append(escape(b.backend().id()))
            .append("</td><td class=\"l\">")
            .append(escape(b.backend().authority()))
            .append("</td><td class=\"l ")
            .append(state)
            .append("\">")
            .append(state)
            .append("</td><td>")
            .append(b.backend().weight())
            .append("</td><td>")
            .append(b.inFlight())
            .append("</td><td>")
            .append(b.failures())
            .append("</td><td>")
            .append(b.untilProbe().isZero() ? "" : b.untilProbe().toMillis() + " ms")
            .append("</td><td>")
            .append(b.decisions(Decision.Reason.STICKY_HIT))
            .append("</td><td>")
            .append(b.decisions(Decision.Reason.NEW_SESSION))
            .append("</td><td>")
            .append(b.decisions(Decision.Reason.BALANCED))
            .append("</td><td>")
            .append(rebalanced(b.decisions()))
            .append("</td><td>")
            .append(b.decisions(Decision.Reason.FAILOVER))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    return h.append("</body></html>\n").toString();
  }

  String json() {
    StringBuilder j = new StringBuilder(4096);
    j.append("{\"routes\":[");
    boolean firstRoute = true;
    for (Map.Entry<String, Router> route : routers.entrySet()) {
      j.append(firstRoute ? "" : ",")
          .append("{\"name\":")
          .append(quote(route.getKey()))
          .append(",\"upstreams\":[");
      firstRoute = false;
      Router router = route.getValue();
      if (router instanceof TrafficSplit split) {
        List<String> members = split.members();
        for (int i = 0; i < members.size(); i++) {
          j.append(i == 0 ? "" : ",")
              .append("{\"upstream\":")
              .append(quote(upstreamOf(split.member(members.get(i)))))
              .append(",\"weight\":")
              .append(split.weight(members.get(i)))
              .append('}');
        }
      } else {
        j.append("{\"upstream\":").append(quote(upstreamOf(router))).append('}');
      }
      j.append("]}");
    }
    j.append("],\"upstreams\":[");
    boolean firstUpstream = true;
    for (DecisionCounters c : counters.values()) {
      UpstreamStatus s = c.status();
      j.append(firstUpstream ? "" : ",")
          .append("{\"name\":")
          .append(quote(s.upstreamName()))
          .append(",\"version\":")
          .append(s.version())
          .append(",\"available\":")
          .append(s.available())
          .append(",\"decisions\":");
      firstUpstream = false;
      decisions(j, s.decisions());
      j.append(",\"backends\":[");
      for (int i = 0; i < s.backends().size(); i++) {
        UpstreamStatus.BackendStatus b = s.backends().get(i);
        Backend backend = b.backend();
        j.append(i == 0 ? "" : ",")
            .append("{\"id\":")
            .append(quote(backend.id()))
            .append(",\"address\":")
            .append(quote(backend.authority()))
            .append(",\"state\":")
            .append(quote(lower(backend.state())))
            .append(",\"availability\":")
            .append(quote(lower(b.availability())))
            .append(",\"weight\":")
            .append(backend.weight())
            .append(",\"inFlight\":")
            .append(b.inFlight())
            .append(",\"failures\":")
            .append(b.failures())
            .append(",\"untilProbeMillis\":")
            .append(b.untilProbe().toMillis())
            .append(",\"stickyHits\":")
            .append(b.decisions(Decision.Reason.STICKY_HIT))
            .append(",\"newSessions\":")
            .append(b.decisions(Decision.Reason.NEW_SESSION))
            .append(",\"decisions\":");
        decisions(j, b.decisions());
        j.append('}');
      }
      j.append("]}");
    }
    return j.append("]}\n").toString();
  }

  private static void decisions(StringBuilder j, Map<Decision.Reason, Long> counts) {
    j.append('{');
    boolean first = true;
    for (Map.Entry<Decision.Reason, Long> e : counts.entrySet()) {
      j.append(first ? "" : ",").append(quote(lower(e.getKey()))).append(':').append(e.getValue());
      first = false;
    }
    j.append('}');
  }

  private static long rebalanced(Map<Decision.Reason, Long> counts) {
    long n = 0;
    for (Map.Entry<Decision.Reason, Long> e : counts.entrySet()) {
      if (e.getKey().isRebalance()) {
        n += e.getValue();
      }
    }
    return n;
  }

  /** The upstream a split member or a route's router picks from (a nested split: its name). */
  private static String upstreamOf(Router router) {
    return router instanceof LoadBalancer lb ? lb.upstream().name() : "(split)";
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
