package dev.lbkit.demo;

import dev.lbkit.cookie.SessionPersistence;
import dev.lbkit.cookie.TokenSecrets;
import dev.lbkit.core.TrafficSplit;
import dev.lbkit.demo.GatewayConfig.BackendRef;
import dev.lbkit.demo.GatewayConfig.HostPort;
import dev.lbkit.demo.GatewayConfig.RouteSpec;
import dev.lbkit.demo.GatewayConfig.UpstreamSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code lb-demo [FILE]}: starts the gateway of a YAML file (by default the cafe walkthroughs built
 * into the jar), prints the {@code curl} lines to try, and runs until Ctrl-C. {@code lb-demo
 * --manifests DIR} does the same for Kubernetes manifests as users apply them ({@link
 * ManifestReader}), with endpoints from {@code --endpoints FILE} or stand-in pods.
 *
 * <p>Exit status: 0 after {@code --help}, {@code --print-default} or {@code --check}; 2 for a bad
 * command line or a bad file (the message names the file, line, field and what is allowed); 1 when
 * the gateway cannot start (a port in use).
 */
public final class Main {
  static final int OK = 0;
  static final int CANNOT_START = 1;
  static final int BAD_CONFIG = 2;

  private static final String USAGE =
      "usage: lb-demo [--check] [FILE]\n"
          + "       lb-demo [--check] --manifests PATH [--manifests PATH ...]\n"
          + "               [--endpoints FILE | --cluster [--kubeconfig FILE] | --demo-backends]\n"
          + "               [--listen HOST:PORT]\n"
          + "               [--token-secret-env VARIABLE]\n"
          + "       lb-demo --print-default\n"
          + "\n"
          + "Starts the lbkit demo gateway described by FILE (YAML; see docs/demo.md), or by the\n"
          + "built-in cafe walkthroughs when no FILE is given, and prints the curl lines to try.\n"
          + "Ctrl-C stops it.\n"
          + "\n"
          + "  --check              read and check, print what it would start, and exit\n"
          + "  --print-default      print the built-in file, to copy and change\n"
          + "  --manifests PATH     Kubernetes manifests as applied (a file, or a directory of\n"
          + "                       *.yaml files): Gateway, HTTPRoute, UpstreamSettingsPolicy,\n"
          + "                       VirtualServer, Ingress, Service, Deployment\n"
          + "  --endpoints FILE     where each Service's pods are (services: {NAME: [HOST:PORT]})\n"
          + "  --cluster            each Service's pods from the cluster's EndpointSlices, followed\n"
          + "                       while the gateway runs (kubeconfig, or the pod's account)\n"
          + "  --kubeconfig FILE    the kubeconfig for --cluster (default: KUBECONFIG, ~/.kube/config)\n"
          + "  --demo-backends      start stand-in pods on 127.0.0.1 instead (the default)\n"
          + "  --listen HOST:PORT   where the gateway of --manifests listens (127.0.0.1:8080)\n"
          + "  --token-secret-env VARIABLE\n"
          + "                       sign the session tokens of --manifests with this secret, so\n"
          + "                       that sessions outlive a restart (default: random per run)\n"
          + "  --help               this text\n";

  /** Where the gateway of {@code --manifests} listens unless told: the guides' curl port. */
  static final String DEFAULT_MANIFEST_LISTEN = "127.0.0.1:8080";

  private Main() {}

  /** Runs the demo until the JVM is told to stop; exits with the status above otherwise. */
  public static void main(String[] args) throws InterruptedException {
    Launch launch = launch(args, System.out, System.err);
    Demo demo = launch.demo();
    if (demo == null) {
      System.exit(launch.status());
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.close();
                  System.out.println("lbkit demo stopped.");
                },
                "lbkit-demo-shutdown"));
    demo.awaitStop();
  }

  /** What {@link #launch} did: a running demo, or the exit status. */
  record Launch(@Nullable Demo demo, int status) {}

  /** Parses the command line and starts the demo, or explains why not; never exits the JVM. */
  static Launch launch(String[] args, PrintStream out, PrintStream err) {
    boolean check = false;
    String file = null;
    List<Path> manifests = new ArrayList<>();
    String endpoints = null;
    boolean cluster = false;
    String kubeconfig = null;
    boolean demoBackends = false;
    String listen = null;
    String secretEnv = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help":
        case "-h":
          out.print(USAGE);
          return new Launch(null, OK);
        case "--print-default":
          out.print(GatewayConfigReader.defaultText());
          return new Launch(null, OK);
        case "--check":
          check = true;
          break;
        case "--demo-backends":
          demoBackends = true;
          break;
        case "--cluster":
          cluster = true;
          break;
        case "--manifests":
        case "--endpoints":
        case "--kubeconfig":
        case "--listen":
        case "--token-secret-env":
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            return badUsage(err, arg + " needs a value");
          }
          String value = args[++i];
          if (arg.equals("--manifests")) {
            manifests.add(Path.of(value));
          } else if (arg.equals("--endpoints") && endpoints == null) {
            endpoints = value;
          } else if (arg.equals("--kubeconfig") && kubeconfig == null) {
            kubeconfig = value;
          } else if (arg.equals("--listen") && listen == null) {
            listen = value;
          } else if (arg.equals("--token-secret-env") && secretEnv == null) {
            secretEnv = value;
          } else {
            return badUsage(err, arg + " given twice");
          }
          break;
        default:
          if (arg.startsWith("-") || file != null) {
            return badUsage(err, "unexpected argument \"" + arg + "\"");
          }
          file = arg;
      }
    }
    if (manifests.isEmpty()
        && (endpoints != null || cluster || demoBackends || listen != null || secretEnv != null)) {
      return badUsage(
          err,
          "--endpoints, --cluster, --demo-backends, --listen and --token-secret-env need"
              + " --manifests");
    }
    if (kubeconfig != null && !cluster) {
      return badUsage(err, "--kubeconfig needs --cluster");
    }
    if (!manifests.isEmpty() && file != null) {
      return badUsage(err, "a gateway file and --manifests together; give one of them");
    }
    if ((endpoints != null ? 1 : 0) + (cluster ? 1 : 0) + (demoBackends ? 1 : 0) > 1) {
      return badUsage(err, "--endpoints, --cluster and --demo-backends are exclusive; give one");
    }

    GatewayConfig config;
    ClusterEndpoints clusterEndpoints = null;
    try {
      if (cluster) {
        clusterEndpoints = ClusterEndpoints.connect(kubeconfig);
        config = readManifests(manifests, clusterEndpoints, listen, secretEnv);
      } else if (!manifests.isEmpty()) {
        config = readManifests(manifests, endpoints, listen, secretEnv);
      } else {
        config =
            file == null
                ? GatewayConfigReader.readDefault()
                : GatewayConfigReader.read(Path.of(file));
      }
    } catch (ConfigException e) {
      if (clusterEndpoints != null) {
        clusterEndpoints.close();
      }
      err.println("lb-demo: " + e.getMessage());
      return new Launch(null, BAD_CONFIG);
    }
    if (check) {
      if (clusterEndpoints != null) {
        clusterEndpoints.close();
      }
      out.println(
          config.source()
              + ": OK, "
              + config.routes().size()
              + " routes, "
              + config.upstreams().size()
              + " upstreams");
      return new Launch(null, OK);
    }

    Demo demo;
    try {
      demo = clusterEndpoints == null ? Demo.start(config) : Demo.start(config, clusterEndpoints);
    } catch (ConfigException e) {
      err.println("lb-demo: " + e.getMessage());
      return new Launch(null, BAD_CONFIG);
    } catch (Exception e) {
      err.println("lb-demo: cannot start: " + describe(e, config));
      return new Launch(null, CANNOT_START);
    }
    out.print(banner(demo));
    out.flush();
    return new Launch(demo, OK);
  }

  private static Launch badUsage(PrintStream err, String problem) {
    err.println("lb-demo: " + problem);
    err.print(USAGE);
    return new Launch(null, BAD_CONFIG);
  }

  /** The gateway of {@code --manifests}: its paths, endpoints, address and token secret. */
  static GatewayConfig readManifests(
      List<Path> paths,
      @Nullable String endpointsFile,
      @Nullable String listen,
      @Nullable String secretEnv) {
    return readManifests(
        paths,
        endpointsFile == null ? new StandInPods() : EndpointsFile.read(Path.of(endpointsFile)),
        listen,
        secretEnv);
  }

  /** The gateway of {@code --manifests} with the pods of {@code endpoints}. */
  static GatewayConfig readManifests(
      List<Path> paths,
      EndpointSource endpoints,
      @Nullable String listen,
      @Nullable String secretEnv) {
    HostPort address =
        GatewayConfigReader.hostPort(
            ConfigNode.argument("--listen", listen == null ? DEFAULT_MANIFEST_LISTEN : listen), 0);
    Sessions.Signing signing = ManifestReader.ephemeralSigning();
    if (secretEnv != null) {
      try {
        signing =
            new Sessions.Signing(
                TokenSecrets.fromEnvironment("--token-secret-env", secretEnv), false);
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = "--token-secret-env: ";
        throw new ConfigException(
            "--token-secret-env",
            0,
            "",
            message.startsWith(prefix) ? message.substring(prefix.length()) : message,
            e);
      }
    }
    StringBuilder source = new StringBuilder();
    for (Path p : paths) {
      source.append(source.length() == 0 ? "" : ", ").append(p);
    }
    return ManifestReader.read(source.toString(), Manifest.load(paths), endpoints, address, signing)
        .config();
  }

  private static String describe(Exception e, GatewayConfig config) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Jetty reports a taken port as an IOException "Failed to bind to ..." around the
      // BindException.
      boolean bind =
          t instanceof BindException
              || (t instanceof IOException && String.valueOf(t.getMessage()).contains("bind"));
      if (bind) {
        String ports =
            config.demoBackends() ? " and the demo backends their ports in " + config.source() : "";
        return "a port is already in use ("
            + t.getMessage()
            + "): is another lb-demo running?"
            + " The gateway wants "
            + config.listen()
            + ports;
      }
    }
    return e.toString();
  }

  /** What the gateway serves and the curl lines to try it, one block per route. */
  /** A Redis URI fit to print: a password in it ({@code redis://:secret@host}) is masked. */
  static String withoutPassword(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    return scheme >= 0 && at > scheme
        ? uri.substring(0, scheme + 3) + "***" + uri.substring(at)
        : uri;
  }

  static String banner(Demo demo) {
    GatewayConfig config = demo.config();
    Gateway gateway = demo.gateway();
    String host =
        gateway.host() == null || gateway.host().equals("0.0.0.0") ? "127.0.0.1" : gateway.host();
    String base =
        "http://" + (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + gateway.port();

    StringBuilder sb = new StringBuilder();
    sb.append("\nlbkit demo gateway on ")
        .append(base)
        .append(" (")
        .append(config.source())
        .append(")\n");
    DemoBackends backends = demo.backends();
    if (backends != null) {
      sb.append("demo backends: ").append(String.join(", ", backends.names())).append('\n');
    }
    if (config.routes().stream().anyMatch(r -> r.tables() != null)) {
      GatewayConfig.RedisSpec redis = config.redis();
      sb.append("session tables: ")
          .append(
              redis == null
                  ? "in this gateway's memory (a top-level redis: shares them between replicas)"
                  : "on " + withoutPassword(redis.uri()) + ", with a near-cache")
          .append('\n');
    }
    sb.append("\nTry:\n");
    for (RouteSpec route : config.routes()) {
      String h = route.hostnames().isEmpty() ? null : route.hostnames().get(0).replace("*", "www");
      String hostHeader = h == null ? "" : " -H 'Host: " + h + "'";
      String url = base + route.path().value();
      SessionPersistence session = route.session();

      sb.append("\n  # ")
          .append(route.name())
          .append(": ")
          .append(route.path())
          .append(" -> ")
          .append(describeUpstreams(config, route));
      GatewayConfig.TableSessions tables = route.tables();
      if (session != null) {
        sb.append(", ").append(describe(session));
      } else if (tables != null) {
        sb.append(", ").append(tables.describe());
      }
      sb.append('\n');

      if (route.splits()) {
        sb.append("  for i in $(seq 20); do curl -s")
            .append(hostHeader)
            .append(' ')
            .append(url)
            .append(" | grep '^Server name'; done | sort | uniq -c   # new sessions by weight\n");
      }
      String same = route.splits() ? "same upstream and backend" : "same backend";
      if (tables != null) {
        tryTables(sb, tables, route.name(), hostHeader, url);
      } else if (session == null) {
        sb.append("  curl -s").append(hostHeader).append(' ').append(url).append('\n');
        if (config.trustedProxies() != null && hashesClientAddress(config, route)) {
          sb.append("  curl -s")
              .append(hostHeader)
              .append(" -H 'X-Forwarded-For: 203.0.113.7' ")
              .append(url)
              .append("   # another client\n");
        }
      } else if (session.type() == SessionPersistence.Type.COOKIE) {
        String jar = "/tmp/lbkit-" + route.name() + ".txt";
        sb.append("  curl -si -c ")
            .append(jar)
            .append(hostHeader)
            .append(' ')
            .append(url)
            .append("   # Set-Cookie: ")
            .append(session.name())
            .append("=...\n");
        sb.append("  curl -s -b ")
            .append(jar)
            .append(hostHeader)
            .append(' ')
            .append(url)
            .append("   # ")
            .append(same)
            .append(" every time\n");
      } else {
        sb.append("  curl -si")
            .append(hostHeader)
            .append(' ')
            .append(url)
            .append(" | grep -i '^")
            .append(session.name())
            .append(":'\n");
        sb.append("  curl -s")
            .append(hostHeader)
            .append(" -H '")
            .append(session.name())
            .append(": <value from above>' ")
            .append(url)
            .append("   # ")
            .append(same)
            .append(" every time\n");
      }
    }
    sb.append("\nCtrl-C stops the gateway and the demo backends.\n");
    return sb.toString();
  }

  /**
   * The lines for a route with a session table: a cookie jar for learned sessions (the backend sets
   * the cookie), a header for a stick table on one ({@code $http_x_user} becomes {@code X-User}).
   */
  private static void tryTables(
      StringBuilder sb,
      GatewayConfig.TableSessions tables,
      String route,
      String hostHeader,
      String url) {
    String stickOn = tables.stickOn();
    if (stickOn == null) {
      String jar = "/tmp/lbkit-" + route + ".txt";
      sb.append("  curl -si -c ")
          .append(jar)
          .append(hostHeader)
          .append(' ')
          .append(url)
          .append("   # the backend's Set-Cookie, learned by the gateway\n");
      sb.append("  curl -s -b ")
          .append(jar)
          .append(hostHeader)
          .append(' ')
          .append(url)
          .append("   # same backend every time\n");
    } else if (stickOn.startsWith("$http_")) {
      StringBuilder header = new StringBuilder();
      for (String part : stickOn.substring("$http_".length()).split("_", -1)) {
        if (header.length() > 0) {
          header.append('-');
        }
        if (!part.isEmpty()) {
          header.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
      }
      for (String user : List.of("alice", "bob")) {
        sb.append("  curl -s")
            .append(hostHeader)
            .append(" -H '")
            .append(header)
            .append(": ")
            .append(user)
            .append("' ")
            .append(url)
            .append("   # the backend first chosen for ")
            .append(user)
            .append(", every time\n");
      }
    } else {
      sb.append("  curl -s").append(hostHeader).append(' ').append(url).append('\n');
    }
  }

  /**
   * {@code coffee, ip_hash}; for a split, each upstream with its weight: {@code espresso-v1 (weight
   * 90, round_robin), espresso-v2 (weight 10, round_robin)}.
   */
  private static String describeUpstreams(GatewayConfig config, RouteSpec route) {
    if (!route.splits()) {
      UpstreamSpec upstream = config.upstream(route.backendRefs().get(0).upstream());
      return upstream.name() + ", " + upstream.method();
    }
    StringBuilder sb = new StringBuilder();
    for (BackendRef ref : route.backendRefs()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(ref.upstream())
          .append(" (weight ")
          .append(ref.weight())
          .append(", ")
          .append(config.upstream(ref.upstream()).method())
          .append(')');
    }
    if (route.canaryBehavior() == TrafficSplit.CanaryBehavior.LEGACY) {
      sb.append(", legacy canary behavior");
    }
    return sb.toString();
  }

  private static boolean hashesClientAddress(GatewayConfig config, RouteSpec route) {
    for (BackendRef ref : route.backendRefs()) {
      String method = config.upstream(ref.upstream()).method().directive();
      if (method.equals("ip_hash")
          || method.contains("$remote_addr")
          || method.contains("$binary_remote_addr")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(SessionPersistence s) {
    return String.format(
        Locale.ROOT,
        "%s session %s (%s mode)",
        s.type() == SessionPersistence.Type.COOKIE ? "cookie" : "header",
        s.name(),
        s.mode().toString().toLowerCase(Locale.ROOT));
  }
}
