package dev.lbkit.discovery;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server for tests, on 127.0.0.1 over UDP and TCP (the same port, as a
 * resolver expects). Its records can be changed while it runs; it can answer SERVFAIL, stay silent
 * (the client times out), or answer every UDP query truncated so that the client retries over TCP.
 * A name with no record of any type is NXDOMAIN; a name with records of other types is NOERROR with
 * an empty answer.
 */
final class TestDnsServer implements AutoCloseable {
  /** How the server answers. */
  enum Mode {
    ANSWER,
    SERVFAIL,
    SILENT
  }

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
  private final List<Socket> connections = new ArrayList<>();
  private volatile Mode mode = Mode.ANSWER;
  private volatile boolean truncateUdp;
  final AtomicInteger udpQueries = new AtomicInteger();
  final AtomicInteger tcpQueries = new AtomicInteger();

  private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    start("udp", this::serveUdp);
    start("tcp", this::acceptTcp);
  }

  static TestDnsServer start() throws IOException {
    for (int attempt = 0; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
      ServerSocket tcp = new ServerSocket();
      try {
        tcp.bind(new InetSocketAddress(LOOPBACK, udp.getLocalPort()));
        return new TestDnsServer(udp, tcp);
      } catch (BindException e) {
        udp.close();
        tcp.close();
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, udp.getLocalPort());
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  void truncateUdp(boolean truncate) {
    this.truncateUdp = truncate;
  }

  /** Sets the A records of {@code name}; none removes them. */
  void a(String name, long ttl, String... addresses) {
    List<Record> list = new ArrayList<>();
    for (String a : addresses) {
      list.add(new ARecord(name(name), DClass.IN, ttl, address(a)));
    }
    set(name, Type.A, list);
  }

  /** Sets the AAAA records of {@code name}; none removes them. */
  void aaaa(String name, long ttl, String... addresses) {
    List<Record> list = new ArrayList<>();
    for (String a : addresses) {
      list.add(new AAAARecord(name(name), DClass.IN, ttl, address(a)));
    }
    set(name, Type.AAAA, list);
  }

  /** Sets the SRV records of {@code name}; each is {@code {priority, weight, port, target}}. */
  void srv(String name, long ttl, Object[]... srvs) {
    List<Record> list = new ArrayList<>();
    for (Object[] s : srvs) {
      list.add(
          new SRVRecord(
              name(name),
              DClass.IN,
              ttl,
              (Integer) s[0],
              (Integer) s[1],
              (Integer) s[2],
              name((String) s[3])));
    }
    set(name, Type.SRV, list);
  }

  static Object[] target(int priority, int weight, int port, String target) {
    return new Object[] {priority, weight, port, target};
  }

  /** Removes every record of {@code name}: it becomes NXDOMAIN. */
  void remove(String name) {
    for (int type : new int[] {Type.A, Type.AAAA, Type.SRV}) {
      records.remove(key(name(name), type));
    }
  }

  private void set(String name, int type, List<Record> list) {
    if (list.isEmpty()) {
      records.remove(key(name(name), type));
    } else {
      records.put(key(name(name), type), List.copyOf(list));
    }
  }

  private byte[] respond(byte[] query, boolean overUdp) throws IOException {
    Message q = new Message(query);
    Record question = q.getQuestion();
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    if (q.getHeader().getFlag(Flags.RD)) {
      r.getHeader().setFlag(Flags.RD);
    }
    r.addRecord(question, Section.QUESTION);
    if (mode == Mode.SERVFAIL) {
      r.getHeader().setRcode(Rcode.SERVFAIL);
      return r.toWire();
    }
    if (overUdp && truncateUdp) {
      r.getHeader().setFlag(Flags.TC);
      return r.toWire();
    }
    List<Record> answers = records.get(key(question.getName(), question.getType()));
    if (answers != null) {
      for (Record rec : answers) {
        r.addRecord(rec, Section.ANSWER);
      }
    } else if (!exists(question.getName())) {
      r.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    return r.toWire();
  }

  private boolean exists(Name name) {
    String prefix = name.toString().toLowerCase(Locale.ROOT) + "/";
    for (String k : records.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private void serveUdp() {
    byte[] buffer = new byte[4096];
    while (!udp.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        udpQueries.incrementAndGet();
        if (mode == Mode.SILENT) {
          continue;
        }
        byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        byte[] out = respond(query, true);
        udp.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
      } catch (IOException e) {
        // Closed, or a query that does not parse: a test server ignores both.
      }
    }
  }

  private void acceptTcp() {
    while (!tcp.isClosed()) {
      try {
        Socket s = tcp.accept();
        synchronized (connections) {
          connections.add(s);
        }
        start("tcp-connection", () -> serveTcp(s));
      } catch (IOException e) {
        // Closed.
      }
    }
  }

  private void serveTcp(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (true) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        tcpQueries.incrementAndGet();
        if (mode == Mode.SILENT) {
          continue;
        }
        byte[] answer = respond(query, false);
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (EOFException e) {
      // The client closed the connection.
    } catch (IOException e) {
      // Closed by close().
    }
  }

  private static void start(String name, Runnable task) {
    Thread t = new Thread(task, "test-dns-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static String key(Name name, int type) {
    return name.toString().toLowerCase(Locale.ROOT) + "/" + type;
  }

  private static Name name(String name) {
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Override
  public void close() throws IOException {
    udp.close();
    tcp.close();
    synchronized (connections) {
      for (Socket s : connections) {
        s.close();
      }
    }
  }
}
