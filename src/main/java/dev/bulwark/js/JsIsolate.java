package dev.bulwark.js;

import dev.bulwark.api.Env;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.ServiceBinding;
import dev.bulwark.worker.BudgetExceededException;
import dev.bulwark.worker.HandlerLoadException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * One JavaScript isolate: a polyglot {@link Context} owned by one worker-verticle instance. Every entry into it runs
 * on that verticle's (ordered) worker context, so the context is never used by two threads at once. Requests are
 * interleaved as in workerd: while one awaits a timer or a fetch, the next one runs.
 *
 * <p>Each entry is charged to the request it runs for (the one that started it, or that scheduled the timer or
 * fetch it continues); {@link CpuWatchdog} interrupts an entry that uses more CPU than its request has left, and
 * that request alone gets 503. If the context cannot be interrupted it is cancelled and rebuilt for the next
 * request.
 */
final class JsIsolate {
  private static final Logger LOG = Logger.getLogger(JsIsolate.class.getName());
  private static final ExecutorService INTERRUPTER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bulwark-js-interrupt");
    t.setDaemon(true);
    return t;
  });

  private final JsService service;
  private final Vertx vertx;
  private final Env env;
  private Context context;
  /** The context whose script's top level is being evaluated by {@link #load}, for the watchdog to interrupt. */
  private volatile Context starting;
  private Value dispatch;
  private Value internal;
  private TimersHost timers;
  private FetchHost fetch;
  /** The request whose code runs now; null while the script's global scope runs. */
  private RequestState current;
  private volatile boolean cancelled;
  /**
   * What is left of this isolate's cold-start allowance ({@link JsService#COLD_START_ALLOWANCE}), in nanoseconds:
   * CPU time requests that run over their budget may still use, once for the isolate's life.
   */
  private final java.util.concurrent.atomic.AtomicLong allowance =
      new java.util.concurrent.atomic.AtomicLong(JsService.COLD_START_ALLOWANCE.toNanos());
  /** This isolate's service bindings: their streamed bodies coming in are cancelled when it closes. */
  private final List<ServiceBindingHost> bindings = new ArrayList<>();
  /** The streamed bodies being sent ({@link JsBodyStream}): failed when the isolate closes. */
  private final java.util.Set<JsBodyStream> streams = new java.util.LinkedHashSet<>();
  /** Counts entries, so that a late interrupt never hits the entry after the one that overran. */
  private volatile long entries;

  JsIsolate(JsService service, Vertx vertx, Env env) {
    this.service = service;
    this.vertx = vertx;
    this.env = env;
  }

  private static final CompressionHost COMPRESSION = new CompressionHost(); // keeps no state of its own
  // Web Crypto (47-crypto.js and its algorithm families, 48-crypto-*.js); none keeps state of its own.
  private static final CryptoHost CRYPTO = new CryptoHost();
  private static final RsaHost RSA = new RsaHost();
  private static final EcHost EC = new EcHost();
  private static final SymmetricHost SYMMETRIC = new SymmetricHost();

  /**
   * Builds the context: prelude, bindings, then the worker script's global scope, which runs under
   * {@link JsService#STARTUP_CPU_LIMIT}: a top level that does not finish within it (an endless loop) is
   * interrupted and the script is refused, as workerd refuses a script over its start-up CPU limit.
   */
  void load() throws HandlerLoadException {
    load(0, 0);
  }

  /**
   * As {@link #load()}; before the script runs, the prelude's request path is exercised {@code rounds} times, and
   * the script side of fetch(), a service binding and form bodies {@code subrequestRounds} times against
   * {@link WarmUpHost} (see {@code internal.warmUp} in 90-worker.js). Before the script, so that no user code is
   * called by it. The service's trial isolate does this: the engine shares the code it warms with every isolate.
   */
  void load(int rounds, int subrequestRounds) throws HandlerLoadException {
    Context c = service.newContext();
    CpuWatchdog watchdog = CpuWatchdog.get();
    boolean watched = false;
    try {
      timers = vertx == null ? null : new TimersHost(vertx, this);
      Map<String, Object> hostModules = new java.util.LinkedHashMap<>();
      hostModules.put("text", new TextHost());
      hostModules.put("clock", new ClockHost());
      hostModules.put("crypto", CRYPTO);
      hostModules.put("rsa", RSA);
      hostModules.put("ec", EC);
      hostModules.put("symmetric", SYMMETRIC);
      hostModules.put("compression", COMPRESSION);
      hostModules.put("cache", new CacheHost(service.cache(), this));
      hostModules.put("console", new ConsoleHost(service.name(), () -> current == null ? null : current.id));
      Map<String, Object> values = new java.util.LinkedHashMap<>();
      Map<String, Object> services = new java.util.LinkedHashMap<>();
      env.asMap().forEach((name, value) -> {
        if (value instanceof ServiceBinding b) {
          ServiceBindingHost host = new ServiceBindingHost(vertx, this, b, service.wallBudget());
          bindings.add(host);
          services.put(name, host);
        } else {
          values.put(name, value);
        }
      });
      hostModules.put("bindings", io.vertx.core.json.Json.encode(values));
      hostModules.put("services", ProxyObject.fromMap(services));
      hostModules.put("serviceName", service.name());
      if (timers != null) {
        hostModules.put("timers", timers);
      }
      fetch = vertx == null ? null : new FetchHost(vertx, this, service.fetchConfig());
      if (fetch != null) {
        hostModules.put("fetch", fetch);
      }
      Value internal = Prelude.install(c, ProxyObject.fromMap(hostModules));
      if (rounds > 0 || subrequestRounds > 0) {
        warmUp(internal, rounds, subrequestRounds);
      }
      Value loader = internal.getMember("loadWorker");
      starting = c;
      entries++;
      watchdog.begin(this, JsService.STARTUP_CPU_LIMIT.toNanos(), false);
      watched = true;
      if (service.isModule()) {
        Value exports = c.eval(service.source());
        loader.execute("module", exports);
      } else {
        loader.execute("service-worker", null);
        c.eval(service.source());
      }
      dispatch = internal.getMember("dispatch");
      internal.getMember("checkWorker").execute();
      watchdog.end(this);
      watched = false;
      this.internal = internal;
      this.context = c;
    } catch (PolyglotException e) {
      closeQuietly(c);
      if (e.isInterrupted() || e.isCancelled()) {
        cancelled = false;
        throw new HandlerLoadException(service.script() + ": the script's top level did not finish within "
            + JsService.STARTUP_CPU_LIMIT.toMillis() + " ms of CPU at start-up and was stopped (an endless loop, "
            + "or too much work outside the fetch handler; workerd refuses such a script too)");
      }
      throw new HandlerLoadException(service.describeError(e));
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw new HandlerLoadException(service.script() + ": " + e.getMessage());
    } finally {
      if (watched) {
        watchdog.end(this);
      }
      starting = null;
    }
  }

  private void warmUp(Value internal, int rounds, int subrequestRounds) {
    Value problems = internal.getMember("warmUp").execute(rounds, new WarmUpHost(), subrequestRounds);
    if (problems.getArraySize() > 0) {
      List<String> list = new ArrayList<>();
      for (long i = 0; i < problems.getArraySize(); i++) {
        list.add(problems.getArrayElement(i).asString());
      }
      LOG.warning(() -> "service '" + service.name() + "': the start-up warm-up failed (the first requests may run "
          + "over their CPU budget): " + String.join("; ", list));
    }
  }

  private static void closeQuietly(Context c) {
    try {
      c.close(true);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "closing an isolate", e);
    }
  }

  /**
   * Called on this isolate's worker context; with {@code incoming}, the request's body follows as it arrives and is
   * {@code request.body}.
   */
  Future<Response> invoke(Request request, dev.bulwark.worker.IncomingBody incoming) {
    if (context == null || cancelled) {
      try {
        discard();
        cancelled = false;
        load();
      } catch (HandlerLoadException e) {
        return Future.failedFuture(e);
      }
    }
    RequestState st = new RequestState(request.requestId(), service.cpuBudget().toNanos(),
        System.nanoTime() + service.wallBudget().toNanos());
    StringBuilder joined = new StringBuilder(256);
    request.headers().forEach((n, v) -> {
      if (joined.length() > 0) {
        joined.append('\0');
      }
      joined.append(n.toLowerCase(java.util.Locale.ROOT)).append('\0').append(v);
    });
    // An empty Host (allowed by RFC 9112, 3.2, for a target without authority) is no host either.
    String host = request.header("host").filter(h -> !h.isEmpty()).orElse("localhost");
    String url = "http://" + host + request.url();
    Object body = request.bodyLength() == 0 ? null : ByteBuffer.wrap(request.bodyBytes());
    String acceptEncoding = request.header("accept-encoding").orElse(null);
    ProxyExecutable done = args -> {
      boolean manual = args.length > 3 && args[3].isBoolean() && args[3].asBoolean();
      String statusText = args.length > 4 && args[4].isString() ? args[4].asString() : null;
      boolean streamed = args.length > 5 && args[5].isBoolean() && args[5].asBoolean();
      Response response;
      if (streamed) { // args[2] is the body's pump (internal.bodyPump)
        List<Map.Entry<String, String>> fields = fields(args[1]);
        ContentCoding.Decision d = manual ? new ContentCoding.Decision(fields, null)
            : ContentCoding.decide(fields, true, acceptEncoding);
        response = Response.stream(args[0].asInt(), Headers.of(d.fields()),
            new JsBodyStream(this, st, args[2], d.encodeAs()));
      } else {
        response = toResponse(args[0], args[1], args[2], acceptEncoding, manual);
      }
      // A Response's statusText is a valid reason phrase: its constructor and fetchedResponse (35-response.js) check.
      st.promise.tryComplete(response.withReason(statusText));
      return null;
    };
    ProxyExecutable fail = args -> {
      st.promise.tryFail(new JsError(args[0].isString() ? args[0].asString() : String.valueOf(args[0])));
      return null;
    };
    JsPushedBody upload = incoming == null ? null : new JsPushedBody(this, st, incoming,
        "the request body could not be read to its end");
    enter(st, () -> dispatch.executeVoid(request.method(), url, joined.toString(), body,
        request.clientAddress(), request.requestId(), done, fail, upload));
    if (upload != null) {
      upload.begin();
    }
    return st.promise.future();
  }

  /**
   * The handler's answer: status, headers as "name\0value\0...", body as a string, an ArrayBuffer or null (the
   * statusText becomes the reason phrase, {@link Response#withReason}); its body
   * encoded as its content-encoding says, or that header dropped ({@link ContentCoding#forClient}).
   */
  private static Response toResponse(Value status, Value headers, Value body, String acceptEncoding, boolean manual) {
    List<Map.Entry<String, String>> fields = fields(headers);
    if (manual) { // encodeBody: 'manual': already encoded as its content-encoding says
      return Response.of(status.asInt(), Headers.of(fields), Bytes.of(body));
    }
    Map.Entry<List<Map.Entry<String, String>>, byte[]> sent = ContentCoding.forClient(fields, Bytes.of(body),
        acceptEncoding);
    return Response.of(status.asInt(), Headers.of(sent.getKey()), sent.getValue());
  }

  /** Header fields joined as "name\0value\0...". */
  private static List<Map.Entry<String, String>> fields(Value headers) {
    String joined = headers.asString();
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    int at = 0;
    while (at < joined.length()) {
      int nameEnd = joined.indexOf('\0', at);
      int valueEnd = joined.indexOf('\0', nameEnd + 1);
      if (valueEnd < 0) {
        valueEnd = joined.length();
      }
      fields.add(Map.entry(joined.substring(at, nameEnd), joined.substring(nameEnd + 1, valueEnd)));
      at = valueEnd + 1;
    }
    return fields;
  }

  /**
   * The request {@code tag} stands for streams its body now ({@link JsBodyStream}): its wall-time budget, which is
   * for making the answer, no longer applies (as in workerd, a body may take as long as its client reads), its CPU
   * budget still does, and the isolate fails the stream should it close first.
   */
  void streaming(Object tag, JsBodyStream body) {
    ((RequestState) tag).stream = body;
    streams.add(body);
  }

  /** {@code body} has ended, failed or been cancelled. */
  void streamed(Object tag, JsBodyStream body) {
    RequestState st = (RequestState) tag;
    if (st.stream == body) {
      st.stream = null;
    }
    streams.remove(body);
  }

  /** The request on whose behalf code runs now (timers and fetches started now are charged to it). */
  Object currentTag() {
    if (current == null) {
      throw new IllegalStateException("this is not allowed in the global scope of a worker (as in workerd): "
          + "call it while handling a request");
    }
    return current;
  }

  /**
   * Null while a request's code runs; in the script's global scope, why {@code what} (an API that does I/O, such as
   * "fetch()") may not be used there, as workerd refuses it.
   */
  String globalScopeRefusal(String what) {
    return current != null ? null : what + " is not allowed in the global scope of a worker (as in workerd): use it "
        + "while handling a request";
  }

  /** The id of the request a {@link #currentTag()} stands for. */
  String requestIdOf(Object tag) {
    return ((RequestState) tag).id;
  }

  /** Runs {@code js} later, on this isolate's context, charged to the request {@code tag}. */
  void enterLater(Object tag, Runnable js) {
    RequestState st = (RequestState) tag;
    if (context == null || cancelled) {
      if (st.stream != null) {
        st.stream.failed(new IllegalStateException("the isolate was stopped while the response body was being sent"));
      }
      return;
    }
    enter(st, js);
  }

  private void enter(RequestState st, Runnable js) {
    if (st.stream == null && System.nanoTime() > st.wallDeadline) {
      LOG.fine(() -> "request " + st.id + ": work after the wall budget was dropped");
      st.promise.tryFail(new BudgetExceededException("exceeded its wall-time budget of "
          + service.wallBudget().toMillis() + " ms"));
      return;
    }
    long left = st.cpuLeft;
    if (left <= 0 && allowance.get() <= 0) {
      st.failed(overCpu());
      return;
    }
    RequestState previous = current;
    current = st;
    entries++;
    CpuWatchdog watchdog = CpuWatchdog.get();
    watchdog.begin(this, Math.max(0, left), true);
    try {
      js.run();
    } catch (PolyglotException e) {
      if (e.isInterrupted() || e.isCancelled()) {
        st.cpuLeft = 0;
        // Once the handler has answered, the client has its response: what was stopped is the work it went on
        // doing (ctx.waitUntil, timers), or turning a large body into bytes.
        boolean stopped = st.promise.tryFail(overCpu());
        JsBodyStream streaming = st.stream;
        if (streaming != null) {
          streaming.failed(overCpu()); // its client sees the body cut short
        }
        LOG.warning(() -> "request " + st.id + " to service '" + service.name() + "' exceeded its CPU budget of "
            + service.cpuBudget().toMillis() + " ms and was stopped"
            + (stopped ? "" : streaming != null ? " while its body was being streamed (the response was cut short)"
                : " after it had answered (its response went out; the work it was still doing did not)")
            + (e.isCancelled() ? "; the isolate is replaced" : ""));
      } else if (e.isHostException()) {
        st.promise.tryFail(e.asHostException());
      } else {
        st.promise.tryFail(new JsError(service.describeError(e)));
      }
    } finally {
      st.cpuLeft -= watchdog.end(this);
      current = previous;
    }
  }

  private BudgetExceededException overCpu() {
    return new BudgetExceededException("exceeded its CPU budget of " + service.cpuBudget().toMillis() + " ms");
  }

  /** Called by the watchdog thread for an entry over its budget: all that is left of the allowance, now 0. */
  long takeAllowance() {
    return allowance.getAndSet(0);
  }

  /** Called when an entry that was given the allowance ends: what it did not use. */
  void returnAllowance(long nanos) {
    if (nanos > 0) {
      allowance.addAndGet(nanos);
    }
  }

  /** Called by the watchdog thread: stop the running entry, or cancel the whole context if it does not stop. */
  void overBudget() {
    Context c = starting != null ? starting : context;
    long entry = entries;
    if (c == null) {
      return;
    }
    INTERRUPTER.execute(() -> {
      if (entry != entries) {
        return;
      }
      try {
        c.interrupt(Duration.ofMillis(500));
      } catch (TimeoutException e) {
        cancelled = true;
        c.close(true);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "interrupting an isolate of service '" + service.name() + "'", e);
      }
    });
  }

  private void discard() {
    for (JsBodyStream body : new ArrayList<>(streams)) {
      body.failed(new IllegalStateException("the isolate was closed while the response body was being sent"));
    }
    if (timers != null) {
      timers.clearAll();
    }
    if (fetch != null) {
      fetch.close();
    }
    bindings.forEach(ServiceBindingHost::close);
    bindings.clear();
    if (context != null) {
      try {
        context.close(true);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "closing an isolate", e);
      }
      context = null;
    }
  }

  /** Closes the context; called on the isolate's worker context when the verticle stops. */
  void close() {
    discard();
  }

  private static final class RequestState {
    final String id;
    final long wallDeadline;
    final Promise<Response> promise = Promise.promise();
    long cpuLeft;
    /** The body this request's answer is streaming, from its start to its end; null otherwise. */
    JsBodyStream stream;

    RequestState(String id, long cpuBudget, long wallDeadline) {
      this.id = id;
      this.cpuLeft = cpuBudget;
      this.wallDeadline = wallDeadline;
    }

    /** The request cannot go on: no answer yet, it fails; answered with a stream, the stream does. */
    void failed(Throwable cause) {
      if (!promise.tryFail(cause) && stream != null) {
        stream.failed(cause);
      }
    }
  }
}
