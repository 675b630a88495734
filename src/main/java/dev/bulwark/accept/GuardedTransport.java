package dev.bulwark.accept;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.transport.Transport;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * The platform's transport (epoll, kqueue or NIO) with an {@link AcceptGuard} installed on every listening channel
 * the moment it is created, through Vert.x 5's public {@code VertxBuilder.withTransport}.
 *
 * <p>Why this hook and not Netty's {@code ChannelInitializerExtension}: the extension mechanism is off unless a
 * system property enables it JVM-wide (and it then loads every extension on the class path), whereas the transport
 * is ours to pass per Vert.x instance, covers every server Vert.x creates (HTTP, admin, any TCP server), and puts the
 * guard first in the pipeline, ahead of the ServerBootstrapAcceptor that ServerBootstrap adds at registration.
 */
public final class GuardedTransport implements Transport {
  private static final Logger LOG = Logger.getLogger(GuardedTransport.class.getName());

  private final Transport platform;
  private final Guarded implementation;
  private final AcceptStats stats;

  private GuardedTransport(Transport platform, AcceptStats stats, Duration deferAccept) {
    this.platform = platform;
    this.stats = stats;
    ReserveFd reserve = new ReserveFd();
    reserve.acquire();
    RateLimitedLog log = new RateLimitedLog(Logger.getLogger(AcceptGuard.class.getName()));
    this.implementation = new Guarded(platform.implementation(), () -> new AcceptGuard(stats, reserve, log),
        (int) deferAccept.toSeconds());
  }

  /**
   * The best transport available here (native first), guarded, counting into {@code registry}; on epoll every
   * listening socket also gets TCP_DEFER_ACCEPT of {@code deferAccept} (zero: none).
   */
  public static GuardedTransport create(MeterRegistry registry, Duration deferAccept) {
    Transport nativeTransport = Transport.nativeTransport();
    Transport platform = nativeTransport;
    if (platform == null || !platform.available()) {
      if (nativeTransport != null) {
        LOG.fine(() -> "native transport unavailable: " + nativeTransport.unavailabilityCause());
      }
      platform = Transport.NIO;
    }
    // Load the guard's classes now: on the accept path, at fd exhaustion, loading a class could itself fail.
    AcceptGuard.errno(new java.io.IOException("warm-up"));
    return new GuardedTransport(platform, new AcceptStats(registry), deferAccept);
  }

  public AcceptStats stats() {
    return stats;
  }

  /** For the start-up line: the platform transport and what guards its listeners. */
  public String description() {
    int seconds = implementation.deferAcceptSeconds;
    boolean defers = seconds > 0 && platform == Transport.EPOLL;
    return platform.name() + " with accept guard" + (defers ? " and deferred accept (" + seconds + " s)" : "");
  }

  @Override
  public String name() {
    return platform.name();
  }

  @Override
  public boolean available() {
    return platform.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return platform.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }

  /** Delegates everything to the platform transport but wraps the server-channel factory. */
  private static final class Guarded implements io.vertx.core.spi.transport.Transport {
    private final io.vertx.core.spi.transport.Transport d;
    private final java.util.function.Supplier<AcceptGuard> guards;
    private final int deferAcceptSeconds;

    Guarded(io.vertx.core.spi.transport.Transport delegate, java.util.function.Supplier<AcceptGuard> guards,
            int deferAcceptSeconds) {
      this.d = delegate;
      this.guards = guards;
      this.deferAcceptSeconds = deferAcceptSeconds;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      ChannelFactory<? extends ServerChannel> factory = d.serverChannelFactory(domainSocket);
      return () -> {
        ServerChannel channel = factory.newChannel();
        deferAccept(channel);
        channel.pipeline().addFirst("bulwark-accept-guard", guards.get());
        return channel;
      };
    }

    /**
     * The first line of defence, ahead of the guard, where the kernel has it (Linux; nginx's {@code deferred},
     * HAProxy's {@code defer-accept}): a connection stays out of the accept queue until its client sends something.
     * One reset before that (the loser of a happy-eyeballs race, a scanner, the seed's stress client) never reaches
     * accept(), so it neither costs four system calls on the acceptor thread nor makes a real connection wait behind
     * it. The socket exists from the channel's construction, so the option is in place before listen().
     */
    private void deferAccept(ServerChannel channel) {
      if (deferAcceptSeconds <= 0 || !(channel instanceof EpollServerSocketChannel epoll)) {
        return;
      }
      try {
        epoll.config().setTcpDeferAccept(deferAcceptSeconds);
      } catch (RuntimeException e) {
        // Not fatal: the guard still drops what the kernel would have kept back.
        LOG.warning(() -> "TCP_DEFER_ACCEPT not set on a listener (" + e.getMessage() + "); the accept guard alone"
            + " drops aborted connections");
      }
    }

    @Override
    public boolean supportsDomainSockets() {
      return d.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return d.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return d.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return d.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return d.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
      return d.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return d.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
      return d.datagramChannelFactory();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return d.channelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      d.configure(channel, options);
    }

    @Override
    public void configure(TcpConfig options, boolean domainSocket, Bootstrap bootstrap) {
      d.configure(options, domainSocket, bootstrap);
    }

    @Override
    public void configure(TcpConfig options, boolean domainSocket, ServerBootstrap bootstrap) {
      d.configure(options, domainSocket, bootstrap);
    }
  }
}
