package dev.lbkit.demo;

import dev.lbkit.config.Durations;
import dev.lbkit.config.LoadBalancingMethod;
import dev.lbkit.config.NginxConfig;
import dev.lbkit.cookie.LearnedSessions;
import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.SessionStore;
import dev.lbkit.cookie.TokenSecrets;
import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import dev.lbkit.core.Cidr;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.HostPort;
import dev.lbkit.demo.GatewayConfig.PathMatch;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import dev.lbkit.demo.GatewayConfig.TrustedProxies;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import dev.lbkit.hash.KeyExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads a gateway file and checks everything that can be checked without starting anything, so that
 * a bad file stops the gateway before it binds a port, with an error that names the file, the line,
 * the field, the value and what is allowed.
 */
final class GatewayConfigReader {
  /** The file in the jar that reproduces the cafe walkthroughs. */
  static final String DEFAULT_RESOURCE = "cafe.yaml";

  private static final List<String> TOP_LEVEL =
      List.of(
          "listen",
          "tokenSecrets",
          "tokenSecretEnv",
          "tokenSecretFile",
          "insecureUnsignedTokens",
          "trustedProxies",
          "demoBackends",
          "redis",
          "upstreams",
          "routes");
  private static final List<String> TRUSTED_PROXY_FIELDS =
      List.of("addresses", "header", "recursive");
  private static final List<String> TRUSTED_PROXY_HEADERS =
      List.of("X-Forwarded-For", "X-Real-IP", "Forwarded");
  private static final List<String> UPSTREAM_FIELDS =
      List.of("name", "method", "key", "maxFails", "failTimeout", "backends");
  private static final List<String> BACKEND_FIELDS =
      List.of("name", "address", "weight", "state", "route", "maxConnections");
  private static final List<String> ROUTE_FIELDS =
      List.of(
          "name",
          "hostnames",
          "path",
          "backendRefs",
          "sessionPersistence",
          "annotations",
          "stickyLearn",
          "stickTable",
          "onUnavailable",
          "maxTries");
  private static final List<String> STICK_TABLE_FIELDS = List.of("on", "expire");
  private static final List<String> REDIS_FIELDS = List.of("uri", "timeout");
  private static final List<String> ON_UNAVAILABLE = List.of("rebalance", "refuse");
  private static final List<String> PATH_FIELDS = List.of("type", "value");
  private static final List<String> BACKEND_REF_FIELDS = List.of("name", "weight");
  private static final List<String> STATES = List.of("UP", "DRAINING", "DOWN");
  private static final List<String> PATH_TYPES = List.of("Exact", "PathPrefix");

  // An RFC 1123 host name, optionally with a leading "*." as the Gateway API allows.
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$");
  // RFC 3986 path characters; no query, fragment, wildcard or regex.
  private static final Pattern PATH = Pattern.compile("^/[A-Za-z0-9\\-._~!$&'()+,;=:@%/]*$");

  private GatewayConfigReader() {}

  /** Reads the file at {@code path}; errors name it as given. */
  static GatewayConfig read(Path path) {
    String name = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(name, 0, "", "no such file (expected: a YAML gateway file)");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(name, reader);
    } catch (IOException e) {
      throw new ConfigException(name, 0, "", "cannot be read: " + e.getMessage(), e);
    }
  }

  /** Reads the default file from the jar. */
  static GatewayConfig readDefault() {
    InputStream in = GatewayConfigReader.class.getResourceAsStream(DEFAULT_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("the jar has no " + DEFAULT_RESOURCE);
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return read("classpath:" + DEFAULT_RESOURCE, reader);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /** The default file's text, as shipped. */
  static String defaultText() {
    try (InputStream in = GatewayConfigReader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + DEFAULT_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /** Reads YAML text; {@code name} is what errors call the file. */
  static GatewayConfig read(String name, String text) {
    return read(name, new StringReader(text));
  }

  static GatewayConfig read(String name, Reader reader) {
    return parse(ConfigNode.root(name, compose(name, reader)));
  }

  /** The YAML node tree of one document; {@code null} for an empty file. */
  static @Nullable Node compose(String name, Reader reader) {
    try {
      return yaml().compose(reader);
    } catch (YAMLException e) {
      throw notYaml(name, e);
    }
  }

  /**
   * The node trees of every document of a multi-document file ({@code ---} between them), in order;
   * empty documents are left out.
   */
  static List<Node> composeAll(String name, Reader reader) {
    List<Node> documents = new ArrayList<>();
    try {
      for (Node document : yaml().composeAll(reader)) {
        if (document != null) {
          documents.add(document);
        }
      }
    } catch (YAMLException e) {
      throw notYaml(name, e);
    }
    return documents;
  }

  // SafeConstructor: no tag in a file makes the parser instantiate anything.
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(1 << 20);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
  }

  private static ConfigException notYaml(String name, YAMLException error) {
    if (error instanceof MarkedYAMLException) {
      MarkedYAMLException e = (MarkedYAMLException) error;
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      return new ConfigException(name, line, "", "not valid YAML: " + problem, e);
    }
    return new ConfigException(name, 0, "", "not valid YAML: " + error.getMessage(), error);
  }

  private static GatewayConfig parse(ConfigNode root) {
    if (root.isMissing()) {
      throw root.error(
          "the file is empty (expected: a mapping with %s)", String.join(", ", TOP_LEVEL));
    }
    root.checkMapping(TOP_LEVEL.toArray(new String[0]));

    HostPort listen = hostPort(root.require("listen"), 0);
    Sessions.Signing secrets = signing(root);
    TrustedProxies trusted = trustedProxies(root.get("trustedProxies"));
    boolean demoBackends = root.get("demoBackends").bool(false);

    List<UpstreamSpec> upstreams = new ArrayList<>();
    Map<String, UpstreamSpec> byName = new HashMap<>();
    ConfigNode upstreamList = root.require("upstreams");
    for (ConfigNode u : upstreamList.elements()) {
      UpstreamSpec spec = upstream(u);
      if (byName.putIfAbsent(spec.name(), spec) != null) {
        throw u.get("name")
            .error("\"%s\" is used twice (expected: unique upstream names)", spec.name());
      }
      upstreams.add(spec);
    }
    if (upstreams.isEmpty()) {
      throw upstreamList.error("an empty list (expected: at least one upstream)");
    }
    if (demoBackends) {
      checkDemoBackends(upstreamList, upstreams);
    }

    List<RouteSpec> routes = new ArrayList<>();
    Set<String> routeNames = new HashSet<>();
    ConfigNode routeList = root.require("routes");
    for (ConfigNode r : routeList.elements()) {
      RouteSpec route = route(r, byName, secrets);
      if (!routeNames.add(route.name())) {
        throw r.get("name")
            .error("\"%s\" is used twice (expected: unique route names)", route.name());
      }
      for (RouteSpec other : routes) {
        if (other.path().equals(route.path()) && sharesHost(other.hostnames(), route.hostnames())) {
          throw r.get("path")
              .error(
                  "%s for the same host as route %s (expected: one route per host and path)",
                  route.path(), other.name());
        }
      }
      routes.add(route);
    }
    if (routes.isEmpty()) {
      throw routeList.error("an empty list (expected: at least one route)");
    }
    return new GatewayConfig(
        root.file(),
        listen,
        secrets.secrets(),
        secrets.insecureUnsignedTokens(),
        trusted,
        demoBackends,
        upstreams,
        routes,
        redis(root.get("redis")));
  }

  /** {@code redis: {uri: redis://host:port, timeout: 50ms}}, or none. */
  private static GatewayConfig.@Nullable RedisSpec redis(ConfigNode node) {
    if (node.isMissing()) {
      return null;
    }
    node.checkMapping(REDIS_FIELDS.toArray(new String[0]));
    ConfigNode uri = node.require("uri");
    String text = uri.text();
    if (!text.startsWith("redis://") && !text.startsWith("rediss://")) {
      throw uri.error("%s (expected: redis://host:port or rediss://host:port)", uri.quoted());
    }
    ConfigNode timeoutNode = node.get("timeout");
    Duration timeout = Duration.ofMillis(50);
    if (!timeoutNode.isMissing()) {
      try {
        timeout = Durations.parseNginxTime(timeoutNode.text());
      } catch (IllegalArgumentException e) {
        throw timeoutNode.error(e);
      }
      if (timeout.isZero()) {
        throw timeoutNode.error("%s (expected: more than 0, such as 50ms)", timeoutNode.quoted());
      }
    }
    return new GatewayConfig.RedisSpec(text, timeout);
  }

  /**
   * The token secrets, from exactly one of {@code tokenSecrets} (in the file), {@code
   * tokenSecretEnv} (an environment variable) or {@code tokenSecretFile} (a file, such as a mounted
   * Kubernetes Secret), or {@code insecureUnsignedTokens: true} instead.
   */
  private static Sessions.Signing signing(ConfigNode root) {
    List<ConfigNode> given = new ArrayList<>();
    for (String key : List.of("tokenSecrets", "tokenSecretEnv", "tokenSecretFile")) {
      if (!root.get(key).isMissing()) {
        given.add(root.get(key));
      }
    }
    ConfigNode insecureNode = root.get("insecureUnsignedTokens");
    boolean insecure = insecureNode.bool(false);
    if (given.size() > 1) {
      throw given
          .get(1)
          .error(
              "set together with %s (expected: one of tokenSecrets, tokenSecretEnv,"
                  + " tokenSecretFile)",
              given.get(0).path());
    }
    if (given.isEmpty()) {
      return new Sessions.Signing(List.of(), insecure);
    }
    ConfigNode node = given.get(0);
    if (insecure) {
      throw insecureNode.error(
          "true together with %s (expected: token secrets or unsigned tokens, not both)",
          node.path());
    }
    List<String> secrets;
    if (node.path().equals("tokenSecrets")) {
      secrets = secrets(node);
    } else {
      String value = node.text();
      try {
        secrets =
            node.path().equals("tokenSecretEnv")
                ? TokenSecrets.fromEnvironment(node.path(), value)
                : TokenSecrets.fromFile(node.path(), Path.of(value));
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = node.path() + ": ";
        throw node.error(
            "%s", message.startsWith(prefix) ? message.substring(prefix.length()) : message);
      }
    }
    return new Sessions.Signing(secrets, false);
  }

  private static List<String> secrets(ConfigNode node) {
    List<String> secrets = node.texts();
    for (int i = 0; i < secrets.size(); i++) {
      if (secrets.get(i).length() < 16) {
        ConfigNode at = node.isSequence() ? node.elements().get(i) : node;
        throw at.error(
            "a secret of %s characters (expected: at least 16, so that tokens cannot be forged"
                + " by guessing it)",
            secrets.get(i).length());
      }
    }
    return secrets;
  }

  private static @Nullable TrustedProxies trustedProxies(ConfigNode node) {
    if (node.isMissing()) {
      return null;
    }
    node.checkMapping(TRUSTED_PROXY_FIELDS.toArray(new String[0]));
    ConfigNode addresses = node.require("addresses");
    List<String> cidrs = addresses.texts();
    List<ConfigNode> elements = addresses.isSequence() ? addresses.elements() : List.of(addresses);
    for (int i = 0; i < cidrs.size(); i++) {
      try {
        Cidr.parse(cidrs.get(i));
      } catch (IllegalArgumentException e) {
        throw elements.get(i).error(e);
      }
    }
    String header = node.get("header").oneOf("X-Forwarded-For", TRUSTED_PROXY_HEADERS);
    boolean recursive = node.get("recursive").bool(false);
    return new TrustedProxies(cidrs, header, recursive);
  }

  private static UpstreamSpec upstream(ConfigNode u) {
    u.checkMapping(UPSTREAM_FIELDS.toArray(new String[0]));
    String name = u.require("name").text();
    LoadBalancingMethod method = method(u);
    int maxFails = u.get("maxFails").integer(1, 0, 1_000);
    Duration failTimeout = nginxSeconds(u.get("failTimeout"), Duration.ofSeconds(10));

    List<Backend> backends = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ConfigNode b : u.require("backends").elements()) {
      Backend backend = backend(b);
      if (!ids.add(backend.id())) {
        throw b.get("name")
            .error(
                "\"%s\" is used twice in upstream %s (expected: unique backend names)",
                backend.id(), name);
      }
      backends.add(backend);
    }
    return new UpstreamSpec(name, method, backends, maxFails, failTimeout);
  }

  /**
   * The upstream's {@code method} and {@code key}, read by lb-cookie; its error names the field
   * first ({@code method: } or {@code key: }), which becomes the file's line and field.
   */
  private static LoadBalancingMethod method(ConfigNode u) {
    ConfigNode methodNode = u.get("method");
    ConfigNode keyNode = u.get("key");
    try {
      return LoadBalancingMethod.of(
          methodNode.text("round_robin"), keyNode.isMissing() ? null : keyNode.text());
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      boolean aboutKey = message.startsWith("key: ");
      ConfigNode at = aboutKey ? keyNode : methodNode;
      String problem = message.substring(message.indexOf(": ") + 2);
      throw new ConfigException(u.file(), at.line(), at.path(), problem, e);
    }
  }

  private static Backend backend(ConfigNode b) {
    b.checkMapping(BACKEND_FIELDS.toArray(new String[0]));
    ConfigNode nameNode = b.require("name");
    ConfigNode addressNode = b.require("address");
    HostPort address = hostPort(addressNode, 1);
    Backend backend;
    try {
      backend = Backend.of(nameNode.text(), address.host(), address.port());
    } catch (IllegalArgumentException e) {
      throw nameNode.error(e);
    }
    ConfigNode weight = b.get("weight");
    backend = backend.withWeight(weight.integer(1, 1, Backend.MAX_WEIGHT));
    ConfigNode state = b.get("state");
    String stateName = state.text("UP").toUpperCase(Locale.ROOT);
    if (!STATES.contains(stateName)) {
      throw state.error("%s (expected: %s)", state.quoted(), ConfigNode.orList(STATES));
    }
    backend = backend.withState(BackendState.valueOf(stateName));
    ConfigNode route = b.get("route");
    if (!route.isMissing()) {
      try {
        backend = backend.withRoute(route.text());
      } catch (IllegalArgumentException e) {
        throw route.error(e);
      }
    }
    return backend.withMaxConnections(b.get("maxConnections").integer(0, 0, 1_000_000));
  }

  private static void checkDemoBackends(ConfigNode upstreamList, List<UpstreamSpec> upstreams) {
    Map<String, String> nameByAddress = new HashMap<>();
    List<ConfigNode> nodes = upstreamList.elements();
    for (int u = 0; u < upstreams.size(); u++) {
      List<ConfigNode> backendNodes = nodes.get(u).require("backends").elements();
      List<Backend> backends = upstreams.get(u).backends();
      for (int i = 0; i < backends.size(); i++) {
        Backend b = backends.get(i);
        ConfigNode address = backendNodes.get(i).get("address");
        if (!isLoopback(b.host())) {
          throw address.error(
              "%s (expected: a loopback address such as 127.0.0.1:PORT, because demoBackends"
                  + " starts a local server for every backend)",
              address.quoted());
        }
        String previous = nameByAddress.putIfAbsent(b.authority(), b.id());
        if (previous != null && !previous.equals(b.id())) {
          throw address.error(
              "%s is already backend %s (expected: one name per demo server address)",
              address.quoted(), previous);
        }
      }
    }
  }

  private static RouteSpec route(
      ConfigNode r, Map<String, UpstreamSpec> upstreams, Sessions.Signing secrets) {
    r.checkMapping(ROUTE_FIELDS.toArray(new String[0]));
    String name = r.require("name").text();

    List<String> hostnames = new ArrayList<>();
    ConfigNode hostNode = r.get("hostnames");
    List<ConfigNode> hostNodes = hostNode.isSequence() ? hostNode.elements() : List.of(hostNode);
    for (ConfigNode h : hostNodes) {
      if (h.isMissing()) {
        continue;
      }
      hostnames.add(hostname(h));
    }

    PathMatch path = pathMatch(r.require("path"));

    List<BackendRef> refs = new ArrayList<>();
    ConfigNode refList = r.require("backendRefs");
    for (ConfigNode ref : refList.elements()) {
      String upstream;
      int weight = 1;
      if (ref.isMapping()) {
        ref.checkMapping(BACKEND_REF_FIELDS.toArray(new String[0]));
        upstream = ref.require("name").text();
        // The Gateway API's backendRef weight: 0..1,000,000, 1 when not given.
        weight = ref.get("weight").integer(1, 0, TrafficSplit.MAX_WEIGHT);
      } else {
        upstream = ref.text();
      }
      ConfigNode at = ref.isMapping() ? ref.get("name") : ref;
      if (!upstreams.containsKey(upstream)) {
        throw at.error(
            "\"%s\" (expected: the name of an upstream: %s)",
            upstream, ConfigNode.orList(new ArrayList<>(upstreams.keySet())));
      }
      for (BackendRef other : refs) {
        if (other.upstream().equals(upstream)) {
          throw at.error(
              "\"%s\" is listed twice (expected: each upstream once, with its weight)", upstream);
        }
      }
      refs.add(new BackendRef(upstream, weight));
    }
    if (refs.isEmpty()) {
      throw refList.error("an empty list (expected: at least one upstream)");
    }
    if (refs.size() > TrafficSplit.MAX_MEMBERS) {
      throw refList.error(
          "%s upstreams (expected: at most %s)", refs.size(), TrafficSplit.MAX_MEMBERS);
    }

    ConfigNode persistence = r.get("sessionPersistence");
    ConfigNode annotations = r.get("annotations");
    SessionPersistence session = null;
    TrafficSplit.CanaryBehavior canaryBehavior = TrafficSplit.CanaryBehavior.STICKY;
    if (!persistence.isMissing() && !annotations.isMissing()) {
      throw annotations.error(
          "given with sessionPersistence (expected: one of sessionPersistence, Gateway API"
              + " fields, or annotations, ingress-nginx affinity)");
    }
    if (!persistence.isMissing()) {
      session = Sessions.gatewayApi(persistence, path, name, secrets);
    } else if (!annotations.isMissing()) {
      Sessions.Ingress ingress = Sessions.ingressNginx(annotations, path, name, secrets);
      session = ingress.session();
      canaryBehavior = ingress.canaryBehavior();
    }
    GatewayConfig.TableSessions tables = tables(r, refs, session != null);
    ConfigNode onUnavailable = r.get("onUnavailable");
    if (!onUnavailable.isMissing()) {
      if (session == null && tables == null) {
        throw onUnavailable.error(
            "given without session persistence (expected: sessionPersistence, affinity"
                + " annotations, stickyLearn or stickTable on the same route)");
      }
      SessionPersistence.OnUnavailable mode =
          onUnavailable.oneOf("rebalance", ON_UNAVAILABLE).equals("refuse")
              ? SessionPersistence.OnUnavailable.STRICT
              : SessionPersistence.OnUnavailable.REBALANCE;
      if (tables != null) {
        tables = tables.withOnUnavailable(mode);
      } else if (session != null) {
        session = session.toBuilder().onUnavailable(mode).build();
      }
    }
    int maxTries = r.get("maxTries").integer(3, 1, 20);
    return new RouteSpec(name, hostnames, path, refs, session, canaryBehavior, maxTries, tables);
  }

  /**
   * A route's server-side sessions: {@code stickyLearn} (an NGINX Plus {@code sticky learn} line)
   * or {@code stickTable: {on: $key, expire: 30m}} (HAProxy {@code stick on}), or none. They take
   * the place of token sessions, and need a route to one upstream: a table binds a key to a backend
   * id, which would say nothing about which upstream of a split the session belongs to.
   */
  private static GatewayConfig.@Nullable TableSessions tables(
      ConfigNode r, List<BackendRef> refs, boolean hasTokenSessions) {
    ConfigNode learn = r.get("stickyLearn");
    ConfigNode stick = r.get("stickTable");
    if (learn.isMissing() && stick.isMissing()) {
      return null;
    }
    ConfigNode given = learn.isMissing() ? stick : learn;
    if (!learn.isMissing() && !stick.isMissing()) {
      throw stick.error("given with stickyLearn (expected: one of stickyLearn, stickTable)");
    }
    if (hasTokenSessions) {
      throw given.error(
          "given with token sessions (expected: one of sessionPersistence, annotations,"
              + " stickyLearn, stickTable)");
    }
    if (refs.size() > 1) {
      throw given.error(
          "on a route to %s upstreams (expected: a route to one upstream; a split keeps its"
              + " sessions with sessionPersistence)",
          refs.size());
    }
    SessionPersistence.OnUnavailable rebalance = SessionPersistence.OnUnavailable.REBALANCE;
    if (!learn.isMissing()) {
      String line = learn.text();
      try {
        // Checked now, against a throwaway store: the gateway builds it again on its own.
        NginxConfig.parseStickyLearn(line, SessionStore.inMemory(1)).toAffinity();
      } catch (IllegalArgumentException e) {
        throw learn.error(e);
      }
      return new GatewayConfig.TableSessions(
          line, null, null, LearnedSessions.DEFAULT_TIMEOUT, rebalance);
    }
    stick.checkMapping(STICK_TABLE_FIELDS.toArray(new String[0]));
    ConfigNode on = stick.require("on");
    KeyExtractor key;
    try {
      key = NginxConfig.parseKey(on.path(), on.text());
    } catch (IllegalArgumentException e) {
      throw on.error(e);
    }
    Duration expire = nginxSeconds(stick.get("expire"), Duration.ofMinutes(10));
    if (expire.isZero()) {
      throw stick.get("expire").error("%s (expected: more than 0)", stick.get("expire").quoted());
    }
    return new GatewayConfig.TableSessions(null, on.text(), key, expire, rebalance);
  }

  /** A Gateway API path match: {@code type} (Exact or PathPrefix) and {@code value}. */
  static PathMatch pathMatch(ConfigNode node) {
    node.checkMapping(PATH_FIELDS.toArray(new String[0]));
    // The Gateway API's defaults: PathPrefix, "/".
    PathMatch.Type type = PathMatch.Type.valueOf(node.get("type").oneOf("PathPrefix", PATH_TYPES));
    ConfigNode valueNode = node.get("value");
    return pathMatch(type, valueNode.text("/"), valueNode);
  }

  /** A path match of {@code type} on {@code value}, which {@code valueNode} holds. */
  static PathMatch pathMatch(PathMatch.Type type, String value, ConfigNode valueNode) {
    if (!PATH.matcher(value).matches() || value.contains("//")) {
      throw valueNode.error(
          "%s (expected: an absolute path such as /coffee, without query, wildcard or regex)",
          valueNode.quoted());
    }
    if (type == PathMatch.Type.PathPrefix && value.length() > 1 && value.endsWith("/")) {
      // The Gateway API compares whole path elements: "/coffee/" and "/coffee" match the same.
      value = value.substring(0, value.length() - 1);
    }
    return new PathMatch(type, value);
  }

  /**
   * A host name as routes match it, lower-cased: {@code cafe.example.com}, {@code *.example.com}.
   */
  static String hostname(ConfigNode h) {
    String host = h.text().toLowerCase(Locale.ROOT);
    if (!HOSTNAME.matcher(host).matches() || host.length() > 253) {
      throw h.error(
          "%s (expected: a DNS name such as cafe.example.com, or *.example.com; no port or"
              + " address)",
          h.quoted());
    }
    return host;
  }

  /** {@code host:port} or {@code [v6]:port}; {@code minPort} 0 allows an ephemeral port. */
  static HostPort hostPort(ConfigNode node, int minPort) {
    String text = node.text();
    String expected =
        String.format(
            Locale.ROOT, "host:port such as 127.0.0.1:8080, [::1]:8080; port %s..65535", minPort);
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw node.error("%s (expected: %s)", node.quoted(), expected);
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw node.error("%s (expected: %s)", node.quoted(), expected);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (host.isEmpty() || p < minPort || p > 65535) {
      throw node.error("%s (expected: %s)", node.quoted(), expected);
    }
    return new HostPort(host, p);
  }

  /** An nginx time in seconds, as {@code fail_timeout=} takes it ({@code 10s}, {@code 1m30s}). */
  static Duration nginxSeconds(ConfigNode node, Duration defaultValue) {
    if (node.isMissing()) {
      return defaultValue;
    }
    try {
      return Durations.parseNginxSeconds(node.text());
    } catch (IllegalArgumentException e) {
      throw node.error(e);
    }
  }

  private static boolean sharesHost(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    for (String host : a) {
      if (b.contains(host)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || host.equals("::1");
  }
}
