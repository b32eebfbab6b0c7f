package dev.lbkit.discovery;

/** A lookup that produced no usable answer: a timeout, an I/O error or an error rcode. */
final class DnsLookupException extends Exception {
  private static final long serialVersionUID = 1L;

  DnsLookupException(String message) {
    super(message);
  }
}
