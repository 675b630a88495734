package dev.bulwark.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The guard's decisions on accepted child channels, and what reaches the handler after it (where Netty's
 * ServerBootstrapAcceptor sits in a real server pipeline). Children are real Netty channels whose peer address is
 * whatever accept() would have produced.
 */
class AcceptGuardTest {
  private final AcceptStats stats = new AcceptStats(new SimpleMeterRegistry());
  private final Recorder acceptor = new Recorder();
  private final ReserveFd reserve = new ReserveFd();
  private final EmbeddedChannel server = new EmbeddedChannel(
      new AcceptGuard(stats, reserve, new RateLimitedLog(Logger.getLogger("test"))), acceptor);

  /** Stands in for ServerBootstrapAcceptor: records what the guard lets through. */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> reads = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      reads.add(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }

  /** A child whose peer address is what accept() reported. */
  private static EmbeddedChannel child(SocketAddress peer) {
    return new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return peer;
      }
    };
  }

  @Test
  void aHealthyConnectionIsPassedOn() {
    EmbeddedChannel ok = child(new InetSocketAddress("127.0.0.1", 51000));
    assertNull(AcceptGuard.abortReason(ok));
    server.writeInbound(ok);
    assertEquals(List.of(ok), acceptor.reads);
    assertTrue(ok.isOpen());
  }

  @Test
  void missingOrEmptyPeerAddressesAreClosedAndCounted() {
    List<EmbeddedChannel> bad = List.of(
        child(null),
        child(new InetSocketAddress("0.0.0.0", 0)),
        child(new InetSocketAddress("::", 0)));
    for (EmbeddedChannel c : bad) {
      server.writeInbound(c);
      assertFalse(c.isOpen(), "closed at once: " + c.remoteAddress());
    }
    assertTrue(acceptor.reads.isEmpty(), "none reaches the acceptor");
    assertEquals(1, stats.abortedCount(AcceptStats.NO_PEER));
    assertEquals(2, stats.abortedCount(AcceptStats.EMPTY_PEER));
  }

  @Test
  void anAlreadyClosedSocketIsDropped() throws Exception {
    EmbeddedChannel dead = child(new InetSocketAddress("127.0.0.1", 51001));
    dead.close().sync();
    assertEquals(AcceptStats.CLOSED, AcceptGuard.abortReason(dead));
    server.writeInbound(dead);
    assertTrue(acceptor.reads.isEmpty());
    assertEquals(1, stats.abortedCount(AcceptStats.CLOSED));
  }

  @Test
  void anExceptionInsideTheGuardClosesTheChildAndGoesNoFurther() {
    EmbeddedChannel weird = new EmbeddedChannel() {
      @Override
      public SocketAddress remoteAddress() {
        throw new IllegalStateException("getpeername failed");
      }
    };
    server.writeInbound(weird);
    assertFalse(weird.isOpen());
    assertTrue(acceptor.reads.isEmpty());
    assertTrue(acceptor.errors.isEmpty(), "no exception reaches the acceptor's pause path");
    assertEquals(1, stats.abortedCount(AcceptStats.GUARD_ERROR));
    assertTrue(server.config().isAutoRead());
  }

  @Test
  void acceptErrorsAreCountedAndNeverPauseAccepting() {
    server.pipeline().fireExceptionCaught(new Errors.NativeIoException("accept", -103));
    server.pipeline().fireExceptionCaught(new Errors.NativeIoException("accept", -24));
    server.pipeline().fireExceptionCaught(new java.io.IOException("Too many open files"));
    server.pipeline().fireExceptionCaught(new OutOfMemoryError("simulated"));
    server.runPendingTasks();
    assertTrue(acceptor.errors.isEmpty(), "the acceptor never sees them, so it never turns auto-read off");
    assertTrue(server.config().isAutoRead());
    assertEquals(1, stats.errorCount("ECONNABORTED"));
    assertEquals(2, stats.errorCount("EMFILE"));
    assertEquals(1, stats.errorCount("OTHER"));
    server.checkException();
  }

  @Test
  void afterEmfileTheNextAcceptedConnectionIsShedToDrainTheBacklog() {
    assertTrue(reserve.acquire());
    server.pipeline().fireExceptionCaught(new Errors.NativeIoException("accept", -24));
    EmbeddedChannel pending = child(new InetSocketAddress("127.0.0.1", 51002));
    server.writeInbound(pending);
    assertFalse(pending.isOpen());
    assertEquals(1, stats.abortedCount(AcceptStats.FD_LIMIT));
    EmbeddedChannel later = child(new InetSocketAddress("127.0.0.1", 51003));
    server.writeInbound(later);
    assertEquals(List.of((Channel) later), acceptor.reads, "once the read completes, connections pass again");
    assertTrue(reserve.isHeld(), "the reserve descriptor is taken back");
    reserve.release();
  }

  @Test
  void errnoNames() {
    assertEquals("ENFILE", AcceptGuard.errno(new Errors.NativeIoException("accept", -23)));
    assertEquals("ECONNABORTED", AcceptGuard.errno(new java.io.IOException("Software caused connection abort")));
    assertEquals("OTHER", AcceptGuard.errno(new RuntimeException((String) null)));
  }
}
