package dev.lbkit.cookie.internal;

import dev.lbkit.cookie.LegacyCookie;
import dev.lbkit.core.Backend;
import dev.lbkit.core.Precomputation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a sticky affinity reads from each snapshot, computed once per change of the backend set: the
 * keyed 64-bit hash of every backend id under every secret, an open-addressing table from those
 * hashes back to snapshot indexes, the legacy cookie values of every backend, and how many random
 * keys a balanced session may try before one lands on its backend.
 *
 * <p>A persistent token names its backend by {@code SipHash(idKey(secret), UTF-8(id))}: stable
 * across restarts and replicas that share the secret, meaningless without it.
 */
final class BackendTable {
  private static final int MAX_KEY_TRIES = 1 << 16;

  /** idHash[secret][index]. */
  private final long[][] idHash;

  /** Open addressing per secret: slotHash[secret][slot], slotIndex[secret][slot] = index + 1. */
  private final long[][] slotHash;

  private final int[][] slotIndex;
  private final int mask;
  private final Map<String, Integer> legacy;
  private final int[] keyTries;

  private BackendTable(
      long[][] idHash,
      long[][] slotHash,
      int[][] slotIndex,
      int mask,
      Map<String, Integer> legacy,
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

  /** The index of the backend a legacy cookie value names, or -1. */
  int legacyIndexOf(String value) {
    Integer index = legacy.get(value);
    return index == null ? -1 : index;
  }

  boolean hasLegacy() {
    return !legacy.isEmpty();
  }

  /**
   * How many random keys to try for a balanced session on {@code index}: about 32 / its share of
   * the ring, so that giving up happens with probability near e^-32.
   */
  int keyTries(int index) {
    return keyTries[index];
  }

  /** The precomputation that builds a table for each snapshot. */
  static final class Builder implements Precomputation<BackendTable> {
    private final long[] idKeys;
    private final List<LegacyCookie> legacyCookies;

    Builder(long[] idKeys, List<LegacyCookie> legacyCookies) {
      this.idKeys = idKeys.clone();
      this.legacyCookies = List.copyOf(legacyCookies);
    }

    /** Equal keys (the same secrets) and legacy formats build equal tables: one per snapshot. */
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Builder
          && Arrays.equals(idKeys, ((Builder) o).idKeys)
          && legacyCookies.equals(((Builder) o).legacyCookies);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(idKeys) + legacyCookies.hashCode();
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

    private Map<String, Integer> legacyValues(List<Backend> backends) {
      if (legacyCookies.isEmpty()) {
        return Map.of();
      }
      Map<String, Integer> values = new HashMap<>();
      for (LegacyCookie legacy : legacyCookies) {
        for (int i = 0; i < backends.size(); i++) {
          Backend b = backends.get(i);
          if (legacy.format() == LegacyCookie.Format.NGINX_STICKY) {
            // nginx: MD5 of the server's address as ngx_sock_ntop prints it with the port.
            values.putIfAbsent(TokenKeys.md5Hex(b.authority()), i);
            String route = b.route();
            if (route != null) {
              values.putIfAbsent(route, i);
            }
          } else {
            String salt = nonNull(legacy.upstreamName());
            // ingress-nginx: endpoint address and port joined by ':' (no brackets for IPv6),
            // salted with the upstream name; the suffix names the upstream (canary support).
            String node = TokenKeys.md5Hex(salt + b.host() + ':' + b.port());
            values.putIfAbsent(node, i);
            values.putIfAbsent(node + '|' + TokenKeys.md5Hex(TokenKeys.md5Hex(salt) + salt), i);
          }
        }
      }
      return values;
    }

    private static String nonNull(@Nullable String s) {
      if (s == null) {
        throw new IllegalStateException("ingress-nginx legacy cookie without an upstream name");
      }
      return s;
    }

    @Override
    public String toString() {
      return "StickyBackendTable" + (legacyCookies.isEmpty() ? "" : legacyCookies.toString());
    }
  }
}
