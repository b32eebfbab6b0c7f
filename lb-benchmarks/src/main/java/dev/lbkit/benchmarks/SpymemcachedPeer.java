package dev.lbkit.benchmarks;

import dev.lbkit.core.Backend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.SpymemcachedAccess;

/**
 * spymemcached 2.12.3's {@link KetamaNodeLocator} over the same backends, exactly as a memcached
 * client builds it: {@code new KetamaNodeLocator(nodes, KETAMA_HASH)}. The nodes are stand-ins that
 * answer {@code getSocketAddress()} (all the locator reads) and are never connected.
 */
final class SpymemcachedPeer {
  private final KetamaNodeLocator locator;

  SpymemcachedPeer(List<Backend> backends) {
    List<MemcachedNode> nodes = new ArrayList<>(backends.size());
    for (int i = 0; i < backends.size(); i++) {
      Backend b = backends.get(i);
      nodes.add(node(i, new InetSocketAddress(b.host(), b.port())));
    }
    this.locator = new KetamaNodeLocator(nodes, DefaultHashAlgorithm.KETAMA_HASH);
  }

  /** {@code getPrimary(key)}: hash the key with MD5, then find its node on the TreeMap ring. */
  MemcachedNode primary(String key) {
    return locator.getPrimary(key);
  }

  /** spymemcached's ring lookup alone, from a KETAMA_HASH value. */
  MemcachedNode nodeForHash(long hash) {
    return SpymemcachedAccess.nodeForHash(locator, hash);
  }

  /** The backend index of a node returned by this peer (for checks and reports, not timed). */
  static int indexOf(MemcachedNode node) {
    return ((StandIn) Proxy.getInvocationHandler(node)).index;
  }

  private static MemcachedNode node(int index, InetSocketAddress address) {
    return (MemcachedNode)
        Proxy.newProxyInstance(
            MemcachedNode.class.getClassLoader(),
            new Class<?>[] {MemcachedNode.class},
            new StandIn(index, address));
  }

  /** Answers what the locator asks of a node; anything else is a bug in this benchmark. */
  private static final class StandIn implements InvocationHandler {
    final int index;
    final InetSocketAddress address;

    StandIn(int index, InetSocketAddress address) {
      this.index = index;
      this.address = address;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "getSocketAddress":
          return address;
        case "toString":
          return "node " + address;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          throw new UnsupportedOperationException(
              "a benchmark stand-in node does not " + method.getName());
      }
    }
  }
}
