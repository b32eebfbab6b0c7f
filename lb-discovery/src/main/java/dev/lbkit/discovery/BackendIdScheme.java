package dev.lbkit.discovery;

/**
 * How the id of a discovered backend is formed. Both schemes depend only on the resolved address
 * and port, so an address that stays across resolutions keeps its id, and the sessions, rings and
 * runtime state bound to that id stay with it.
 */
public enum BackendIdScheme {
  /**
   * The resolved name and the address: {@code tea.example@10.0.0.5:8080}, {@code
   * _http._tcp.tea.example@[2001:db8::1]:8080}. Unique in an upstream fed by several names; the
   * default.
   */
  NAME_AND_ADDRESS,
  /**
   * The address alone: {@code 10.0.0.5:8080}, {@code [2001:db8::1]:8080}. A session then survives a
   * rename of the DNS name that still resolves to the same address. Not for an upstream fed by
   * several names: the discovery of a name that drops an address would remove the backend another
   * name still resolves to.
   */
  ADDRESS
}
