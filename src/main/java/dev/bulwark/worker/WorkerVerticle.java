package dev.bulwark.worker;

import dev.bulwark.api.BodyStream;
import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.ServiceConfig;
import dev.bulwark.dispatch.Batch;
import dev.bulwark.dispatch.Chunk;
import dev.bulwark.dispatch.Credit;
import dev.bulwark.dispatch.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one handler instance for one service. Deployed with {@code ThreadingModel.WORKER}: the handler runs on a
 * worker thread of the service's own pool, one request at a time per instance, so blocking is allowed and never
 * touches an event loop. It takes the HTTP side's {@link Batch}es, answering each item with an {@link Outcome}, and
 * single requests with request/reply (service bindings, users' own event-bus calls). A failure is answered with its
 * code only; the HTTP side turns that into a 500 carrying the request id, and the stack trace is logged here, with
 * that id, only.
 *
 * <p>A streamed response ({@link Response#stream}) is answered with its head, then its body follows as
 * {@link Chunk}s to the same address; the HTTP side acknowledges written bytes with {@link Credit}s to this instance's
 * own address, which is what {@link BodyStream.Sink#write} reports room by (a window of {@link #STREAM_WINDOW} bytes).
 *
 * <p>A batch item whose body follows ({@link Batch.Item#bodyFollows}) gets it as {@link Chunk}s from the batch's sender
 * to this instance's address, handed to the handler as an {@link IncomingBody}; this instance credits the sender with
 * what the handler has taken, and cancels the rest once the request is answered.
 */
public final class WorkerVerticle extends VerticleBase {
  /** Event-bus header with the epoch-millisecond deadline after which the caller no longer waits. */
  public static final String DEADLINE_HEADER = "bulwark-deadline";
  /**
   * Event-bus header of a single request whose caller takes a streamed body as {@link Chunk}s (a service binding):
   * the address they go to, with {@link #STREAM_ID_HEADER} as their id. Without it a streamed body is collected and
   * replied whole.
   */
  public static final String STREAM_TO_HEADER = "bulwark-stream-to";
  /** See {@link #STREAM_TO_HEADER}. */
  public static final String STREAM_ID_HEADER = "bulwark-stream-id";
  /** Header of a streamed reply: the address of the instance that streams it, where {@link Credit}s go. */
  public static final String INSTANCE_HEADER = "bulwark-instance";
  /** Failure code of a reply whose handler threw or answered nothing. */
  public static final int HANDLER_FAILED = 500;
  /** Failure code of a reply whose handler went over its CPU or wall budget. */
  public static final int OVER_BUDGET = 503;
  /** Failure code of a reply to a message that is not a request. */
  public static final int BAD_MESSAGE = 400;
  /** Failure code of a batch item not run because its deadline had passed (the caller has answered 504). */
  public static final int NOT_RUN = 504;
  /** Bytes of a streamed body sent but not yet written to the client, beyond which the stream is asked to wait. */
  public static final int STREAM_WINDOW = 64 * 1024;
  /**
   * The most a streamed body may hold when its caller takes the response whole (a service binding, a request/reply
   * caller, an HTTP/1.0 client): it is collected first, so an endless stream must not take the heap with it.
   */
  public static final int COLLECTED_MAX = 32 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(WorkerVerticle.class.getName());

  private final ServiceConfig service;
  private final HandlerFactory factory;
  private final Env env;
  private final int index;
  private HandlerFactory.Invoker invoker;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> own;
  /** The streamed bodies this instance is sending, by reply address and id; used on this verticle's context only. */
  private final Map<String, Outgoing> streams = new HashMap<>();
  /** The streamed request bodies coming in, by sender address and id; on this verticle's context only. */
  private final Map<String, IncomingChunks> incoming = new HashMap<>();
  private String self;

  /**
   * Instance {@code index} of {@code service}'s worker verticles: it consumes the service's address and its own
   * {@link ServiceConfig#instanceAddress}.
   */
  public WorkerVerticle(ServiceConfig service, HandlerFactory factory, Env env, int index) {
    this.service = service;
    this.factory = factory;
    this.env = env;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    try {
      invoker = factory.newInvoker(vertx, env);
    } catch (HandlerLoadException e) {
      return Future.failedFuture(e);
    }
    self = service.instanceAddress(index);
    consumer = vertx.eventBus().consumer(service.address(), this::handle);
    own = vertx.eventBus().consumer(service.instanceAddress(index), this::handle);
    return Future.all(consumer.completion(), own.completion());
  }

  private void handle(Message<Object> message) {
    Object body = message.body();
    if (body instanceof Batch batch) {
      runBatch(batch);
    } else if (body instanceof Request request) {
      runOne(message, request);
    } else if (body instanceof Chunk chunk) {
      IncomingChunks in = incoming.get(key(chunk.from(), chunk.id()));
      if (in != null) { // else done with, or never run (past its deadline): what was on its way still arrives
        in.arrived(chunk);
      }
    } else if (body instanceof Credit credit) {
      Outgoing out = streams.get(key(credit.replyTo(), credit.id()));
      if (out != null) {
        out.credit(credit);
      }
    } else {
      message.fail(BAD_MESSAGE, "service '" + service.name() + "' takes a " + Request.class.getName() + ", not "
          + (body == null ? "null" : body.getClass().getName()));
    }
  }

  /**
   * The HTTP side's batches: each item is run in turn and its outcome sent back on its own as soon as it is known,
   * so a slow item never holds back another's answer. Each outcome says how long the item kept this thread, which is
   * how the HTTP side learns how many requests to give one instance at a time. The clock is read once per item: the
   * reading after one handler call is where the next item's time starts.
   */
  private void runBatch(Batch batch) {
    VirtualMachineError fatal = null;
    long now = System.nanoTime();
    long deadline = now + TimeUnit.MILLISECONDS.toNanos(batch.deadlineMillis() - System.currentTimeMillis());
    for (Batch.Item item : batch.items()) {
      if (now - deadline > 0) {
        // The caller has answered 504; running it now would only add load. Its outcome still tells the caller that
        // this instance is done with it.
        answer(batch, item, Outcome.failed(item.id(), NOT_RUN, index, -1));
        continue;
      }
      Future<Response> result;
      long started = now;
      IncomingChunks in = null;
      if (item.bodyFollows()) {
        String key = key(batch.replyTo(), item.id());
        in = new IncomingChunks(vertx, self, batch.replyTo(), item.id(), () -> incoming.remove(key));
        incoming.put(key, in);
      }
      IncomingChunks body = in;
      try {
        result = run(item.request(), in);
      } catch (VirtualMachineError e) {
        // As with one message per request, the error still reaches Vert.x, but only after the other items have run:
        // they would otherwise wait for their 504.
        fatal = fatal == null ? e : fatal;
        LOG.severe(() -> "request " + item.request().requestId() + " to service '" + service.name() + "' failed: " + e);
        result = Future.failedFuture(new Failed(HANDLER_FAILED));
      }
      now = System.nanoTime();
      long ran = now - started;
      result.onComplete(ar -> {
        if (ar.succeeded() && ar.result().streamed()) {
          onContext(() -> stream(batch.replyTo(), item, ar.result(), ran));
        } else {
          if (body != null) {
            onContext(body::cancel); // answered: whatever of the body the handler did not read is not wanted
          }
          answer(batch, item, ar.succeeded()
              ? Outcome.answered(item.id(), ar.result(), index, ran)
              : Outcome.failed(item.id(), failureOf(ar.cause()), index, ran));
        }
      });
    }
    if (fatal != null) {
      throw fatal;
    }
  }

  /**
   * Sends a batch item's last outcome: straight into the sender's queue when the batch came from this process, else
   * over the event bus. An item whose body followed answers over the event bus too, behind the {@link Credit}s it
   * sent there, so that its sender sees them before the outcome that ends the upload.
   */
  private void answer(Batch batch, Batch.Item item, Outcome outcome) {
    if (batch.local() != null && !item.bodyFollows()) {
      batch.local().accept(outcome);
    } else {
      vertx.eventBus().send(batch.replyTo(), outcome);
    }
  }

  /** A single request with request/reply, as service bindings and users' own event-bus code send it. */
  private void runOne(Message<Object> message, Request request) {
    String deadline = message.headers().get(DEADLINE_HEADER);
    if (deadline != null && System.currentTimeMillis() > Long.parseLong(deadline)) {
      return; // the caller no longer waits
    }
    run(request, null).onComplete(ar -> {
      String streamTo = message.headers().get(STREAM_TO_HEADER);
      if (ar.succeeded() && ar.result().streamed() && streamTo != null && uncoded(ar.result())) {
        long id = Long.parseLong(message.headers().get(STREAM_ID_HEADER));
        onContext(() -> stream(streamTo, id, request.requestId(), ar.result(), () -> message.reply(ar.result(),
            new io.vertx.core.eventbus.DeliveryOptions().addHeader(INSTANCE_HEADER, service.instanceAddress(index)))));
      } else if (ar.succeeded() && ar.result().streamed()) {
        onContext(() -> collect(message, request, ar.result()));
      } else if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        message.fail(failureOf(ar.cause()), request.requestId());
      }
    });
  }

  /** Runs {@code task} on this verticle's context: now when already there, else next. */
  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private static String key(String replyTo, long id) {
    return replyTo + '#' + id;
  }

  /** Sends a streamed response's head, then starts its body; on this verticle's context. */
  private void stream(String replyTo, Batch.Item item, Response response, long ran) {
    stream(replyTo, item.id(), item.request().requestId(), response,
        () -> vertx.eventBus().send(replyTo, Outcome.answered(item.id(), response, index, ran)));
  }

  /**
   * Sends a streamed response's head ({@code head}), then starts its body, whose chunks go to {@code replyTo} with
   * {@code id}; on this verticle's context.
   */
  private void stream(String replyTo, long id, String requestId, Response response, Runnable head) {
    BodyStream body = response.bodyStream().orElseThrow();
    Outgoing out = new Outgoing(replyTo, id, requestId, body);
    streams.put(out.key, out);
    head.run();
    try {
      body.start(out);
    } catch (RuntimeException | StackOverflowError e) {
      out.fail(e);
    }
  }

  /**
   * Whether a streamed response goes out as its handler made it, in no content coding: a caller that takes chunks
   * (a service binding) decodes only whole bodies, so a coded one is collected for it.
   */
  private static boolean uncoded(Response response) {
    return dev.bulwark.js.ContentCoding.none(response.headers().get("content-encoding").orElse(null));
  }

  /** A streamed response for a caller that takes it whole: collected, then replied; on this verticle's context. */
  private void collect(Message<Object> message, Request request, Response response) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BodyStream body = response.bodyStream().orElseThrow();
    BodyStream.Sink sink = new BodyStream.Sink() {
      private boolean over;

      @Override
      public synchronized boolean write(byte[] chunk) {
        if (over) {
          return false;
        }
        if (bytes.size() + (long) chunk.length > COLLECTED_MAX) {
          over = true;
          failed(new IllegalStateException("the streamed body is over " + COLLECTED_MAX + " bytes, the most a caller "
              + "that takes it whole (a service binding) gets"));
          onContext(body::cancel);
          return false;
        }
        bytes.writeBytes(chunk);
        return true;
      }

      @Override
      public synchronized void end() {
        if (!over) {
          over = true;
          message.reply(Response.of(response.status(), response.headers(), bytes.toByteArray())
              .withReason(response.reason().orElse(null)));
        }
      }

      @Override
      public synchronized void fail(Throwable cause) {
        if (!over) {
          over = true;
          failed(cause);
        }
      }

      private void failed(Throwable cause) {
        LOG.log(Level.WARNING, "request " + request.requestId() + " to service '" + service.name() + "': its "
            + "streamed body failed", cause);
        message.fail(HANDLER_FAILED, request.requestId());
      }
    };
    try {
      body.start(sink);
    } catch (RuntimeException | StackOverflowError e) {
      sink.fail(e);
    }
  }

  /**
   * Runs the handler, with the request's body to follow as {@code body} unless that is null; a failed future carries
   * a {@link Failed} whose details are already logged.
   */
  private Future<Response> run(Request request, IncomingBody body) {
    Future<Response> result;
    try {
      result = body == null ? invoker.invoke(request, env) : invoker.invoke(request, env, body);
      if (result == null) {
        result = Future.failedFuture(new IllegalStateException("handler returned a null future"));
      }
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
        throw vme;
      }
      result = Future.failedFuture(t);
    }
    if (result.succeeded() && result.result() != null) {
      return result; // answered already (every plain Response): nothing to look at, no listener to chain
    }
    return result.transform(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        return Future.succeededFuture(ar.result());
      }
      if (ar.cause() instanceof BudgetExceededException over) {
        LOG.warning(() -> "request " + request.requestId() + " to service '" + service.name() + "' ("
            + request.method() + " " + request.url() + ") " + over.getMessage());
        return Future.failedFuture(new Failed(OVER_BUDGET));
      }
      Throwable cause = ar.succeeded() ? new IllegalStateException("handler returned no response (null)") : ar.cause();
      LOG.log(Level.WARNING, "request " + request.requestId() + " to service '" + service.name() + "' ("
          + request.method() + " " + request.url() + ") failed in " + factory.describe(), cause);
      return Future.failedFuture(new Failed(HANDLER_FAILED));
    });
  }

  private static int failureOf(Throwable t) {
    return t instanceof Failed f ? f.code : HANDLER_FAILED;
  }

  /** A handler failure that has been logged; only its code travels back. */
  private static final class Failed extends RuntimeException {
    private final int code;

    Failed(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  /**
   * A streamed body on its way: the sink its {@link BodyStream} writes to (from any thread), which sends each chunk
   * to the HTTP side and counts the bytes not yet acknowledged.
   */
  private final class Outgoing implements BodyStream.Sink {
    final String key;
    final String replyTo;
    final long id;
    final String requestId;
    final BodyStream body;
    private long unacked;
    private boolean waiting;
    private boolean over;

    Outgoing(String replyTo, long id, String requestId, BodyStream body) {
      this.key = key(replyTo, id);
      this.replyTo = replyTo;
      this.id = id;
      this.requestId = requestId;
      this.body = body;
    }

    @Override
    public synchronized boolean write(byte[] chunk) {
      if (over) {
        return false;
      }
      if (chunk.length > 0) {
        unacked += chunk.length;
        // Under the lock: chunks written from several threads still arrive in the order they were written.
        vertx.eventBus().send(replyTo, Chunk.data(self, id, chunk));
      }
      waiting = unacked >= STREAM_WINDOW;
      return !waiting;
    }

    @Override
    public synchronized void end() {
      if (!over) {
        over = true;
        vertx.eventBus().send(replyTo, Chunk.end(self, id));
        onContext(this::finished);
      }
    }

    @Override
    public synchronized void fail(Throwable cause) {
      if (!over) {
        over = true;
        LOG.log(Level.WARNING, "request " + requestId + " to service '" + service.name() + "': its streamed body "
            + "failed after the head was sent; the response was cut short", cause);
        vertx.eventBus().send(replyTo, Chunk.fail(self, id));
        onContext(this::finished);
      }
    }

    /** The response is over: so is the request, and what the handler did not read of its body is not wanted. */
    private void finished() {
      streams.remove(key);
      IncomingChunks in = incoming.get(key);
      if (in != null) {
        in.cancel();
      }
    }

    /** On this verticle's context. */
    void credit(Credit credit) {
      if (credit.cancel()) {
        stop(false);
        return;
      }
      boolean resume;
      synchronized (this) {
        unacked -= credit.bytes();
        resume = waiting && !over && unacked < STREAM_WINDOW;
        if (resume) {
          waiting = false;
        }
      }
      if (resume) {
        try {
          body.resume();
        } catch (RuntimeException | StackOverflowError e) {
          fail(e);
        }
      }
    }

    /** No more is wanted (the client left) or can be sent ({@code tellClient}: the runtime stops); on the context. */
    void stop(boolean tellClient) {
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        if (tellClient) {
          vertx.eventBus().send(replyTo, Chunk.fail(self, id));
        }
      }
      finished();
      try {
        body.cancel();
      } catch (RuntimeException | StackOverflowError e) {
        LOG.log(Level.FINE, "request " + requestId + ": cancelling its streamed body", e);
      }
    }
  }

  @Override
  public Future<?> stop() {
    for (Outgoing out : new ArrayList<>(streams.values())) {
      out.stop(true);
    }
    for (IncomingChunks in : new ArrayList<>(incoming.values())) {
      in.stop();
    }
    if (invoker != null) {
      invoker.close();
    }
    return consumer == null ? Future.succeededFuture() : Future.all(consumer.unregister(), own.unregister());
  }
}
