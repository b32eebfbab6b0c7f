package dev.lbkit.discovery;

import java.util.List;

/**
 * What one successful lookup found: the endpoints (empty for NXDOMAIN or no records) and the
 * smallest TTL among the records they came from, in seconds ({@code -1} when there were none).
 */
record DnsAnswer(List<ResolvedEndpoint> endpoints, long minTtlSeconds, String summary) {
  DnsAnswer {
    endpoints = List.copyOf(endpoints);
  }
}
