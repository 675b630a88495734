package dev.bulwark.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code http.idleTimeout} on an HTTP/1.x connection, without a cost per answer.
 *
 * <p>Vert.x puts Netty's {@link IdleStateHandler} behind the HTTP codec of every connection, which hangs a listener
 * on each write's promise and reads the clock when the write completes: on a kept-alive connection with small
 * answers that is a measurable share of each answer (BENCHMARKS.md). This handler takes its place in the same spot
 * of the pipeline, so it sees what that one saw: whole request heads and pieces of body as the decoder hands them on
 * (the bytes of a head not yet complete are no activity, so a slowloris head is still closed in time), and every
 * answer written. All it does per message is note that something happened. It looks every
 * {@code 1/}{@value #CHECKS_PER_TIMEOUT} of the timeout; a connection on which, for the whole timeout, nothing was
 * read, nothing was written and no queued byte went out to the client gets the {@link IdleStateEvent} Vert.x closes
 * a connection on. So it closes between one timeout and {@code 1 + 1/}{@value #CHECKS_PER_TIMEOUT} of one after the
 * last activity, never before.
 *
 * <p>Queued bytes going out count, which Netty's handler as Vert.x sets it up (no {@code observeOutput}) does not
 * look at: an answer of many megabytes that the client reads slowly is not cut while it moves, the way nginx's
 * {@code send_timeout} runs between two successful writes, not from the start of the answer. A client that stops
 * reading stops the bytes, and is closed.
 *
 * <p>After an upgrade to HTTP/2 (h2c) it stays in place, in front of the HTTP/2 handler, and sees the connection's
 * bytes; a connection that starts as HTTP/2 keeps Vert.x's own handler.
 */
final class IdleTimeout extends ChannelDuplexHandler {
  static final int CHECKS_PER_TIMEOUT = 8;
  private final long timeoutNanos;
  private final long periodNanos;
  /** Something was read or written since the last look. */
  private boolean active;
  private long lastActive;
  /** The outbound buffer at the last look: its current message (by identity), that message's progress, its size. */
  private int lastMessage;
  private long lastProgress;
  private long lastPending;
  private ScheduledFuture<?> next;
  private boolean stopped;

  private IdleTimeout(Duration timeout) {
    timeoutNanos = timeout.toNanos();
    periodNanos = Math.max(1, timeoutNanos / CHECKS_PER_TIMEOUT);
  }

  /**
   * Puts this handler in the place of the {@link IdleStateHandler} Vert.x gave {@code conn} for {@code timeout}, the
   * server's idle timeout. Call from the server's connection handler; a connection that starts as HTTP/2, or has no
   * such handler, is left as it is.
   */
  static void takeOver(HttpConnection conn, Duration timeout) {
    if (conn.protocolVersion() == HttpVersion.HTTP_2) {
      return;
    }
    Channel ch = Closing.channel(conn);
    if (ch == null) {
      return;
    }
    ChannelPipeline pipeline = ch.pipeline();
    if (pipeline.get(IdleStateHandler.class) != null) {
      pipeline.replace(IdleStateHandler.class, "idle", new IdleTimeout(timeout));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    active = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    active = true; // when the write is asked for, not when it completes: no listener on its promise
    ctx.write(msg, promise);
  }

  private void start(ChannelHandlerContext ctx) {
    if (next == null && !stopped) {
      lastActive = System.nanoTime();
      schedule(ctx);
    }
  }

  private void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private void schedule(ChannelHandlerContext ctx) {
    next = ctx.executor().schedule(() -> look(ctx), periodNanos, TimeUnit.NANOSECONDS);
  }

  private void look(ChannelHandlerContext ctx) {
    if (stopped || !ctx.channel().isOpen()) {
      return;
    }
    long now = System.nanoTime();
    if (active | outputMoved(ctx.channel())) { // not ||: outputMoved keeps the buffer's state for the next look
      active = false;
      lastActive = now;
    } else if (now - lastActive >= timeoutNanos) {
      ctx.fireUserEventTriggered(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT); // Vert.x closes the connection
      lastActive = now; // should anything not close it, another whole timeout before the next event
    }
    schedule(ctx);
  }

  /** Whether bytes queued for the client went out since the last look (as Netty's {@code observeOutput} tells). */
  private boolean outputMoved(Channel ch) {
    ChannelOutboundBuffer buf = ch.unsafe().outboundBuffer();
    if (buf == null) {
      return false;
    }
    long pending = buf.totalPendingWriteBytes();
    int message = System.identityHashCode(buf.current());
    long progress = buf.currentProgress();
    // Bytes that were queued at the last look and have gone out, all (none pending now) or some; bytes queued since
    // then were a write, which counts already.
    boolean moved = lastPending > 0 && (pending != lastPending || message != lastMessage || progress != lastProgress);
    lastPending = pending;
    lastMessage = message;
    lastProgress = progress;
    return moved;
  }
}
