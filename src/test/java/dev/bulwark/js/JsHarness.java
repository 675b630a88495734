package dev.bulwark.js;

import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.FetchConfig;
import dev.bulwark.worker.HandlerFactory;
import dev.bulwark.worker.HandlerLoadException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real JavaScript worker (the full prelude, a real isolate on a Vert.x worker context) without HTTP, for
 * tests of the Web APIs: {@code try (JsHarness js = JsHarness.module(source)) { js.fetch(Request.get("/")) }}, or
 * {@link #eval(String)} for an async function body whose result comes back as JSON.
 */
public final class JsHarness implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final JsService service;
  private final Holder holder = new Holder();
  private final Path dir;

  private JsHarness(Path dir, Path script, Duration cpuBudget, Map<String, Object> bindings, FetchConfig fetch)
      throws Exception {
    this.dir = dir;
    Env env = Env.of(bindings);
    this.service = JsService.load("test", script, cpuBudget, Duration.ofSeconds(30), env, fetch);
    holder.env = env;
    holder.service = service;
    vertx.deployVerticle(holder, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .await(30, TimeUnit.SECONDS);
  }

  /** A worker from a script file's text; {@code fileName} decides the format (.mjs module, .js detected). */
  public static JsHarness worker(String fileName, String source, Duration cpuBudget, Map<String, Object> bindings)
      throws Exception {
    return worker(fileName, source, cpuBudget, bindings, FetchConfig.DEFAULT);
  }

  /** As {@link #worker(String, String, Duration, Map)}, with the service's outbound fetch settings. */
  public static JsHarness worker(String fileName, String source, Duration cpuBudget, Map<String, Object> bindings,
                                 FetchConfig fetch) throws Exception {
    Path dir = Files.createTempDirectory("bulwark-js");
    Path script = dir.resolve(fileName);
    Files.writeString(script, source);
    return new JsHarness(dir, script, cpuBudget, bindings, fetch);
  }

  /** A module worker with the given outbound fetch settings. */
  public static JsHarness module(String source, FetchConfig fetch) throws Exception {
    return worker("worker.mjs", source, Duration.ofSeconds(10), Map.of(), fetch);
  }

  public static JsHarness module(String source) throws Exception {
    return worker("worker.mjs", source, Duration.ofSeconds(10), Map.of());
  }

  /**
   * Runs {@code asyncBody} (the body of an async function, e.g. {@code "return new URL('http://a/b').pathname;"})
   * in a fresh worker and returns what it returns, as JSON.
   */
  public static Object eval(String asyncBody) throws Exception {
    String source = "export default { async fetch(request, env, ctx) {\n"
        + "  const value = await (async () => {\n" + asyncBody + "\n})();\n"
        + "  return Response.json({ value: value === undefined ? null : value });\n} };\n";
    try (JsHarness js = module(source)) {
      Response r = js.fetch(Request.get("/"));
      if (r.status() != 200) {
        throw new AssertionError("status " + r.status() + ": " + r.text());
      }
      return new JsonObject(r.text()).getValue("value");
    }
  }

  /** Sends one request through the worker; a failed handler comes back as the exception it failed with. */
  public Response fetch(Request request) throws Exception {
    Promise<Response> p = Promise.promise();
    holder.workerContext.runOnContext(v -> {
      try {
        holder.invoker.invoke(request, holder.env).onComplete(ar -> {
          if (ar.succeeded() && ar.result() != null && ar.result().streamed()) {
            collect(ar.result(), p); // as a service binding's caller gets it: whole
          } else {
            p.handle(ar);
          }
        });
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future().await(60, TimeUnit.SECONDS);
  }

  /** Reads a streamed response's body to its end, on the worker context, into a whole response. */
  private static void collect(Response streamed, Promise<Response> p) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    streamed.bodyStream().orElseThrow().start(new dev.bulwark.api.BodyStream.Sink() {
      @Override
      public synchronized boolean write(byte[] chunk) {
        bytes.writeBytes(chunk);
        return true;
      }

      @Override
      public synchronized void end() {
        p.tryComplete(Response.of(streamed.status(), streamed.headers(), bytes.toByteArray())
            .withReason(streamed.reason().orElse(null)));
      }

      @Override
      public void fail(Throwable cause) {
        p.tryFail(cause);
      }
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    service.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static final class Holder extends VerticleBase {
    JsService service;
    Env env;
    volatile HandlerFactory.Invoker invoker;
    volatile io.vertx.core.Context workerContext;

    @Override
    public Future<?> start() {
      try {
        workerContext = context;
        invoker = service.newInvoker(vertx, env);
        return Future.succeededFuture();
      } catch (HandlerLoadException e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<?> stop() {
      if (invoker != null) {
        invoker.close();
      }
      return Future.succeededFuture();
    }
  }
}
