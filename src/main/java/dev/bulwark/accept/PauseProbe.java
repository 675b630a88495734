package dev.bulwark.accept;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits after Netty's {@code ServerBootstrapAcceptor}. The acceptor forwards an exception only after switching
 * accepting off for one second, so each exception seen here is one second of paused accepting: the number that
 * {@code bulwark_accept_paused_seconds_total} reports and that the guard exists to keep at 0.
 */
final class PauseProbe extends ChannelInboundHandlerAdapter {
  private final AcceptStats stats;

  PauseProbe(AcceptStats stats) {
    this.stats = stats;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    stats.paused(1.0);
  }
}
