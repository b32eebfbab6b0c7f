package dev.lbkit.discovery;

/** The address families a host name is resolved in: which records are asked for. */
public enum IpFamily {
  /** IPv4 addresses, from {@code A} records. */
  IPV4,
  /** IPv6 addresses, from {@code AAAA} records. */
  IPV6
}
