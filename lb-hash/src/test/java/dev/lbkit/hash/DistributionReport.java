package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the measured balance numbers of docs/hashing.md: for N = 2..200 equal backends b1..bN at
 * 10.0.0.x:8080, the smallest and largest share relative to fair, per method. Run with {@code java
 * -cp ... dev.lbkit.hash.DistributionReport}.
 */
public final class DistributionReport {
  public static void main(String[] args) {
    int from = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int to = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    String[] names = {
      "ring", "ketama", "nginx", "maglev", "ring-w123", "ketama-w123", "nginx-w123", "maglev-w123"
    };
    for (String name : names) {
      boolean weighted = name.endsWith("-w123");
      String method = weighted ? name.substring(0, name.length() - 5) : name;
      double min = Double.MAX_VALUE;
      double max = 0;
      int minN = 0;
      int maxN = 0;
      for (int n = from; n <= to; n++) {
        List<Backend> backends = weighted ? weighted123(n) : backends(n);
        Object ring = build(method, backends);
        double[] rel = Shares.relative(Shares.of(ring, n), backends);
        for (double r : rel) {
          if (r < min) {
            min = r;
            minN = n;
          }
          if (r > max) {
            max = r;
            maxN = n;
          }
        }
      }
      System.out.println(
          String.format(
              Locale.ROOT, "%-12s min %.3f (N=%d) max %.3f (N=%d)", name, min, minN, max, maxN));
    }
  }

  static List<Backend> backends(int n) {
    List<Backend> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(Backend.of("b" + i, "10.0." + (i / 250) + "." + (i % 250 + 1), 8080));
    }
    return list;
  }

  /** Backends b1..bN with weights 1, 2, 3, 1, 2, 3, ... */
  static List<Backend> weighted123(int n) {
    List<Backend> list = backends(n);
    for (int i = 0; i < n; i++) {
      list.set(i, list.get(i).withWeight(1 + i % 3));
    }
    return list;
  }

  static Object build(String name, List<Backend> backends) {
    switch (name) {
      case "ring":
        return Rings.defaultRing().compute(backends);
      case "ketama":
        return Rings.ketama(160, BackendKey.authority()).compute(backends);
      case "nginx":
        return NginxRing.of(backends, 160, BackendKey.authority());
      case "maglev":
        return Rings.maglev(65537, BackendKey.id()).compute(backends);
      default:
        throw new IllegalArgumentException(name);
    }
  }
}
