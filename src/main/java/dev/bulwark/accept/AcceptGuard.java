package dev.bulwark.accept;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.Errors;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The first handler of every listening channel's pipeline, ahead of Netty's {@code ServerBootstrapAcceptor}: it sees
 * each accepted socket before Vert.x does, and every error accept() returns.
 *
 * <ul>
 *   <li>A socket whose peer address is missing or empty (macOS hands back {@code addrlen == 0} for a connection the
 *   client already reset: workerd issue 4623), or that is already dead (TCP state CLOSE), is closed at once with a
 *   reset and counted; it never reaches the HTTP server.</li>
 *   <li>An accept error (ECONNABORTED, EMFILE, anything) is counted, logged at most once a second, and stops here:
 *   it never reaches the acceptor, which would stop accepting for a whole second. On EMFILE/ENFILE the reserve
 *   descriptor is freed so pending connections are drained (closed) rather than left hanging, and accepting is
 *   re-armed every 100 ms until descriptors are free again.</li>
 *   <li>Nothing thrown inside the guard escapes it: the acceptor thread must survive whatever a client does.</li>
 * </ul>
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {
  static final int TCP_CLOSE = 7;
  private static final Logger LOG = Logger.getLogger(AcceptGuard.class.getName());
  private static final long RECOVERY_MILLIS = 100;

  private final AcceptStats stats;
  private final ReserveFd reserve;
  private final RateLimitedLog log;
  private boolean shedding;
  private boolean recovering;

  AcceptGuard(AcceptStats stats, ReserveFd reserve, RateLimitedLog log) {
    this.stats = stats;
    this.reserve = reserve;
    this.log = log;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // By now ServerBootstrapAcceptor is in the pipeline (added while registering, before bind): the probe goes after it.
    try {
      ctx.pipeline().addLast("bulwark-pause-probe", new PauseProbe(stats));
    } catch (Throwable t) {
      LOG.log(Level.FINE, "pause probe not installed", t);
    }
    ctx.fireChannelActive();
  }

  /**
   * Why an accepted socket must be dropped, or null to pass it on. Checks, in order: no peer address, an empty one
   * (0.0.0.0:0 or [::]:0, what an addrlen of 0 becomes when the buffer was zeroed), a channel no longer open, a peer
   * the kernel no longer knows (getpeername fails: the native transports, epoll and kqueue alike), and on epoll a TCP
   * state of CLOSE (reset by the peer between the handshake and accept).
   *
   * <p>The getpeername check matters on macOS: there accept() reports addrlen 0 for a reset connection but leaves the
   * address buffer as it was, so the address Netty reads from it can look valid (typically the previous peer's).
   */
  static String abortReason(Channel child) {
    SocketAddress remote = child.remoteAddress();
    if (remote == null) {
      return AcceptStats.NO_PEER;
    }
    if (remote instanceof InetSocketAddress inet
        && (inet.getPort() == 0 || inet.getAddress() == null || inet.getAddress().isAnyLocalAddress())) {
      return AcceptStats.EMPTY_PEER;
    }
    if (!child.isOpen() || !child.isActive()) {
      return AcceptStats.CLOSED;
    }
    if (child instanceof UnixChannel unix && unix.fd() instanceof Socket socket && socket.remoteAddress() == null) {
      return AcceptStats.PEER_GONE;
    }
    if (child instanceof EpollSocketChannel epoll && epoll.tcpInfo().state() == TCP_CLOSE) {
      return AcceptStats.RESET;
    }
    return null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Channel child)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String reason;
    try {
      reason = shedding ? AcceptStats.FD_LIMIT : abortReason(child);
    } catch (Throwable t) {
      reason = AcceptStats.GUARD_ERROR;
      log.log(Level.WARNING, "guard-error", "accept guard could not inspect a new connection, closed it: " + t);
    }
    if (reason == null) {
      ctx.fireChannelRead(child);
      return;
    }
    drop(child, reason);
  }

  private void drop(Channel child, String reason) {
    try {
      stats.aborted(reason);
      if (AcceptStats.FD_LIMIT.equals(reason) || AcceptStats.GUARD_ERROR.equals(reason)
          || AcceptStats.NO_PEER.equals(reason)) {
        // A live connection we turn away: SO_LINGER 0 makes the close a RST, with no TIME_WAIT left behind. A socket
        // the peer already reset needs no such call, and skipping it keeps the guard fast under a flood.
        child.config().setOption(ChannelOption.SO_LINGER, 0);
      }
    } catch (Throwable ignored) {
      // the socket may already be unusable; closing it is all that matters
    }
    try {
      // Not registered with an event loop yet, so close() would throw; this closes the descriptor directly.
      child.unsafe().closeForcibly();
    } catch (Throwable t) {
      log.log(Level.WARNING, "close-failed", "could not close an aborted connection: " + t);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (shedding) {
      shedding = false;
      reserve.acquire();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    try {
      String errno = errno(cause);
      stats.error(errno);
      log.log(Level.WARNING, "accept-" + errno, "accept() failed on " + ctx.channel().localAddress() + ": "
          + errno + " (" + cause.getMessage() + "); still accepting");
      if (errno.equals("EMFILE") || errno.equals("ENFILE")) {
        fdExhausted(ctx);
      }
    } catch (Throwable t) {
      // Swallowed on purpose: see the class comment. Nothing is fired onward either way.
    }
  }

  /** Frees the reserve descriptor to drain the backlog, and keeps re-arming accept until descriptors are back. */
  private void fdExhausted(ChannelHandlerContext ctx) {
    if (reserve.release()) {
      shedding = true;
      rearm(ctx);
    }
    if (!recovering) {
      recovering = true;
      ctx.channel().eventLoop().schedule(() -> recover(ctx), RECOVERY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void recover(ChannelHandlerContext ctx) {
    try {
      if (!ctx.channel().isOpen()) {
        recovering = false;
        return;
      }
      if (reserve.acquire()) {
        recovering = false;
        // Connections that queued while descriptors were short get no new readiness event under edge-triggered
        // epoll: re-arm so they are accepted now.
        rearm(ctx);
        return;
      }
      ctx.channel().eventLoop().schedule(() -> recover(ctx), RECOVERY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Throwable t) {
      recovering = false;
    }
  }

  /** Toggling auto-read re-registers interest in accept, which raises a new event if connections are pending. */
  private static void rearm(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(false);
    ctx.channel().config().setAutoRead(true);
  }

  /** A stable name for an accept error: the errno when the native transport gives one, else from the message. */
  static String errno(Throwable cause) {
    if (cause instanceof Errors.NativeIoException n) {
      switch (Math.abs(n.expectedErr())) {
        case 24: return "EMFILE";
        case 23: return "ENFILE";
        case 103: return "ECONNABORTED";
        case 105: return "ENOBUFS";
        case 12: return "ENOMEM";
        case 1: return "EPERM";
        default: break;
      }
    }
    String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("too many open files")) {
      return "EMFILE";
    }
    if (m.contains("file table overflow") || m.contains("too many open files in system")) {
      return "ENFILE";
    }
    if (m.contains("connection abort") || m.contains("software caused connection abort")) {
      return "ECONNABORTED";
    }
    if (m.contains("no buffer space")) {
      return "ENOBUFS";
    }
    return "OTHER";
  }
}
