package dev.bulwark.http;

import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Credit;
import dev.bulwark.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A request body sent on to the worker as the client sends it, instead of received whole first: for a service that
 * takes bodies that way ({@link dev.bulwark.config.ServiceConfig#streamsRequestBodies}), when the body's length is
 * unknown (chunked, or HTTP/2 without a length) or over {@link #WHOLE_MAX}. Its request is dispatched at once; the
 * body follows as {@link Chunk}s to the worker instance that runs it, once that instance is known.
 *
 * <p>Flow control: at most {@link #WINDOW} bytes are on their way to the handler and not yet taken by it; beyond
 * that the request is paused, so a client that sends faster than the handler reads is held back by TCP (or HTTP/2's
 * window), and a body costs the runtime a window of memory whatever its size. The handler's {@link Credit}s resume it.
 *
 * <p>Limits: over the service's {@code maxBodyBytes}, the handler's body errors and the client gets 413; when the body
 * makes no progress for {@code http.bodyTimeout} while the runtime waits for the client (not while the handler is
 * behind), the handler's body errors and the client gets 408. A client that leaves, or sends a malformed chunk,
 * errors the handler's body too. Once the request is answered (a response with a complete
 * body, or one of the runtime's own answers), or the handler cancels the body, the rest is read and thrown away, so
 * the connection can carry the next request. All on the request's event loop.
 */
final class Upload {
  /** A body of a known length up to this is received whole and sent with its request; one longer, or unknown, streams. */
  static final int WHOLE_MAX = 64 * 1024;
  /** Bytes sent to the worker and not yet taken by its handler, beyond which the client is not read. */
  static final int WINDOW = WorkerVerticle.STREAM_WINDOW;
  /**
   * The most one {@link Chunk} carries. The pieces Vert.x reads in one turn of the loop (8 KiB each) go as one chunk
   * up to this: the script's stream then handles a few large chunks rather than many small ones, which in the
   * interpreter decides whether a 1 MB body fits the default CPU budget.
   */
  static final int GATHER_MAX = 64 * 1024;

  private enum State { SENDING, DISCARDING, OVER }

  private static final String CLOSED = "the client closed the connection before the request body's end";

  private final Vertx vertx;
  private final io.vertx.core.Context context;
  private final HttpServerRequest req;
  private final Exchange exchange;
  private final long limit;
  private final long bodyTimeoutMillis;
  private State state = State.SENDING;
  /** Whether there is a body at all is not known yet: the request is dispatched once it is ({@link #start}). */
  private boolean undecided;
  private Dispatcher dispatcher;
  private String to;
  private String from;
  private long id;
  /** What arrived before the request was sent: data, then null for the end; null once it was sent. */
  private List<byte[]> early = new ArrayList<>();
  /** Why the body failed before the request was sent. */
  private String earlyFailure;
  /** Data read in this turn of the loop, sent at its end (or once it reaches {@link #GATHER_MAX}). */
  private Buffer gathered;
  private long received;
  private long unacked;
  private boolean paused;
  /** The client's input has ended: what Vert.x holds of it still comes, then nothing more. */
  private boolean inputEnded;
  /** When the client last sent some of the body, or was last asked for more (resumed). */
  private long lastProgress;
  private long timer = -1;

  Upload(Vertx vertx, HttpServerRequest req, Exchange exchange, long limit, long bodyTimeoutMillis) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.req = req;
    this.exchange = exchange;
    this.limit = limit;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
  }

  /**
   * Starts reading the body. With {@code untilKnown}, the request is not dispatched yet: an HTTP/2 request without a
   * length says it has no body only by ending its stream, which for a GET comes right after its head. Then the
   * exchange is told which it is: {@link Exchange#bodyFollows} at the first data, {@link Exchange#noBody} at an end
   * before any.
   */
  void start(boolean untilKnown) {
    undecided = untilKnown;
    req.handler(this::data);
    req.endHandler(v -> ended());
    req.exceptionHandler(this::broken);
    Closing.onInputEnd(req, this::inputEnded);
    waitOnClient();
    req.resume();
  }

  /** The request went to worker instance {@code to}, from {@code from} with {@code id}: the body follows there. */
  void dispatched(Dispatcher dispatcher, String to, String from, long id) {
    this.dispatcher = dispatcher;
    this.to = to;
    this.from = from;
    this.id = id;
    List<byte[]> before = early;
    early = null;
    if (earlyFailure != null) {
      vertx.eventBus().send(to, Chunk.fail(from, id, earlyFailure));
      return;
    }
    before.forEach(this::send);
    if (state == State.SENDING) {
      dispatcher.uploading(id, this);
    }
  }

  /** Sends {@code bytes}, or the end for null, once the request is sent. */
  private void send(byte[] bytes) {
    if (early != null) {
      early.add(bytes);
    } else {
      vertx.eventBus().send(to, bytes == null ? Chunk.end(from, id) : Chunk.data(from, id, bytes));
    }
  }

  private void data(Buffer chunk) {
    if (state == State.OVER) {
      return;
    }
    if (undecided) {
      undecided = false;
      exchange.bodyFollows();
    }
    received += chunk.length();
    if (received > limit) {
      refuse(413, "Request body is larger than " + limit + " bytes\n",
          "the request body is larger than the service's maxBodyBytes (" + limit + " bytes)");
      return;
    }
    lastProgress = System.nanoTime();
    if (state == State.DISCARDING) {
      return;
    }
    if (gathered == null) {
      gathered = Buffer.buffer(Math.max(chunk.length(), 16 * 1024));
      context.runOnContext(v -> sendGathered()); // after what this turn reads
    }
    gathered.appendBuffer(chunk);
    if (gathered.length() >= GATHER_MAX) {
      sendGathered();
    }
    unacked += chunk.length();
    if (unacked >= WINDOW && !paused) {
      paused = true; // the handler is behind: time passing now is not the client's
      req.pause();
      stopWaiting();
    }
  }

  private void ended() {
    if (state == State.OVER) {
      return;
    }
    stopWaiting();
    if (undecided) {
      state = State.OVER;
      exchange.noBody();
      return;
    }
    if (state == State.SENDING) {
      sendGathered();
      send(null);
    }
    over();
  }

  private void sendGathered() {
    if (gathered != null && state == State.SENDING) {
      send(gathered.getBytes());
    }
    gathered = null;
  }

  private void broken(Throwable err) {
    if (state == State.OVER) {
      return;
    }
    stopWaiting();
    fail("the request body could not be read to its end: " + (err.getMessage() == null ? err : err.getMessage()));
    exchange.bodyBroken(err);
  }

  /** The connection (or HTTP/2 stream) closed: the rest of the body will not come. */
  void closed() {
    if (state != State.OVER) {
      stopWaiting();
      fail(CLOSED);
    }
  }

  /**
   * The client closed or half-closed its side (over TCP the two look the same until a write fails). Not paused,
   * every complete piece it sent has been delivered here already, so the body is incomplete; paused, Vert.x may
   * still hold its end, so the body goes on and, should nothing more come, fails when it makes no progress.
   */
  private void inputEnded() {
    if (state == State.OVER) {
      return;
    }
    inputEnded = true;
    if (!paused) {
      stopWaiting();
      fail(CLOSED);
      exchange.bodyBroken(new java.io.EOFException(CLOSED));
    }
  }

  /** The handler took {@code credit.bytes()} more, or wants no more. */
  void credit(Credit credit) {
    if (state != State.SENDING) {
      return;
    }
    if (credit.cancel()) {
      discard();
      return;
    }
    unacked -= credit.bytes();
    if (paused && unacked < WINDOW) {
      paused = false;
      waitOnClient();
      req.resume();
    }
  }

  /**
   * The request is answered: the handler gets no more of its body (its stream errors with why, should it still read)
   * and the rest is thrown away.
   */
  void answered(String how) {
    if (state == State.SENDING) {
      sendFailure("the request was " + how + " before its body was read to its end");
    }
    discard();
  }

  /** Reads and throws away the rest of the body, within the same limits. */
  private void discard() {
    if (state != State.SENDING) {
      return;
    }
    state = State.DISCARDING;
    unregister();
    if (paused) {
      paused = false;
      waitOnClient();
      req.resume();
    }
  }

  private void refuse(int status, String answer, String reason) {
    stopWaiting();
    fail(reason);
    exchange.bodyRefused(status, answer);
  }

  /** The body cannot be completed: the handler's body errors with {@code reason}, and nothing more is read. */
  private void fail(String reason) {
    if (state == State.SENDING) {
      sendFailure(reason);
    }
    over();
  }

  private void sendFailure(String reason) {
    if (early != null) {
      earlyFailure = reason; // sent instead of what came before it, once the request is sent
    } else {
      vertx.eventBus().send(to, Chunk.fail(from, id, reason));
    }
  }

  private void over() {
    state = State.OVER;
    Closing.onInputEnd(req, null);
    unregister();
  }

  private void unregister() {
    if (dispatcher != null) {
      dispatcher.uploaded(id);
    }
  }

  /**
   * Waits for the client to send more, for {@code http.bodyTimeout} at most from its last progress (as nginx's
   * {@code client_body_timeout}: a body of any size may take as long as it keeps coming, within the size limit).
   */
  private void waitOnClient() {
    lastProgress = System.nanoTime();
    if (timer < 0) {
      arm(TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMillis));
    }
  }

  /** One timer for the whole body, re-armed for what is left when it finds progress since it was set. */
  private void arm(long nanos) {
    timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), t -> {
      timer = -1;
      if (paused || state == State.OVER) {
        return;
      }
      long left = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMillis) - (System.nanoTime() - lastProgress);
      if (left > 0) {
        arm(left);
      } else {
        refuse(408, "Request body made no progress for " + bodyTimeoutMillis + " ms\n", inputEnded ? CLOSED
            : "the request body made no progress for http.bodyTimeout (" + bodyTimeoutMillis + " ms)");
      }
    });
  }

  private void stopWaiting() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
