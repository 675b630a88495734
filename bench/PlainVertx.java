import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Baselines for bench/run.sh, on the same Vert.x 5 HTTP stack as Bulwark, listening on 127.0.0.1 and ::1:
 * <ul>
 *   <li>{@code plain}: one HTTP-server verticle per core answers on the event loop (the upper bound);</li>
 *   <li>{@code hop}: the same, but each request is an event-bus request/reply to one of 4 WORKER verticles that
 *   answer, with nothing else of Bulwark (no limits, ids, metrics, request object): the naive form of Bulwark's
 *   design, one message and two thread hand-offs per request (Bulwark itself sends a loop turn's requests as one
 *   message per worker).</li>
 * </ul>
 *
 * <pre>java -cp target/runtime-fat.jar bench/PlainVertx.java 18081 [plain|hop]</pre>
 */
public class PlainVertx {
  private static final Buffer BODY = Buffer.buffer("Hello World\n");
  private static final String TYPE = "text/plain; charset=utf-8";

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
    boolean hop = args.length > 1 && args[1].equals("hop");
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Future<?> workers = !hop ? Future.succeededFuture() : vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.eventBus().<Void>consumer("hello", msg -> msg.reply(BODY)).completion();
      }
    }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(4)
        .setWorkerPoolName("hello").setWorkerPoolSize(4));
    workers.compose(w -> vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            io.vertx.core.Handler<HttpServerRequest> handler = hop
                ? req -> vertx.eventBus().<Buffer>request("hello", null).onComplete(ar -> {
                  if (ar.succeeded()) {
                    req.response().putHeader("content-type", TYPE).end(ar.result().body());
                  } else {
                    req.response().setStatusCode(500).end();
                  }
                })
                : req -> req.response().putHeader("content-type", TYPE).end(BODY);
            return vertx.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1")
                .compose(s -> vertx.createHttpServer().requestHandler(handler).listen(port, "::1"));
          }
        }, new DeploymentOptions().setInstances(cores)))
        .onSuccess(id -> System.out.println("listening on " + port + " (" + (hop ? "hop, " : "") + cores
            + " instances, native transport " + vertx.isNativeTransportEnabled() + ")"))
        .onFailure(err -> {
          System.err.println("cannot start: " + err);
          vertx.close();
          System.exit(1);
        });
  }
}
