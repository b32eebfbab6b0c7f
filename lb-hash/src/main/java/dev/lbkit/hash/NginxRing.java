package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.Eligibility;
import dev.lbkit.core.Precomputation;
import dev.lbkit.core.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32;

/**
 * nginx's {@code hash $key consistent} continuum, reproduced from {@code
 * ngx_http_upstream_init_chash} (compatible with Perl's Cache::Memcached::Fast).
 *
 * <ul>
 *   <li>The server string as written in the config ({@code 127.0.0.1:9001}) is split into host and
 *       port at the last colon followed only by digits; a {@code unix:} prefix makes the rest the
 *       host with no port.
 *   <li>Each server gets {@code weight x 160} points: point {@code j} is {@code crc32(host "\0"
 *       port prev)}, where {@code prev} is point {@code j - 1} as four little-endian bytes (zero
 *       for the first).
 *   <li>The points are sorted and duplicates dropped, keeping the first in configuration order
 *       (nginx sorts with glibc's {@code qsort}, a stable merge sort for arrays of this size).
 * </ul>
 *
 * <p>Servers with the same string (nginx: one name that resolves to several addresses) share their
 * points; a point then stands for the group, and a pick takes the group's members in smooth
 * weighted round-robin order, as nginx does among the peers of one server string.
 */
final class NginxRing {
  /** Points with the sign bit flipped (see {@link IntPointRing#flip}), sorted, distinct. */
  private final int[] points;

  /**
   * owners[p]: the backend owning point p when its server string is one backend's (the usual case,
   * answered from this array alone), else {@code -1 - g} for group g.
   */
  private final int[] owners;

  /** Where each bucket of the key space starts (see {@link PointIndex}), and its shift. */
  private final int[] bucketStarts;

  private final int bucketShift;

  /** groupMembers[g]: backend indexes of group g in smooth weighted round-robin order. */
  private final int[][] groupMembers;

  /** A round-robin cursor per group; only groups of more than one member use theirs. */
  private final AtomicLongArray cursors;

  private NginxRing(int[] points, int[] pointGroups, int[][] groupMembers) {
    this.points = points;
    int bits = PointIndex.bitsFor(points.length);
    this.bucketStarts = PointIndex.ofFlipped(points, bits);
    this.bucketShift = 32 - bits;
    this.owners = new int[pointGroups.length];
    for (int p = 0; p < owners.length; p++) {
      int[] group = groupMembers[pointGroups[p]];
      owners[p] = group.length == 1 ? group[0] : -1 - pointGroups[p];
    }
    this.groupMembers = groupMembers;
    this.cursors = new AtomicLongArray(groupMembers.length);
  }

  static Precomputation<NginxRing> precomputation(int pointsPerWeight, BackendKey key) {
    return new Builder(pointsPerWeight, Objects.requireNonNull(key, "key"));
  }

  /**
   * The ring's precomputation: equal parameters share one ring per snapshot (and its cursors for
   * points that several servers share, as nginx shares one upstream's state between workers).
   */
  private record Builder(int pointsPerWeight, BackendKey key) implements Precomputation<NginxRing> {
    @Override
    public NginxRing compute(List<Backend> backends) {
      return of(backends, pointsPerWeight, key);
    }

    @Override
    public String toString() {
      return "nginx consistent ring(" + key + ")";
    }
  }

  static NginxRing of(List<Backend> backends, int pointsPerWeight, BackendKey key) {
    int n = backends.size();
    Map<String, Integer> groupByServer = new HashMap<>();
    List<List<Integer>> members = new ArrayList<>();
    int[] groupOf = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      String server = Objects.requireNonNull(key.of(backends.get(i)), "placement key");
      Integer g = groupByServer.get(server);
      if (g == null) {
        g = members.size();
        groupByServer.put(server, g);
        members.add(new ArrayList<>());
      }
      members.get(g).add(i);
      groupOf[i] = g;
      total += (long) backends.get(i).weight() * pointsPerWeight;
    }
    dev.lbkit.core.internal.Checks.checkArgument(
        total <= DefaultRingBuilder.MAX_POINTS,
        "nginx ring points: %s (expected: <= %s)",
        total,
        DefaultRingBuilder.MAX_POINTS);
    int[] points = new int[(int) total];
    int[] groups = new int[(int) total];
    CRC32 crc = new CRC32();
    byte[] prev = new byte[4];
    int k = 0;
    for (int i = 0; i < n; i++) {
      byte[] base = hostZeroPort(key.of(backends.get(i)));
      int count = backends.get(i).weight() * pointsPerWeight;
      Arrays.fill(prev, (byte) 0);
      for (int j = 0; j < count; j++) {
        crc.reset();
        crc.update(base);
        crc.update(prev);
        int hash = (int) crc.getValue();
        points[k] = IntPointRing.flip(hash);
        groups[k++] = groupOf[i];
        prev[0] = (byte) hash;
        prev[1] = (byte) (hash >>> 8);
        prev[2] = (byte) (hash >>> 16);
        prev[3] = (byte) (hash >>> 24);
      }
    }
    PointSort.sort(points, groups);
    int m = 0;
    for (int j = 0; j < points.length; j++) {
      if (m == 0 || points[m - 1] != points[j]) {
        points[m] = points[j];
        groups[m++] = groups[j];
      }
    }
    int[][] groupMembers = new int[members.size()][];
    for (int g = 0; g < groupMembers.length; g++) {
      groupMembers[g] = smoothWeightedOrder(members.get(g), backends);
    }
    return new NginxRing(Arrays.copyOf(points, m), Arrays.copyOf(groups, m), groupMembers);
  }

  /** {@code host "\0" port}, split as nginx splits the server string. */
  static byte[] hostZeroPort(String server) {
    String host = server;
    String port = "";
    if (server.length() >= 5 && server.regionMatches(true, 0, "unix:", 0, 5)) {
      host = server.substring(5);
    } else {
      for (int j = server.length() - 1; j >= 0; j--) {
        char c = server.charAt(j);
        if (c == ':') {
          host = server.substring(0, j);
          port = server.substring(j + 1);
          break;
        }
        if (c < '0' || c > '9') {
          break;
        }
      }
    }
    byte[] h = host.getBytes(StandardCharsets.UTF_8);
    byte[] p = port.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[h.length + 1 + p.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(p, 0, out, h.length + 1, p.length);
    return out;
  }

  /** The members of one server string in nginx's smooth weighted round-robin order. */
  private static int[] smoothWeightedOrder(List<Integer> members, List<Backend> backends) {
    if (members.size() == 1) {
      return new int[] {members.get(0)};
    }
    int total = 0;
    for (int i : members) {
      total += backends.get(i).weight();
    }
    int[] order = new int[total];
    long[] current = new long[members.size()];
    for (int pick = 0; pick < total; pick++) {
      int best = -1;
      for (int m = 0; m < members.size(); m++) {
        current[m] += backends.get(members.get(m)).weight();
        if (best < 0 || current[m] > current[best]) {
          best = m;
        }
      }
      current[best] -= total;
      order[pick] = members.get(best);
    }
    return order;
  }

  /** The number of distinct points. */
  int pointCount() {
    return points.length;
  }

  /** nginx's {@code find_chash_point}: the first point >= the CRC-32 of the key, or the count. */
  int find(int keyCrc) {
    int bucket = keyCrc >>> bucketShift;
    return LowerBound.of(
        points, bucketStarts[bucket], bucketStarts[bucket + 1], IntPointRing.flip(keyCrc));
  }

  /** The first backend of the server string owning point {@code p}. */
  int ownerAt(int p) {
    int owner = owners[p];
    return owner >= 0 ? owner : groupMembers[-1 - owner][0];
  }

  /** The unsigned value of point {@code p}. */
  long pointAt(int p) {
    return IntPointRing.flip(points[p]) & 0xffffffffL;
  }

  /**
   * The eligible backend of point {@code p % pointCount()}, or {@link Selector#NONE}. For a group
   * of servers with one string, the next eligible one in its smooth weighted order.
   */
  int pick(int p, Eligibility eligible) {
    int count = owners.length;
    // p is at most count + 20 (find's answer plus nginx's tries): no division unless the ring
    // has fewer than 21 points.
    int q = p < count ? p : p - count < count ? p - count : p % count;
    int owner = owners[q];
    if (owner >= 0) {
      return eligible.isEligible(owner) ? owner : Selector.NONE;
    }
    return pickInGroup(-1 - owner, eligible);
  }

  /** The next eligible member of group {@code g} in its smooth weighted order. */
  private int pickInGroup(int g, Eligibility eligible) {
    int[] group = groupMembers[g];
    long start = cursors.getAndIncrement(g);
    for (int i = 0; i < group.length; i++) {
      int candidate = group[(int) ((start + i) % group.length)];
      if (eligible.isEligible(candidate)) {
        return candidate;
      }
    }
    return Selector.NONE;
  }

  @Override
  public String toString() {
    return "NginxRing{" + points.length + " points, " + groupMembers.length + " servers}";
  }
}
