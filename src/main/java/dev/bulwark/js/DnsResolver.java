package dev.bulwark.js;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.util.List;

/**
 * Outbound fetch()'s name resolution with netty-resolver-dns: /etc/hosts, then the system's DNS servers
 * (/etc/resolv.conf), asking for AAAA and A so Happy Eyeballs has both families. Asynchronous on one small event
 * loop of its own, so a slow DNS server never holds a service's worker thread (a blocking getaddrinfo would).
 */
final class DnsResolver implements FetchHost.Resolver {
  static final DnsResolver SHARED = new DnsResolver();

  private final DnsNameResolver resolver;

  private DnsResolver() {
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "bulwark-dns");
      t.setDaemon(true);
      return t;
    }, NioIoHandler.newFactory());
    EventLoop loop = group.next();
    resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class) // TCP fallback for truncated answers
        .resolvedAddressTypes(ResolvedAddressTypes.IPV6_PREFERRED)
        .build();
  }

  @Override
  public Future<List<InetAddress>> resolve(String host) {
    Promise<List<InetAddress>> promise = Promise.promise();
    resolver.resolveAll(host).addListener(f -> {
      if (f.isSuccess()) {
        @SuppressWarnings("unchecked")
        List<InetAddress> all = (List<InetAddress>) f.getNow();
        promise.tryComplete(all);
      } else {
        promise.tryFail(f.cause());
      }
    });
    return promise.future();
  }
}
