package dev.lbkit.discovery;

import dev.lbkit.core.Backend;
import dev.lbkit.core.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * One resolution of a name through dnsjava: A and/or AAAA records for a host, or SRV records and
 * then the addresses of their targets. Asks the configured servers directly (no cache, no search
 * domains), so that every answer carries the TTL the server gave. Truncated UDP answers are retried
 * over TCP by dnsjava's {@code SimpleResolver}.
 */
final class DnsLookup {
  private final List<Resolver> resolvers;
  private final Name name;
  private final boolean service;
  private final int port;
  private final int weight;
  private final Set<IpFamily> families;

  DnsLookup(
      List<Resolver> resolvers,
      Name name,
      boolean service,
      int port,
      int weight,
      Set<IpFamily> families) {
    this.resolvers = List.copyOf(resolvers);
    this.name = name;
    this.service = service;
    this.port = port;
    this.weight = weight;
    this.families = families;
  }

  DnsAnswer lookup() throws DnsLookupException {
    return service ? lookupService() : lookupHost();
  }

  private DnsAnswer lookupHost() throws DnsLookupException {
    Addresses addresses = addressesOf(name);
    List<ResolvedEndpoint> endpoints = new ArrayList<>(addresses.list.size());
    for (IpAddress a : addresses.list) {
      endpoints.add(new ResolvedEndpoint(a, port, weight));
    }
    return new DnsAnswer(
        endpoints,
        addresses.minTtl,
        endpoints.isEmpty() ? addresses.emptyReason : endpoints.size() + " addresses");
  }

  /**
   * SRV as nginx's {@code service=}: port and weight from each record. nginx uses the records of
   * the lowest priority as primary servers and the others as backups; an lbkit upstream has no
   * backup servers, so only the lowest priority present is used.
   */
  private DnsAnswer lookupService() throws DnsLookupException {
    Message response = query(name, Type.SRV);
    List<SRVRecord> records = new ArrayList<>();
    int lowestPriority = Integer.MAX_VALUE;
    for (Record r : response.getSection(Section.ANSWER)) {
      // A target of "." says the service is decidedly not available there (RFC 2782).
      if (r instanceof SRVRecord srv && !srv.getTarget().equals(Name.root) && srv.getPort() > 0) {
        records.add(srv);
        lowestPriority = Math.min(lowestPriority, srv.getPriority());
      }
    }
    if (records.isEmpty()) {
      return new DnsAnswer(List.of(), -1, emptyReason(response, "SRV"));
    }
    long minTtl = Long.MAX_VALUE;
    Map<String, ResolvedEndpoint> byAuthority = new LinkedHashMap<>();
    Map<Name, Addresses> targets = new LinkedHashMap<>();
    for (SRVRecord srv : records) {
      if (srv.getPriority() != lowestPriority) {
        continue;
      }
      minTtl = Math.min(minTtl, srv.getTTL());
      Addresses addresses = targets.get(srv.getTarget());
      if (addresses == null) {
        addresses = addressesOf(srv.getTarget());
        targets.put(srv.getTarget(), addresses);
      }
      if (addresses.minTtl >= 0) {
        minTtl = Math.min(minTtl, addresses.minTtl);
      }
      // lbkit weights are 1..MAX_WEIGHT; SRV's are 0..65535, 0 meaning "rarely".
      int w = Math.max(1, Math.min(Backend.MAX_WEIGHT, srv.getWeight()));
      for (IpAddress a : addresses.list) {
        ResolvedEndpoint e = new ResolvedEndpoint(a, srv.getPort(), w);
        byAuthority.putIfAbsent(e.authority(), e);
      }
    }
    List<ResolvedEndpoint> endpoints = new ArrayList<>(byAuthority.values());
    return new DnsAnswer(
        endpoints,
        endpoints.isEmpty() ? -1 : minTtl,
        endpoints.isEmpty()
            ? "SRV targets without addresses"
            : endpoints.size() + " addresses of priority " + lowestPriority);
  }

  /** The addresses of {@code host} in every configured family, and their smallest TTL. */
  private Addresses addressesOf(Name host) throws DnsLookupException {
    Addresses found = new Addresses();
    String reason = "";
    for (IpFamily family : IpFamily.values()) {
      if (!families.contains(family)) {
        continue;
      }
      int type = family == IpFamily.IPV4 ? Type.A : Type.AAAA;
      Message response = query(host, type);
      int before = found.list.size();
      for (Record r : response.getSection(Section.ANSWER)) {
        // Answers may lead with the CNAME chain a recursive server followed; take the addresses.
        InetAddress address = null;
        if (type == Type.A && r instanceof ARecord a) {
          address = a.getAddress();
        } else if (type == Type.AAAA && r instanceof AAAARecord aaaa) {
          address = aaaa.getAddress();
        }
        if (address != null) {
          IpAddress ip = IpAddress.of(address);
          if (!found.list.contains(ip)) {
            found.list.add(ip);
          }
          found.minTtl = found.minTtl < 0 ? r.getTTL() : Math.min(found.minTtl, r.getTTL());
        }
      }
      if (found.list.size() == before) {
        reason = reason.isEmpty() ? "" : reason + ", ";
        reason += emptyReason(response, Type.string(type));
      }
    }
    found.emptyReason = reason;
    return found;
  }

  /**
   * Asks each server in turn until one gives a final answer (NOERROR or NXDOMAIN): a timeout, an
   * I/O error or another rcode moves on to the next, as a resolv.conf resolver does. Not dnsjava's
   * ExtendedResolver: its selector notices a server's timeout only about once a second, so a short
   * lookup timeout would end the whole query before the next server is asked.
   */
  private Message query(Name queried, int type) throws DnsLookupException {
    Message question = Message.newQuery(Record.newRecord(queried, type, DClass.IN));
    String failures = "";
    for (Resolver resolver : resolvers) {
      String failure;
      try {
        Message response = resolver.send(question.clone());
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
          return response;
        }
        failure = Rcode.string(rcode);
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + " " + message(e);
      }
      failures +=
          (failures.isEmpty() ? "" : "; ")
              + (resolvers.size() > 1 ? server(resolver) + " " : "")
              + failure;
    }
    throw new DnsLookupException(Type.string(type) + " " + queried + ": " + failures);
  }

  private static String server(Resolver resolver) {
    return resolver instanceof SimpleResolver s ? s.getAddress().toString() : resolver.toString();
  }

  private static String emptyReason(Message response, String type) {
    return type + " " + Rcode.string(response.getRcode()) + " with no records";
  }

  private static String message(IOException e) {
    String m = e.getMessage();
    return m == null ? "" : m;
  }

  /** Addresses in answer order, without repeats. */
  private static final class Addresses {
    final List<IpAddress> list = new ArrayList<>();
    long minTtl = -1;
    String emptyReason = "";
  }
}
