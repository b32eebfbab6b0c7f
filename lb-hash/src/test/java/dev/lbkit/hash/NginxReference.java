package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import dev.lbkit.core.BackendState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * A second, deliberately naive transcription of nginx's three hash methods, written straight from
 * the C (a linked walk over peers, java.util.zip.CRC32 over byte arrays, a list of points), to
 * check the optimised selectors against on inputs the vectors do not cover. Returns -1 where nginx
 * would fall back to round robin.
 */
final class NginxReference {
  private NginxReference() {}

  static int ipHash(List<Backend> peers, byte[] addr, IntPredicate usable) {
    if (peers.size() < 2) {
      return -1;
    }
    int addrlen = addr.length == 4 ? 3 : 16;
    int totalWeight = 0;
    for (Backend p : peers) {
      totalWeight += p.weight();
    }
    int hash = 89;
    int tries = 0;
    for (; ; ) {
      for (int i = 0; i < addrlen; i++) {
        hash = (hash * 113 + (addr[i] & 0xff)) % 6271;
      }
      int w = hash % totalWeight;
      int p = 0;
      while (w >= peers.get(p).weight()) {
        w -= peers.get(p).weight();
        p++;
      }
      if (peers.get(p).state() != BackendState.DOWN && usable.test(p)) {
        return p;
      }
      if (++tries > 20) {
        return -1;
      }
    }
  }

  static long crc32(byte[]... parts) {
    CRC32 crc = new CRC32();
    for (byte[] part : parts) {
      crc.update(part);
    }
    return crc.getValue();
  }

  static int hash(List<Backend> peers, String key, IntPredicate usable) {
    if (peers.size() < 2 || key.isEmpty()) {
      return -1;
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int totalWeight = 0;
    for (Backend p : peers) {
      totalWeight += p.weight();
    }
    long hash = 0; // uint32_t in nginx; 21 tries of at most 0x7fff cannot overflow it
    int rehash = 0;
    int tries = 0;
    for (; ; ) {
      long crc =
          rehash > 0
              ? crc32(Integer.toString(rehash).getBytes(StandardCharsets.US_ASCII), k)
              : crc32(k);
      hash += (crc >>> 16) & 0x7fff;
      rehash++;
      long w = hash % totalWeight;
      int p = 0;
      while (w >= peers.get(p).weight()) {
        w -= peers.get(p).weight();
        p++;
      }
      if (peers.get(p).state() != BackendState.DOWN && usable.test(p)) {
        return p;
      }
      if (++tries > 20) {
        return -1;
      }
    }
  }

  record Point(long hash, String server) {}

  static List<Point> chashPoints(List<Backend> peers, List<String> servers) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      String server = servers.get(i);
      String host = server;
      String port = "";
      int colon = server.lastIndexOf(':');
      if (server.startsWith("unix:")) {
        host = server.substring(5);
      } else if (colon >= 0 && server.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        host = server.substring(0, colon);
        port = server.substring(colon + 1);
      }
      byte[] base = (host + "\0" + port).getBytes(StandardCharsets.UTF_8);
      byte[] prev = new byte[4];
      for (int j = 0; j < peers.get(i).weight() * 160; j++) {
        long hash = crc32(base, prev);
        points.add(new Point(hash, server));
        prev =
            new byte[] {(byte) hash, (byte) (hash >> 8), (byte) (hash >> 16), (byte) (hash >> 24)};
      }
    }
    points.sort(
        Comparator.comparingLong(Point::hash)); // List.sort is stable, as glibc's qsort here
    List<Point> distinct = new ArrayList<>();
    for (Point p : points) {
      if (distinct.isEmpty() || distinct.get(distinct.size() - 1).hash() != p.hash()) {
        distinct.add(p);
      }
    }
    return distinct;
  }

  /** For distinct server strings only (the group round robin is not modelled here). */
  static int chash(
      List<Backend> peers,
      List<String> servers,
      List<Point> points,
      String key,
      IntPredicate usable) {
    if (peers.size() < 2 || key.isEmpty()) {
      return -1;
    }
    long hash = crc32(key.getBytes(StandardCharsets.UTF_8));
    int i = 0;
    while (i < points.size() && points.get(i).hash() < hash) {
      i++;
    }
    for (int tries = 0; tries <= 20; tries++) {
      String server = points.get((i + tries) % points.size()).server();
      int p = servers.indexOf(server);
      if (peers.get(p).state() != BackendState.DOWN && usable.test(p)) {
        return p;
      }
    }
    return -1;
  }
}
