package dev.bulwark.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the HTTP side ends a connection it will not reuse, and what it does when the client half-closes.
 *
 * <p><b>Closing after an answer.</b> Vert.x closes an HTTP/1.x connection after a response only when the request
 * asked for it ({@code Connection: close} as the whole value, or HTTP/1.0); a {@code Connection: close} the server
 * puts on its own answer is only a header. When the runtime answers before a declared body was read (413, 408, an
 * early 4xx/5xx), the connection cannot be reused: the unread rest of the body would be parsed as the next request.
 * So the connection is closed once the answer is written, the way nginx does it (a lingering close): the answer is
 * followed by a FIN, whatever the client still sends is read and thrown away, unparsed, until it closes its side, is
 * silent for {@link #LINGER_QUIET}, or {@link #LINGER_MAX} has passed. Closing at once instead would make the kernel
 * answer the unread bytes with a reset, which can destroy the answer in the client's receive buffer before the client
 * reads it. Over HTTP/2 only the stream ends: the answer, then RST_STREAM(NO_ERROR) so the client stops sending the
 * body (RFC 9113, 8.1), and the connection goes on.
 *
 * <p><b>Half-close.</b> A client that sends its request and then shuts down its sending side ({@code nc -N},
 * {@code printf ... | nc}, some health checkers, HTTP/1.0-style clients) still reads the answer. Netty closes a
 * connection whose input ended unless half-closure is allowed; it is allowed on every HTTP/1.x connection here, and
 * once the input has ended, every request already received is answered, in order, pipelined ones included, and then
 * Vert.x's graceful shutdown closes the connection (or the grace period ends it first).
 */
final class Closing {
  private static final Logger LOG = Logger.getLogger(Closing.class.getName());
  /** A lingering close ends when the client has sent nothing for this long. */
  static final Duration LINGER_QUIET = Duration.ofSeconds(2);
  /** A lingering close ends after this long, however much the client still sends. */
  static final Duration LINGER_MAX = Duration.ofSeconds(10);
  private static final String LINGER = "bulwark-linger";
  private static final String HALF_CLOSE = "bulwark-half-close";
  private static final String ANSWERED = "bulwark-answered";
  /** Vert.x's name for its own handler in an HTTP/1.x connection's pipeline, behind the HTTP codec. */
  private static final String VERTX_HANDLER = "handler";
  /** What to run when the client's input ends: a body that is still streaming in can never be completed then. */
  private static final io.netty.util.AttributeKey<Runnable> INPUT_ENDED =
      io.netty.util.AttributeKey.valueOf("bulwark-input-ended");
  private static final int NO_ERROR = 0;

  private Closing() {}

  /**
   * Marks {@code req}'s answer as the connection's last (HTTP/1.x: {@code Connection: close}); call before the answer
   * is written, then {@link #after} with the write.
   */
  static void announce(HttpServerRequest req) {
    announce(req, LINGER_MAX);
  }

  /**
   * {@link #announce(HttpServerRequest)} for an answer still to be made: Vert.x closes the connection after
   * {@code answerWithin} at the latest, so that is the time the body and the handler may still take.
   */
  static void announce(HttpServerRequest req, Duration answerWithin) {
    if (req.version() == HttpVersion.HTTP_2) {
      return;
    }
    if (!req.response().headWritten()) {
      req.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    // At once, not after the write: the bytes already read may hold more requests (pipelined, or what the client
    // sent after a body it was told not to send), which Vert.x would otherwise start in this same read. Once
    // shutting down, it starts none; the write's completion then closes (see after).
    req.connection().shutdown(answerWithin);
  }

  /** Once {@code written} completes, ends the connection (HTTP/1.x) or the stream (HTTP/2) as the class describes. */
  static void after(HttpServerRequest req, Future<Void> written) {
    written.onComplete(ar -> {
      try {
        if (req.version() == HttpVersion.HTTP_2) {
          if (!req.isEnded()) {
            req.response().reset(NO_ERROR);
          }
          return;
        }
        linger(req.connection());
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "closing a connection failed; closing it outright", e);
        req.connection().close();
      }
    });
  }

  /** Shuts down the output, then reads and discards until the client closes, goes quiet, or time is up. */
  private static void linger(HttpConnection conn) {
    Channel ch = channel(conn);
    if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
      conn.close();
      return;
    }
    if (ch.pipeline().get(LINGER) != null) {
      return;
    }
    Discard discard = new Discard();
    ch.pipeline().addFirst(LINGER, discard);
    duplex.shutdownOutput().addListener(f -> {
      if (!f.isSuccess()) {
        ch.close();
        return;
      }
      if (duplex.isInputShutdown()) {
        ch.close();
        return;
      }
      discard.arm(ch);
    });
  }

  /**
   * Allows half-closure on an HTTP/1.x connection, and turns the end of the client's input into a graceful shutdown
   * of {@code conn}: once every request received before the end is answered, or after {@code grace}, whichever comes
   * first. Call from the server's connection handler, on the connection's event loop.
   */
  static void onHalfClose(HttpConnection conn, Duration grace) {
    if (conn.protocolVersion() == HttpVersion.HTTP_2) {
      return;
    }
    Channel ch = channel(conn);
    if (!(ch instanceof DuplexChannel) || ch.pipeline().get(VERTX_HANDLER) == null) {
      return;
    }
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ch.pipeline().addFirst(HALF_CLOSE, new io.netty.channel.ChannelDuplexHandler() {
      /**
       * Once the input has ended there is nothing left to read, and Netty's epoll transport fails a read request
       * then (epoll_ctl: ENOENT, reported to the request being read as an error): which is what Vert.x makes when a
       * paused request whose client half-closed is resumed (a streamed request body, {@link Upload}).
       */
      @Override
      public void read(ChannelHandlerContext ctx) {
        if (!((DuplexChannel) ctx.channel()).isInputShutdown()) {
          ctx.read();
        }
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
          Runnable ended = ctx.channel().attr(INPUT_ENDED).getAndSet(null);
          if (ended != null) {
            ended.run();
          }
        }
        ctx.fireUserEventTriggered(evt);
      }
    });
    // Behind the HTTP decoder, which passes the end of input on only after the requests it still held.
    ch.pipeline().addBefore(VERTX_HANDLER, ANSWERED, new Answered(conn, grace));
  }

  /**
   * Counts the requests the HTTP decoder hands to Vert.x and the answers written back, so that a half-closed
   * connection is shut down only once all of them are answered. Vert.x's graceful shutdown answers the requests it
   * has started, but drops the pipelined ones it holds unstarted (it starts one at a time), which would lose every
   * answer after the second to a client that pipelines, then half-closes.
   */
  private static final class Answered extends io.netty.channel.ChannelDuplexHandler {
    private final HttpConnection conn;
    private final Duration grace;
    private long received;
    private long answered;
    private boolean inputEnded;
    private ScheduledFuture<?> deadline;

    Answered(HttpConnection conn, Duration grace) {
      this.conn = conn;
      this.grace = grace;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        received++;
        RequestCheck.version(request); // here, as the one handler between the decoder and Vert.x
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean ends = msg instanceof LastHttpContent && !(msg instanceof HttpResponse r && interim(r.status()));
      ctx.write(msg, promise);
      if (ends) {
        answered++;
        if (inputEnded && answered >= received) {
          // After this write returns: Vert.x moves on to its next request (if any) once the answer is written.
          ctx.executor().execute(() -> shutdown(ctx));
        }
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent && !inputEnded) {
        inputEnded = true;
        // Nothing more will be read: answer what was received, then close (at once when nothing is in flight).
        if (answered >= received) {
          shutdown(ctx);
        } else {
          deadline = ctx.executor().schedule(() -> {
            ctx.close(); // what is still unanswered had its grace
          }, grace.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    private void shutdown(ChannelHandlerContext ctx) {
      if (deadline != null) {
        deadline.cancel(false);
      }
      if (!ctx.channel().isActive()) {
        return;
      }
      try {
        conn.shutdown(grace);
      } catch (RuntimeException e) { // e.g. a connection upgraded to HTTP/2 meanwhile: end it outright
        LOG.log(Level.FINE, "graceful shutdown after a half-close failed; closing", e);
        ctx.close();
      }
    }

    /** 1xx answers other than 101 are interim: the request still gets its final answer after them. */
    private static boolean interim(HttpResponseStatus status) {
      return status.codeClass() == HttpStatusClass.INFORMATIONAL && status.code() != 101;
    }
  }

  /**
   * Runs {@code whenEnded} if the client's input ends (it half-closed or closed) on {@code req}'s HTTP/1.x connection
   * while set; null unsets it. Vert.x tells a request whose body is being read nothing of a half-close, since it
   * still answers what it has.
   */
  static void onInputEnd(HttpServerRequest req, Runnable whenEnded) {
    Channel ch = req.version() == HttpVersion.HTTP_2 ? null : channel(req.connection());
    if (ch != null) {
      ch.attr(INPUT_ENDED).set(whenEnded);
    }
  }

  /** The Netty channel under {@code conn}; null for a connection that is not Vert.x's own. */
  static Channel channel(HttpConnection conn) {
    return conn instanceof HttpServerConnection internal ? internal.channelHandlerContext().channel() : null;
  }

  /** First in the pipeline of a connection being closed: nothing the client still sends reaches the HTTP codec. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    private long lastRead = System.nanoTime();
    private ScheduledFuture<?> quiet;
    private ScheduledFuture<?> max;

    void arm(Channel ch) {
      max = ch.eventLoop().schedule(() -> ch.close(), LINGER_MAX.toMillis(), TimeUnit.MILLISECONDS);
      scheduleQuiet(ch, LINGER_QUIET.toNanos());
      ch.closeFuture().addListener(f -> cancel());
    }

    private void scheduleQuiet(Channel ch, long delayNanos) {
      quiet = ch.eventLoop().schedule(() -> {
        long idle = System.nanoTime() - lastRead;
        if (idle >= LINGER_QUIET.toNanos()) {
          ch.close();
        } else {
          scheduleQuiet(ch, LINGER_QUIET.toNanos() - idle);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
      if (quiet != null) {
        quiet.cancel(false);
      }
      if (max != null) {
        max.cancel(false);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf) {
        lastRead = System.nanoTime();
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      // swallowed with the bytes: the codec behind has nothing new
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close(); // the client is done: so are we
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
