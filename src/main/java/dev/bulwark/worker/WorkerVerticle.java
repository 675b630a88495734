package dev.bulwark.worker;

import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one handler instance for one service. Deployed with {@code ThreadingModel.WORKER}: the handler runs on a
 * worker thread of the service's own pool, one request at a time per instance, so blocking is allowed and never
 * touches an event loop. Failures are answered with a failed reply; the HTTP side turns that into a 500 carrying
 * the request id, and the stack trace is logged here, with that id, only.
 */
public final class WorkerVerticle extends VerticleBase {
  /** Event-bus header with the epoch-millisecond deadline after which the caller no longer waits. */
  public static final String DEADLINE_HEADER = "bulwark-deadline";
  /** Failure code of a reply whose handler threw or answered nothing. */
  public static final int HANDLER_FAILED = 500;
  /** Failure code of a reply whose handler went over its CPU or wall budget. */
  public static final int OVER_BUDGET = 503;

  private static final Logger LOG = Logger.getLogger(WorkerVerticle.class.getName());

  private final ServiceConfig service;
  private final HandlerFactory factory;
  private final Env env;
  private HandlerFactory.Invoker invoker;
  private MessageConsumer<Request> consumer;

  public WorkerVerticle(ServiceConfig service, HandlerFactory factory, Env env) {
    this.service = service;
    this.factory = factory;
    this.env = env;
  }

  @Override
  public Future<?> start() {
    try {
      invoker = factory.newInvoker(vertx, env);
    } catch (HandlerLoadException e) {
      return Future.failedFuture(e);
    }
    consumer = vertx.eventBus().consumer(service.address(), this::handle);
    return consumer.completion();
  }

  private void handle(Message<Request> message) {
    Request request = message.body();
    String deadline = message.headers().get(DEADLINE_HEADER);
    if (deadline != null && System.currentTimeMillis() > Long.parseLong(deadline)) {
      // The caller has already answered 504; running the handler now would only add load.
      return;
    }
    Future<Response> result;
    try {
      result = invoker.invoke(request, env);
      if (result == null) {
        result = Future.failedFuture(new IllegalStateException("handler returned a null future"));
      }
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
        throw vme;
      }
      result = Future.failedFuture(t);
    }
    result.onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof BudgetExceededException over) {
        LOG.warning(() -> "request " + request.requestId() + " to service '" + service.name() + "' ("
            + request.method() + " " + request.url() + ") " + over.getMessage());
        message.fail(OVER_BUDGET, request.requestId());
      } else {
        Throwable cause = ar.succeeded() ? new IllegalStateException("handler returned no response (null)") : ar.cause();
        LOG.log(Level.WARNING, "request " + request.requestId() + " to service '" + service.name() + "' ("
            + request.method() + " " + request.url() + ") failed in " + factory.describe(), cause);
        message.fail(HANDLER_FAILED, request.requestId());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (invoker != null) {
      invoker.close();
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
