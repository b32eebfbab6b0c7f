package dev.lbkit.demo;

import dev.lbkit.config.GatewayApiConfig;
import dev.lbkit.config.GatewayFabricConfig;
import dev.lbkit.config.IngressNginxConfig;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VoyagerConfig;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.core.Backend;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.HostPort;
import dev.lbkit.demo.GatewayConfig.PathMatch;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Kubernetes manifests, as users apply them, into the same {@link GatewayConfig} a gateway
 * file gives, so that {@link Demo#start} runs them unchanged. Each kind is read with the lb-config
 * reader of the product that owns it:
 *
 * <ul>
 *   <li>{@code HTTPRoute} (hostnames, path matches, weighted {@code backendRefs}, rule-level {@code
 *       sessionPersistence}). Under a {@code Gateway} of class {@code nginx} it is read as NGINX
 *       Gateway Fabric does ({@link GatewayFabricConfig}: {@code sticky cookie}, default method
 *       {@code random two least_conn}); otherwise as the Gateway API's Envoy-based gateways such as
 *       kgateway do ({@link GatewayApiConfig}, round robin).
 *   <li>{@code UpstreamSettingsPolicy}: the {@code loadBalancingMethod} of the Services it targets.
 *   <li>{@code VirtualServer} (NGINX Ingress Controller): host, upstreams with {@code lb-method}
 *       and {@code sessionCookie}, routes with {@code action.pass} or {@code splits}.
 *   <li>{@code Ingress} of {@code networking.k8s.io}: ingress-nginx's affinity and load-balancing
 *       annotations; {@code Ingress} of {@code voyager.appscode.com}: {@code sticky-session} on the
 *       Ingress or on the backend's {@code Service}.
 *   <li>{@code Service}: ports (a route's port must be one of them), selector and annotations;
 *       {@code Deployment}: how many stand-in pods its Service gets.
 * </ul>
 *
 * <p>Every other kind is ignored, one INFO line per kind. A field the demo cannot honour (a header
 * match, a regular-expression path, a canary Ingress) is an error rather than silently dropped.
 */
final class ManifestReader {
  private static final Logger logger = LoggerFactory.getLogger(ManifestReader.class);

  private static final String GATEWAY_API = "gateway.networking.k8s.io";
  private static final String GATEWAY_FABRIC = "gateway.nginx.org";
  private static final String NGINX_INGRESS = "k8s.nginx.org";
  private static final String VOYAGER = "voyager.appscode.com";
  private static final Set<String> INGRESS_GROUPS = Set.of("networking.k8s.io", "extensions");
  // NGINX Gateway Fabric's GatewayClass, as its install creates it.
  private static final String NGINX_GATEWAY_CLASS = "nginx";
  // nginx's passive health defaults: max_fails=1 fail_timeout=10s.
  private static final int MAX_FAILS = 1;
  private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_TRIES = 3;

  /**
   * The gateway the manifests describe, and what the reader left out.
   *
   * @param config the gateway, ready for {@link Demo#start}
   * @param ignored one line per kind that was not read ({@code ignoring 2 ConfigMap (v1)})
   * @param warnings what was read differently from what the manifests seem to ask
   */
  record Result(GatewayConfig config, List<String> ignored, List<String> warnings) {
    Result {
      ignored = List.copyOf(ignored);
      warnings = List.copyOf(warnings);
    }
  }

  private final String source;
  private final EndpointSource endpoints;
  private final Sessions.Signing signing;

  private final Map<String, Manifest> services = new HashMap<>();
  private final List<Manifest> deployments = new ArrayList<>();
  private final Map<String, Manifest> gateways = new HashMap<>();
  private final Map<String, LoadBalancingMethod> policyMethods = new HashMap<>();
  private final Map<String, Manifest> policyOf = new HashMap<>();
  private final Map<String, Integer> ignoredKinds = new LinkedHashMap<>();
  private final Map<String, String> ignoredBecause = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  private final Map<String, UpstreamSpec> upstreams = new LinkedHashMap<>();
  private final Map<String, String> upstreamByKey = new HashMap<>();
  private final List<RouteSpec> routes = new ArrayList<>();
  private final Set<String> routeNames = new HashSet<>();

  private ManifestReader(String source, EndpointSource endpoints, Sessions.Signing signing) {
    this.source = source;
    this.endpoints = endpoints;
    this.signing = signing;
  }

  /**
   * Reads {@code manifests} into a gateway that listens on {@code listen}, sending to the endpoints
   * {@code endpoints} knows, signing session tokens with {@code signing}; logs what it ignored
   * (INFO) and its warnings (WARN).
   *
   * @param source what the banner calls the manifests ({@code manifests/})
   * @throws ConfigException naming the file, line and field of the first thing that cannot be used
   */
  static Result read(
      String source,
      List<Manifest> manifests,
      EndpointSource endpoints,
      HostPort listen,
      Sessions.Signing signing) {
    ManifestReader reader = new ManifestReader(source, endpoints, signing);
    Result result = reader.translate(manifests, listen);
    for (String line : result.ignored()) {
      logger.info("{}", line);
    }
    for (String line : result.warnings()) {
      logger.warn("{}", line);
    }
    return result;
  }

  /**
   * Token secrets for one run: random, so sessions do not survive a restart of the demo (give
   * {@code --token-secret-env} to keep them).
   */
  static Sessions.Signing ephemeralSigning() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new Sessions.Signing(List.of(Base64.getEncoder().encodeToString(secret)), false);
  }

  private Result translate(List<Manifest> manifests, HostPort listen) {
    // First what routes refer to, wherever it is in the files; then the routes, in file order.
    for (Manifest m : manifests) {
      if (m.group().isEmpty() && m.kind().equals("Service")) {
        put(services, m);
      } else if (m.group().equals("apps") && m.kind().equals("Deployment")) {
        if (endpoints.startsDemoBackends()) {
          deployments.add(m);
        } else {
          ignore(m, "the pods are those of " + endpoints.describe());
        }
      } else if (m.group().equals(GATEWAY_API) && m.kind().equals("Gateway")) {
        put(gateways, m);
      } else if (m.group().equals(GATEWAY_FABRIC) && m.kind().equals("UpstreamSettingsPolicy")) {
        upstreamSettingsPolicy(m);
      }
    }
    for (Manifest m : manifests) {
      if (m.group().equals(GATEWAY_API) && m.kind().equals("HTTPRoute")) {
        httpRoute(m);
      } else if (m.group().equals(NGINX_INGRESS) && m.kind().equals("VirtualServer")) {
        virtualServer(m);
      } else if (INGRESS_GROUPS.contains(m.group()) && m.kind().equals("Ingress")) {
        ingressNginx(m);
      } else if (m.group().equals(VOYAGER) && m.kind().equals("Ingress")) {
        voyager(m);
      } else if (!isIndexed(m)) {
        ignore(
            m,
            "the demo reads Gateway, HTTPRoute, UpstreamSettingsPolicy, VirtualServer, Ingress,"
                + " Service and Deployment");
      }
    }
    if (routes.isEmpty()) {
      throw new ConfigException(
          source,
          0,
          "",
          "no routes (expected: an HTTPRoute, Ingress or VirtualServer that routes HTTP to a"
              + " Service)");
    }
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, Integer> e : ignoredKinds.entrySet()) {
      ignored.add(
          String.format(
              Locale.ROOT,
              "ignoring %d %s: %s",
              e.getValue(),
              e.getKey(),
              ignoredBecause.get(e.getKey())));
    }
    GatewayConfig config =
        new GatewayConfig(
            source + " (endpoints: " + endpoints.describe() + ")",
            listen,
            signing.secrets(),
            signing.insecureUnsignedTokens(),
            null,
            endpoints.startsDemoBackends(),
            new ArrayList<>(upstreams.values()),
            routes);
    return new Result(config, ignored, warnings);
  }

  private boolean isIndexed(Manifest m) {
    return (m.group().isEmpty() && m.kind().equals("Service"))
        || (m.group().equals("apps") && m.kind().equals("Deployment"))
        || (m.group().equals(GATEWAY_API) && m.kind().equals("Gateway"))
        || (m.group().equals(GATEWAY_FABRIC) && m.kind().equals("UpstreamSettingsPolicy"));
  }

  private void ignore(Manifest m, String because) {
    String kind = m.kind() + " (" + m.apiVersion() + ")";
    ignoredKinds.merge(kind, 1, Integer::sum);
    ignoredBecause.putIfAbsent(kind, because);
  }

  private static void put(Map<String, Manifest> index, Manifest m) {
    Manifest previous = index.putIfAbsent(m.key(), m);
    if (previous != null) {
      throw m.metadata()
          .get("name")
          .error(
              "%s is defined twice, here and in %s:%s (expected: one object per name)",
              m, previous.root().file(), previous.root().line());
    }
  }

  // ---- NGINX Gateway Fabric: UpstreamSettingsPolicy ----

  private void upstreamSettingsPolicy(Manifest m) {
    ConfigNode spec = m.spec();
    Map<String, Object> plain = Sessions.plainMapping(spec);
    LoadBalancingMethod method =
        Sessions.read(spec, "spec", () -> GatewayFabricConfig.upstreamSettings(plain));
    for (ConfigNode ref : spec.get("targetRefs").elements()) {
      String kind = ref.get("kind").text("Service");
      String group = ref.get("group").isMissing() ? "" : ref.get("group").text();
      if (!kind.equals("Service") || !(group.isEmpty() || group.equals("core"))) {
        throw ref.error(
            "a %s of group \"%s\" (expected: kind Service, group core or \"\")", kind, group);
      }
      String target = m.namespace() + '/' + ref.require("name").text();
      Manifest previous = policyOf.putIfAbsent(target, m);
      if (previous != null) {
        throw ref.get("name")
            .error(
                "Service %s already has the UpstreamSettingsPolicy %s (expected: one policy per"
                    + " Service)",
                target, previous.name());
      }
      policyMethods.put(target, method);
    }
  }

  // ---- Gateway API: HTTPRoute ----

  private void httpRoute(Manifest m) {
    ConfigNode spec = m.spec();
    Manifest gateway = null;
    String section = null;
    for (ConfigNode parent : spec.get("parentRefs").elements()) {
      ConfigNode ns = parent.get("namespace");
      // A namespace that is not a plain name (a template placeholder) cannot name a Gateway here.
      String namespace = ns.isMissing() || ns.isMapping() ? m.namespace() : ns.text();
      Manifest g = gateways.get(namespace + '/' + parent.require("name").text());
      if (g != null && gateway == null) {
        gateway = g;
        section = parent.get("sectionName").isMissing() ? null : parent.get("sectionName").text();
      }
    }
    boolean fabric =
        gateway != null
            && NGINX_GATEWAY_CLASS.equals(gateway.spec().get("gatewayClassName").text(""));

    List<String> hostnames = new ArrayList<>();
    for (ConfigNode h : spec.get("hostnames").elements()) {
      hostnames.add(GatewayConfigReader.hostname(h));
    }
    if (hostnames.isEmpty() && gateway != null) {
      hostnames.addAll(listenerHostnames(gateway, section));
    }

    List<ConfigNode> rules = spec.get("rules").elements();
    if (rules.isEmpty()) {
      // The Gateway API's default: one rule for everything; without backendRefs, nowhere to go.
      throw spec.get("rules").error("no rules (expected: rules with backendRefs)");
    }
    for (int r = 0; r < rules.size(); r++) {
      ConfigNode rule = rules.get(r);
      Map<String, Object> plain = Sessions.plainMapping(rule);
      List<GatewayApiConfig.BackendRef> refs =
          Sessions.read(rule, "rule", () -> GatewayApiConfig.backendRefs(plain));
      if (refs.isEmpty()) {
        throw rule.get("backendRefs").error("none (expected: at least one backendRef)");
      }
      List<ConfigNode> refNodes = rule.get("backendRefs").elements();
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (int i = 0; i < refs.size(); i++) {
        GatewayApiConfig.BackendRef ref = refs.get(i);
        ConfigNode refNode = refNodes.get(i);
        String kind = refNode.get("kind").text("Service");
        if (!kind.equals("Service")) {
          throw refNode.get("kind").error("\"%s\" (expected: Service)", kind);
        }
        if (ref.port() == null) {
          throw refNode.get("port").error("missing (expected: the Service port, such as 80)");
        }
        String namespace = ref.namespace() == null ? m.namespace() : ref.namespace();
        LoadBalancingMethod method = policyMethods.get(namespace + '/' + ref.name());
        if (method == null) {
          method =
              fabric
                  ? GatewayFabricConfig.loadBalancingMethod(
                      GatewayFabricConfig.DEFAULT_METHOD, null)
                  : LoadBalancingMethod.roundRobin();
        }
        String upstream =
            upstream(
                refNode.get("name"),
                refNode.get("port"),
                namespace,
                ref.name(),
                ref.port(),
                method);
        weights.merge(upstream, ref.weight(), Integer::sum);
      }
      List<BackendRef> backendRefs = new ArrayList<>();
      weights.forEach((upstream, weight) -> backendRefs.add(new BackendRef(upstream, weight)));

      SessionPersistence parsed =
          Sessions.read(
              rule,
              "rule",
              () ->
                  fabric
                      ? GatewayFabricConfig.ruleSessionPersistence(plain)
                      : GatewayApiConfig.ruleSessionPersistence(plain));

      List<ConfigNode> matches = rule.get("matches").elements();
      int count = Math.max(1, matches.size());
      for (int i = 0; i < count; i++) {
        PathMatch path = new PathMatch(PathMatch.Type.PathPrefix, "/");
        if (!matches.isEmpty()) {
          ConfigNode match = matches.get(i);
          for (String unsupported : List.of("headers", "queryParams", "method")) {
            if (!match.get(unsupported).isMissing()) {
              throw match
                  .get(unsupported)
                  .error(
                      "a %s match (not supported by the demo gateway; expected: path matches"
                          + " only)",
                      unsupported);
            }
          }
          if (!match.get("path").isMissing()) {
            path = GatewayConfigReader.pathMatch(match.get("path"));
          }
        }
        String name =
            routeName(m.name() + (rules.size() > 1 ? "-" + r : "") + (count > 1 ? "-" + i : ""));
        SessionPersistence session =
            parsed == null
                ? null
                : Sessions.withRouteSettings(rule.get("sessionPersistence"), parsed, name, signing);
        routes.add(
            new RouteSpec(
                name,
                hostnames,
                path,
                backendRefs,
                session,
                TrafficSplit.CanaryBehavior.STICKY,
                MAX_TRIES));
      }
    }
  }

  private static List<String> listenerHostnames(Manifest gateway, @Nullable String section) {
    List<String> out = new ArrayList<>();
    for (ConfigNode listener : gateway.spec().get("listeners").elements()) {
      boolean selected = section == null || section.equals(listener.get("name").text(""));
      if (selected && !listener.get("hostname").isMissing()) {
        String host = GatewayConfigReader.hostname(listener.get("hostname"));
        if (!out.contains(host)) {
          out.add(host);
        }
      } else if (selected) {
        return List.of(); // a listener for any host: the route matches any host
      }
    }
    return out;
  }

  // ---- NGINX Ingress Controller: VirtualServer ----

  private record VirtualServerUpstream(
      VirtualServerConfig.UpstreamSettings settings, String upstream) {}

  private void virtualServer(Manifest m) {
    ConfigNode spec = m.spec();
    String host = GatewayConfigReader.hostname(spec.require("host"));
    Map<String, VirtualServerUpstream> byName = new LinkedHashMap<>();
    for (ConfigNode u : spec.get("upstreams").elements()) {
      Map<String, Object> plain = Sessions.plainMapping(u);
      String label = "upstream " + u.get("name").text("");
      VirtualServerConfig.UpstreamSettings settings =
          Sessions.read(u, label, () -> VirtualServerConfig.upstream(plain));
      ConfigNode portNode = u.require("port");
      int port = portNode.integer(0, 1, 65535);
      String upstream =
          upstream(
              u.require("service"),
              portNode,
              m.namespace(),
              u.require("service").text(),
              port,
              settings.method());
      if (byName.putIfAbsent(settings.name(), new VirtualServerUpstream(settings, upstream))
          != null) {
        throw u.get("name")
            .error("\"%s\" is used twice (expected: unique upstream names)", settings.name());
      }
    }
    List<ConfigNode> vsRoutes = spec.get("routes").elements();
    for (ConfigNode route : vsRoutes) {
      for (String unsupported : List.of("matches", "route", "errorPages")) {
        if (!route.get(unsupported).isMissing()) {
          throw route
              .get(unsupported)
              .error("not supported by the demo gateway (expected: action.pass or splits)");
        }
      }
      ConfigNode pathNode = route.require("path");
      String value = pathNode.text();
      PathMatch path;
      if (value.startsWith("~")) {
        throw pathNode.error(
            "%s (not supported by the demo gateway: a regular expression; expected: a prefix"
                + " such as /tea, or =/tea for an exact match)",
            pathNode.quoted());
      } else if (value.startsWith("=")) {
        path = GatewayConfigReader.pathMatch(PathMatch.Type.Exact, value.substring(1), pathNode);
      } else {
        path = GatewayConfigReader.pathMatch(PathMatch.Type.PathPrefix, value, pathNode);
      }

      List<BackendRef> refs = new ArrayList<>();
      SessionPersistence parsed = null;
      ConfigNode sessionAt = route;
      List<ConfigNode> splits = route.get("splits").elements();
      List<ConfigNode> actions = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      if (splits.isEmpty()) {
        actions.add(route.require("action"));
        weights.add(1);
      } else {
        for (ConfigNode split : splits) {
          actions.add(split.require("action"));
          weights.add(split.require("weight").integer(0, 0, 100));
        }
      }
      for (int i = 0; i < actions.size(); i++) {
        ConfigNode action = actions.get(i);
        ConfigNode pass = action.get("pass");
        if (pass.isMissing()) {
          pass = action.get("proxy").get("upstream");
        }
        if (pass.isMissing()) {
          throw action.error(
              "%s (expected: pass: UPSTREAM or proxy.upstream; redirect and return are not"
                  + " supported by the demo gateway)",
              action.quoted());
        }
        VirtualServerUpstream target = byName.get(pass.text());
        if (target == null) {
          throw pass.error(
              "%s (expected: one of the upstreams: %s)",
              pass.quoted(), ConfigNode.orList(new ArrayList<>(byName.keySet())));
        }
        SessionPersistence session = target.settings().sessionPersistence();
        if (i == 0) {
          parsed = session;
        } else if (!Objects.equals(parsed, session)) {
          throw pass.error(
              "%s has another sessionCookie than %s (expected: the same sessionCookie on every"
                  + " upstream of a split, since the demo keeps one session per route)",
              pass.quoted(), actions.get(0).get("pass").quoted());
        }
        refs.add(new BackendRef(target.upstream(), weights.get(i)));
      }
      String name = routeName(m.name() + (value.equals("/") ? "" : "-" + slug(value)));
      SessionPersistence session =
          parsed == null ? null : Sessions.withRouteSettings(sessionAt, parsed, name, signing);
      routes.add(
          new RouteSpec(
              name,
              List.of(host),
              path,
              refs,
              session,
              TrafficSplit.CanaryBehavior.STICKY,
              MAX_TRIES));
    }
  }

  // ---- ingress-nginx: Ingress ----

  private void ingressNginx(Manifest m) {
    ConfigNode spec = m.spec();
    Map<String, String> annotations = m.annotations();
    ConfigNode annotationsNode = m.metadata().get("annotations");
    List<IngressPath> paths = ingressPaths(m, spec, false);
    for (IngressPath p : paths) {
      String upstreamName = m.namespace() + '-' + p.service() + '-' + p.port();
      IngressNginxConfig parsed =
          Sessions.read(
              annotationsNode,
              "",
              () ->
                  IngressNginxConfig.fromAnnotations(annotations, p.path().value(), upstreamName));
      if (parsed.canary()) {
        throw annotationsNode.error(
            "a canary Ingress (not supported by the demo gateway yet; expected: an Ingress"
                + " without the canary annotations)");
      }
      String upstream =
          upstream(
              p.serviceNode(), p.portNode(), m.namespace(), p.service(), p.port(), parsed.method());
      String name = routeName(m.name() + (paths.size() > 1 ? "-" + p.slug() : ""));
      SessionPersistence session =
          parsed.sessionPersistence() == null
              ? null
              : Sessions.withRouteSettings(
                  annotationsNode, parsed.sessionPersistence(), name, signing);
      routes.add(
          new RouteSpec(
              name,
              p.hostnames(),
              p.path(),
              List.of(new BackendRef(upstream, 1)),
              session,
              parsed.canaryBehavior(),
              MAX_TRIES));
    }
  }

  // ---- Voyager: Ingress ----

  private void voyager(Manifest m) {
    ConfigNode spec = m.spec();
    Map<String, String> annotations = m.annotations();
    ConfigNode metadata = m.metadata();
    if (!metadata.get("annotation").isMissing()) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "%s:%d: %s: metadata.annotation is not a Kubernetes field (did you mean"
                  + " annotations?): ignored, as the API server drops it, so its settings do not"
                  + " apply",
              metadata.file(),
              metadata.get("annotation").line(),
              m));
    }
    for (ConfigNode rule : spec.get("rules").elements()) {
      if (!rule.get("tcp").isMissing()) {
        ConfigNode tcp = rule.get("tcp");
        warnings.add(
            String.format(
                Locale.ROOT,
                "%s:%d: %s: the TCP rule on port %s is ignored (the demo gateway serves HTTP"
                    + " only)",
                tcp.file(),
                tcp.line(),
                m,
                tcp.get("port").isMissing() ? "?" : tcp.get("port").text()));
      }
    }
    List<IngressPath> paths = ingressPaths(m, spec, true);
    for (IngressPath p : paths) {
      Manifest service = services.get(m.namespace() + '/' + p.service());
      Map<String, String> serviceAnnotations = service == null ? Map.of() : service.annotations();
      ConfigNode at = service == null ? metadata : service.metadata();
      SessionPersistence parsed =
          Sessions.read(
              at, "", () -> VoyagerConfig.sessionPersistence(annotations, serviceAnnotations));
      String upstream =
          upstream(
              p.serviceNode(),
              p.portNode(),
              m.namespace(),
              p.service(),
              p.port(),
              LoadBalancingMethod.roundRobin());
      String name = routeName(m.name() + (paths.size() > 1 ? "-" + p.slug() : ""));
      SessionPersistence session =
          parsed == null ? null : Sessions.withRouteSettings(at, parsed, name, signing);
      routes.add(
          new RouteSpec(
              name,
              p.hostnames(),
              p.path(),
              List.of(new BackendRef(upstream, 1)),
              session,
              TrafficSplit.CanaryBehavior.STICKY,
              MAX_TRIES));
    }
  }

  /** One HTTP path of an Ingress rule (or its default backend), resolved to a Service port. */
  private record IngressPath(
      List<String> hostnames,
      PathMatch path,
      String service,
      int port,
      ConfigNode serviceNode,
      ConfigNode portNode) {
    String slug() {
      return ManifestReader.slug((hostnames.isEmpty() ? "" : hostnames.get(0)) + path.value());
    }
  }

  /**
   * The HTTP paths of an Ingress: {@code networking.k8s.io/v1} ({@code backend.service.name},
   * {@code port.number} or {@code port.name}), {@code extensions/v1beta1} and Voyager ({@code
   * backend.serviceName}, {@code servicePort}), and the default backend.
   */
  private List<IngressPath> ingressPaths(Manifest m, ConfigNode spec, boolean voyager) {
    List<IngressPath> out = new ArrayList<>();
    for (ConfigNode rule : spec.get("rules").elements()) {
      if (rule.get("http").isMissing()) {
        continue; // Voyager's tcp rules, warned about above
      }
      List<String> hostnames =
          rule.get("host").isMissing()
              ? List.of()
              : List.of(GatewayConfigReader.hostname(rule.get("host")));
      for (ConfigNode p : rule.get("http").get("paths").elements()) {
        ConfigNode pathNode = p.get("path");
        String pathType = voyager ? "Prefix" : p.get("pathType").text("ImplementationSpecific");
        PathMatch.Type type;
        switch (pathType) {
          case "Exact":
            type = PathMatch.Type.Exact;
            break;
          case "Prefix":
          case "ImplementationSpecific":
            // ingress-nginx reads ImplementationSpecific as a prefix (without use-regex).
            type = PathMatch.Type.PathPrefix;
            break;
          default:
            throw p.get("pathType")
                .error(
                    "%s (expected: Exact, Prefix or ImplementationSpecific)",
                    p.get("pathType").quoted());
        }
        PathMatch path = GatewayConfigReader.pathMatch(type, pathNode.text("/"), pathNode);
        out.add(ingressBackend(m, hostnames, path, p.require("backend")));
      }
    }
    ConfigNode defaultBackend = spec.get("defaultBackend");
    if (defaultBackend.isMissing()) {
      defaultBackend = spec.get("backend");
    }
    if (!defaultBackend.isMissing()) {
      out.add(
          ingressBackend(
              m, List.of(), new PathMatch(PathMatch.Type.PathPrefix, "/"), defaultBackend));
    }
    if (out.isEmpty()) {
      throw spec.error("no HTTP paths (expected: rules[].http.paths or defaultBackend)");
    }
    return out;
  }

  private IngressPath ingressBackend(
      Manifest m, List<String> hostnames, PathMatch path, ConfigNode backend) {
    ConfigNode serviceNode;
    ConfigNode portNode;
    boolean byName;
    if (!backend.get("service").isMissing()) {
      serviceNode = backend.get("service").require("name");
      ConfigNode port = backend.get("service").require("port");
      byName = port.get("number").isMissing();
      portNode = byName ? port.require("name") : port.get("number");
    } else if (!backend.get("serviceName").isMissing()) {
      serviceNode = backend.get("serviceName");
      portNode = backend.require("servicePort");
      byName = !portNode.text().chars().allMatch(Character::isDigit);
    } else {
      throw backend.error(
          "%s (expected: service.name and service.port, or serviceName and servicePort; a"
              + " resource backend is not supported by the demo gateway)",
          backend.quoted());
    }
    String service = serviceNode.text();
    int port =
        byName
            ? servicePortByName(m.namespace(), service, portNode)
            : portNode.integer(0, 1, 65535);
    return new IngressPath(hostnames, path, service, port, serviceNode, portNode);
  }

  private int servicePortByName(String namespace, String service, ConfigNode portNode) {
    Manifest s = services.get(namespace + '/' + service);
    String name = portNode.text();
    if (s != null) {
      for (ConfigNode p : s.spec().get("ports").elements()) {
        if (name.equals(p.get("name").text(""))) {
          return p.require("port").integer(0, 1, 65535);
        }
      }
    }
    throw portNode.error(
        "%s (expected: the name of a port of the Service %s/%s in the manifests)",
        portNode.quoted(), namespace, service);
  }

  // ---- Services, endpoints and upstreams ----

  /**
   * The upstream for a Service port balanced by {@code method}: one per distinct combination, so
   * that routes to the same Service with the same method share its backends' health.
   */
  private String upstream(
      ConfigNode serviceNode,
      ConfigNode portNode,
      String namespace,
      String service,
      int port,
      LoadBalancingMethod method) {
    String key = namespace + '/' + service + ':' + port + ' ' + method.directive();
    String existing = upstreamByKey.get(key);
    if (existing != null) {
      return existing;
    }
    Manifest serviceManifest = services.get(namespace + '/' + service);
    int replicas = 0;
    if (serviceManifest != null) {
      checkPort(serviceManifest, port, portNode);
      replicas = replicas(serviceManifest);
    }
    EndpointSource.ServicePort servicePort =
        new EndpointSource.ServicePort(namespace, service, port, replicas);
    List<Backend> backends = endpoints.endpoints(servicePort);
    if (backends == null) {
      throw serviceNode.error(
          "%s (expected: a Service of %s: %s)",
          serviceNode.quoted(),
          endpoints.describe(),
          ConfigNode.orList(new ArrayList<>(endpoints.knownServices())));
    }
    String name = service;
    for (int n = 2; upstreams.containsKey(name); n++) {
      name = service + '-' + port + (n > 2 ? "-" + (n - 1) : "");
    }
    upstreams.put(
        name, new UpstreamSpec(name, method, backends, MAX_FAILS, FAIL_TIMEOUT, servicePort));
    upstreamByKey.put(key, name);
    return name;
  }

  private static void checkPort(Manifest service, int port, ConfigNode portNode) {
    List<String> ports = new ArrayList<>();
    for (ConfigNode p : service.spec().get("ports").elements()) {
      int number = p.require("port").integer(0, 1, 65535);
      if (number == port) {
        return;
      }
      ports.add(String.valueOf(number));
    }
    throw portNode.error(
        "%s (expected: a port of %s: %s)",
        portNode.quoted(), service, ports.isEmpty() ? "none" : ConfigNode.orList(ports));
  }

  /**
   * How many pods a Deployment of the manifests runs for the Service: the Service's selector
   * matches the Deployment's pod template labels. 0 when none does.
   */
  private int replicas(Manifest service) {
    Map<String, ConfigNode> selector = service.spec().get("selector").fields();
    if (selector.isEmpty()) {
      return 0;
    }
    int replicas = 0;
    for (Manifest d : deployments) {
      if (!d.namespace().equals(service.namespace())) {
        continue;
      }
      Map<String, ConfigNode> labels =
          d.spec().get("template").get("metadata").get("labels").fields();
      boolean selects = true;
      for (Map.Entry<String, ConfigNode> e : selector.entrySet()) {
        ConfigNode label = labels.get(e.getKey());
        selects &= label != null && Objects.equals(label.plain(), e.getValue().plain());
      }
      if (selects) {
        // Kubernetes' default is one replica.
        replicas += d.spec().get("replicas").integer(1, 0, 1_000);
      }
    }
    return replicas;
  }

  private String routeName(String base) {
    String name = base;
    for (int n = 2; !routeNames.add(name); n++) {
      name = base + '-' + n;
    }
    return name;
  }

  /** {@code /tea} and {@code foo.bar.com/} as {@code tea} and {@code foo-bar-com}. */
  static String slug(String text) {
    String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "root" : s;
  }
}
