package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.IpAddress;
import dev.lbkit.core.RequestContext;
import dev.lbkit.core.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Prints the disruption numbers of docs/hashing.md: the share of 100,000 keys (or clients) that
 * change backend when one of N equal backends is removed or one is added, per method, and how long
 * building each ring takes for 1,000 backends (a rough single-shot timing for the docs; the JMH
 * numbers are in docs/benchmarks.md). Run with {@code java -cp ...
 * dev.lbkit.hash.DisruptionReport}.
 */
public final class DisruptionReport {
  private static final int KEYS = 100_000;

  public static void main(String[] args) {
    KeyExtractor key = KeyExtractor.header("K");
    HashOptions byAuthority = HashOptions.builder().backendKey(BackendKey.authority()).build();
    List<String> names = List.of("ip_hash", "hash", "hash consistent", "ketama", "ring", "maglev");
    List<Supplier<Selector>> factories =
        List.of(
            HashSelectors::ipHash,
            () -> HashSelectors.hash(key),
            () -> HashSelectors.hashConsistent(key, byAuthority),
            () -> HashSelectors.ketama(key, byAuthority),
            () -> HashSelectors.ring(key),
            () -> HashSelectors.maglev(key));
    Random random = new Random(1);
    List<RequestContext> requests = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      byte[] address = new byte[4];
      random.nextBytes(address);
      String k = Long.toHexString(random.nextLong());
      requests.add(
          RequestContext.builder()
              .clientAddress(IpAddress.ofBytes(address))
              .headers(name -> name.equals("K") ? k : null)
              .build());
    }
    for (int n : new int[] {10, 100}) {
      System.out.println(
          "N = "
              + n
              + ": moved on removal of one backend / on addition of one (fair share "
              + String.format(Locale.ROOT, "%.1f%% / %.1f%%", 100.0 / n, 100.0 / (n + 1))
              + ")");
      List<Backend> base = DistributionReport.backends(n);
      List<Backend> removed = new ArrayList<>(base);
      removed.remove(n / 2);
      List<Backend> added = DistributionReport.backends(n + 1);
      for (int m = 0; m < names.size(); m++) {
        String[] before = owners(factories.get(m).get(), base, requests);
        String[] afterRemoval = owners(factories.get(m).get(), removed, requests);
        String[] afterAddition = owners(factories.get(m).get(), added, requests);
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (String owner : before) {
          counts.merge(owner, 1, Integer::sum);
        }
        double fair = (double) KEYS / n;
        int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.println(
            String.format(
                Locale.ROOT,
                "  %-16s moved %6.2f%% %6.2f%%   sampled share min %.2f max %.2f of fair",
                names.get(m),
                moved(before, afterRemoval),
                moved(before, afterAddition),
                min / fair,
                max / fair));
      }
    }
    List<Backend> thousand = DistributionReport.backends(1000);
    for (int round = 0; round < Integer.getInteger("rounds", 3); round++) {
      System.out.println(
          String.format(
              Locale.ROOT,
              "build 1000 x 160 (round %d): ring %.1f ms, ketama %.1f ms, nginx %.1f ms, maglev(65537) %.1f ms",
              round,
              time(() -> Rings.defaultRing().compute(thousand)),
              time(() -> Rings.ketama(160, BackendKey.authority()).compute(thousand)),
              time(() -> NginxRing.of(thousand, 160, BackendKey.authority())),
              time(() -> Rings.maglev(65537, BackendKey.id()).compute(thousand))));
    }
  }

  private static double time(Runnable r) {
    long start = System.nanoTime();
    r.run();
    return (System.nanoTime() - start) / 1e6;
  }

  private static String[] owners(
      Selector selector, List<Backend> backends, List<RequestContext> requests) {
    Fixture f = Fixture.of(selector, backends);
    String[] owners = new String[requests.size()];
    for (int i = 0; i < owners.length; i++) {
      owners[i] = f.pick(requests.get(i));
    }
    return owners;
  }

  private static double moved(String[] a, String[] b) {
    int moved = 0;
    for (int i = 0; i < a.length; i++) {
      moved += a[i].equals(b[i]) ? 0 : 1;
    }
    return 100.0 * moved / a.length;
  }
}
