package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a sticky affinity reads from each snapshot, computed once per change of the backend set: the
 * keyed 64-bit hash of every backend id under every secret, an open-addressing table from those
 * hashes back to snapshot indexes, the legacy cookie values of every backend under each cookie name
 * they are read from, and how many random keys a balanced session may try before one lands on its
 * backend.
 *
 * <p>A persistent token names its backend by {@code SipHash(idKey(secret), UTF-8(id))}: stable
 * across restarts and replicas that share the secret, meaningless without it.
 */
final class BackendTable {
  private static final int MAX_KEY_TRIES = 1 << 16;

  /** Longer legacy values are never stored, so a longer cookie value is refused unread. */
  static final int MAX_LEGACY_VALUE = 256;

  /** idHash[secret][index]. */
  private final long[][] idHash;

  /** Open addressing per secret: slotHash[secret][slot], slotIndex[secret][slot] = index + 1. */
  private final long[][] slotHash;

  private final int[][] slotIndex;
  private final int mask;

  /** By {@link Builder#cookieNames()}: [0] under the session's name, then the others. */
  private final LegacyValues[] legacy;

  private final int[] keyTries;

  private BackendTable(
      long[][] idHash,
      long[][] slotHash,
      int[][] slotIndex,
      int mask,
      LegacyValues[] legacy,
      int[] keyTries) {
    this.idHash = idHash;
    this.slotHash = slotHash;
    this.slotIndex = slotIndex;
    this.mask = mask;
    this.legacy = legacy;
    this.keyTries = keyTries;
  }

  /** The hash a token issued with secret 0 carries for the backend at {@code index}. */
  long idHash(int index) {
    return idHash[0][index];
  }

  /** The index of the backend whose id hashes to {@code hash} under {@code secret}, or -1. */
  int indexOf(int secret, long hash) {
    long[] hashes = slotHash[secret];
    int[] indexes = slotIndex[secret];
    int slot = (int) (hash ^ (hash >>> 32)) & mask;
    while (true) {
      int stored = indexes[slot];
      if (stored == 0) {
        return -1;
      }
      if (hashes[slot] == hash) {
        return stored - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The legacy values read under the cookie name {@link Builder#cookieNames()}{@code [group]}. */
  LegacyValues legacyValues(int group) {
    return legacy[group];
  }

  private static String nonNull(@Nullable String s) {
    if (s == null) {
      throw new IllegalStateException("a legacy value without its parameter");
    }
    return s;
  }

  /**
   * How many random keys to try for a balanced session on {@code index}: about 32 / its share of
   * the ring, so that giving up happens with probability near e^-32.
   */
  int keyTries(int index) {
    return keyTries[index];
  }

  /**
   * Legacy cookie values and the index of the backend each names, in open addressing that a value
   * is looked up in where it stands in the request header: a miss allocates nothing, and a value
   * longer than any stored is refused before it is hashed.
   */
  static final class LegacyValues {
    private static final LegacyValues NONE = new LegacyValues(Map.of());

    /** A stored value per slot, or {@code null} for a free slot. */
    private final @Nullable String[] values;

    private final int[] indexes;
    private final int mask;
    private final int maxLength;

    private LegacyValues(Map<String, Integer> byValue) {
      int capacity = Integer.highestOneBit(Math.max(1, byValue.size()) * 2) << 1;
      this.values = new String[capacity];
      this.indexes = new int[capacity];
      this.mask = capacity - 1;
      int longest = 0;
      for (Map.Entry<String, Integer> e : byValue.entrySet()) {
        String value = e.getKey();
        int slot = spread(value.hashCode()) & mask;
        while (values[slot] != null) {
          slot = (slot + 1) & mask;
        }
        values[slot] = value;
        indexes[slot] = e.getValue();
        longest = Math.max(longest, value.length());
      }
      this.maxLength = longest;
    }

    /** The slot of the value {@code s[from, to)}, or -1. */
    int find(String s, int from, int to) {
      int length = to - from;
      if (length <= 0 || length > maxLength) {
        return -1;
      }
      int h = 0; // String.hashCode of the region
      for (int i = from; i < to; i++) {
        h = 31 * h + s.charAt(i);
      }
      int slot = spread(h) & mask;
      while (true) {
        String value = values[slot];
        if (value == null) {
          return -1;
        }
        if (value.length() == length && s.regionMatches(from, value, 0, length)) {
          return slot;
        }
        slot = (slot + 1) & mask;
      }
    }

    /** The stored value in {@code slot}, as found by {@link #find}. */
    String value(int slot) {
      return nonNull(values[slot]);
    }

    /** The index of the backend the value in {@code slot} names. */
    int index(int slot) {
      return indexes[slot];
    }

    private static int spread(int h) {
      return h ^ (h >>> 16);
    }
  }

  /** The precomputation that builds a table for each snapshot. */
  static final class Builder implements Precomputation<BackendTable> {
    private final long[] idKeys;
    private final List<LegacyCookie> legacyCookies;
    private final List<String> cookieNames;

    /** By cookie name as {@link #cookieNames}: the formats read under it. */
    private final List<List<LegacyCookie>> groups;

    Builder(long[] idKeys, String sessionName, List<LegacyCookie> legacyCookies) {
      this.idKeys = idKeys.clone();
      this.legacyCookies = List.copyOf(legacyCookies);
      Map<String, List<LegacyCookie>> byName = new LinkedHashMap<>();
      byName.put(sessionName, new ArrayList<>());
      for (LegacyCookie legacy : legacyCookies) {
        String cookieName = legacy.cookieName();
        byName
            .computeIfAbsent(cookieName == null ? sessionName : cookieName, n -> new ArrayList<>())
            .add(legacy);
      }
      this.cookieNames = List.copyOf(byName.keySet());
      List<List<LegacyCookie>> formats = new ArrayList<>();
      for (List<LegacyCookie> group : byName.values()) {
        formats.add(List.copyOf(group));
      }
      this.groups = List.copyOf(formats);
    }

    /**
     * The names legacy values are read under: the session's first (whether or not any format reads
     * it), then each other name once, in the order configured.
     */
    List<String> cookieNames() {
      return cookieNames;
    }

    /** Whether any format reads its values under the session's own cookie name. */
    boolean readsSessionName() {
      return !groups.get(0).isEmpty();
    }

    /**
     * Equal keys (the same secrets) and the same legacy formats under each name build equal tables:
     * one per snapshot. The session's name itself does not matter to the table.
     */
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Builder
          && Arrays.equals(idKeys, ((Builder) o).idKeys)
          && groups.equals(((Builder) o).groups);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(idKeys) + groups.hashCode();
    }

    @Override
    public BackendTable compute(List<Backend> backends) {
      int n = backends.size();
      int secrets = idKeys.length / 2;
      int capacity = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
      long[][] idHash = new long[secrets][n];
      long[][] slotHash = new long[secrets][capacity];
      int[][] slotIndex = new int[secrets][capacity];
      int mask = capacity - 1;
      for (int s = 0; s < secrets; s++) {
        for (int i = 0; i < n; i++) {
          byte[] id = backends.get(i).id().getBytes(StandardCharsets.UTF_8);
          long hash = SipHash.hash(idKeys[2 * s], idKeys[2 * s + 1], id, 0, id.length);
          idHash[s][i] = hash;
          int slot = (int) (hash ^ (hash >>> 32)) & mask;
          while (slotIndex[s][slot] != 0) {
            slot = (slot + 1) & mask;
          }
          slotHash[s][slot] = hash;
          slotIndex[s][slot] = i + 1;
        }
      }
      long totalWeight = 0;
      for (Backend b : backends) {
        totalWeight += b.weight();
      }
      int[] keyTries = new int[n];
      for (int i = 0; i < n; i++) {
        long tries = 32 * ((totalWeight + backends.get(i).weight() - 1) / backends.get(i).weight());
        keyTries[i] = (int) Math.min(MAX_KEY_TRIES, Math.max(64, tries));
      }
      return new BackendTable(idHash, slotHash, slotIndex, mask, legacyValues(backends), keyTries);
    }

    private LegacyValues[] legacyValues(List<Backend> backends) {
      LegacyValues[] byGroup = new LegacyValues[groups.size()];
      for (int g = 0; g < byGroup.length; g++) {
        List<LegacyCookie> group = groups.get(g);
        byGroup[g] =
            group.isEmpty() ? LegacyValues.NONE : new LegacyValues(values(group, backends));
      }
      return byGroup;
    }

    /** Every value of these formats for every backend; the first format naming a value wins. */
    private static Map<String, Integer> values(List<LegacyCookie> formats, List<Backend> backends) {
      Map<String, Integer> values = new LinkedHashMap<>();
      for (LegacyCookie legacy : formats) {
        for (int i = 0; i < backends.size(); i++) {
          Backend b = backends.get(i);
          switch (legacy.format()) {
            case NGINX_STICKY:
              // nginx: MD5 of the server's address as ngx_sock_ntop prints it with the port.
              putIfShort(values, TokenKeys.md5Hex(b.authority()), i);
              String route = b.route();
              if (route != null) {
                putIfShort(values, route, i);
              }
              break;
            case INGRESS_NGINX_PERSISTENT:
              String salt = nonNull(legacy.upstreamName());
              // ingress-nginx: endpoint address and port joined by ':' (no brackets for IPv6),
              // salted with the upstream name; the suffix names the upstream (canary support).
              String node = TokenKeys.md5Hex(salt + b.host() + ':' + b.port());
              putIfShort(values, node, i);
              putIfShort(values, node + '|' + TokenKeys.md5Hex(TokenKeys.md5Hex(salt) + salt), i);
              break;
            case SPRING_INSTANCE_ID:
              // Spring Cloud LoadBalancer: the ServiceInstance's instance id, our backend id.
              putIfShort(values, b.id(), i);
              break;
          }
        }
      }
      return values;
    }

    private static void putIfShort(Map<String, Integer> values, String value, int index) {
      if (value.length() <= MAX_LEGACY_VALUE) {
        values.putIfAbsent(value, index);
      }
    }

    @Override
    public String toString() {
      return "StickyBackendTable" + (legacyCookies.isEmpty() ? "" : legacyCookies.toString());
    }
  }
}
