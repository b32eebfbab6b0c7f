package dev.lbkit.hash;

import dev.lbkit.core.Backend;
import java.util.List;

/** Each backend's exact share of the key space of a ring or table: arc lengths, or entries. */
final class Shares {
  private Shares() {}

  static double[] of(Object ring, int backends) {
    double[] share = new double[backends];
    if (ring instanceof LongPointRing r) {
      int n = r.pointCount();
      for (int p = 0; p < n; p++) {
        long prev = r.pointAt(p == 0 ? n - 1 : p - 1);
        long arc = r.pointAt(p) - prev; // mod 2^64; a lone point owns everything
        share[r.owners[p]] += n == 1 ? 1.0 : unsigned(arc) / 0x1p64;
      }
    } else if (ring instanceof IntPointRing r) {
      int n = r.pointCount();
      for (int p = 0; p < n; p++) {
        long arc = (r.pointAt(p) - r.pointAt(p == 0 ? n - 1 : p - 1)) & 0xffffffffL;
        share[r.owners[p]] += n == 1 ? 1.0 : arc / 0x1p32;
      }
    } else if (ring instanceof NginxRing r) {
      int n = r.pointCount();
      for (int p = 0; p < n; p++) {
        long arc = (r.pointAt(p) - r.pointAt(p == 0 ? n - 1 : p - 1)) & 0xffffffffL;
        share[r.ownerAt(p)] += n == 1 ? 1.0 : arc / 0x1p32;
      }
    } else if (ring instanceof MaglevTable t) {
      for (int s = 0; s < t.size(); s++) {
        share[t.entry(s)] += 1.0 / t.size();
      }
    } else {
      throw new IllegalArgumentException(String.valueOf(ring));
    }
    return share;
  }

  /** Each share divided by the backend's weighted fair share. */
  static double[] relative(double[] share, List<Backend> backends) {
    long total = 0;
    for (Backend b : backends) {
      total += b.weight();
    }
    double[] rel = new double[share.length];
    for (int i = 0; i < share.length; i++) {
      rel[i] = share[i] / ((double) backends.get(i).weight() / total);
    }
    return rel;
  }

  private static double unsigned(long x) {
    return (x >>> 1) * 2.0 + (x & 1);
  }
}
