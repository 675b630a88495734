import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Baselines for bench/run.sh, on the same Vert.x 5 HTTP stack as Bulwark, listening on 127.0.0.1 and ::1:
 * <ul>
 *   <li>{@code plain}: one HTTP-server verticle per core answers on the event loop (the upper bound);</li>
 *   <li>{@code hop}: the same, but each request is an event-bus request/reply to one of 4 WORKER verticles that
 *   answer, with nothing else of Bulwark (no limits, ids, metrics, request object): the naive form of Bulwark's
 *   design, one message and two thread hand-offs per request;</li>
 *   <li>{@code batch}: the plain form of Bulwark's batched dispatch, with nothing else of Bulwark: a loop turn's
 *   requests are sent at the end of the turn as one message per worker verticle (up to 4, dealt out in turn), and
 *   each worker sends every answer back on its own. Bulwark adds its features on top, and deals a turn to as few
 *   workers as its handler's run time needs (fewer thread wake-ups), so Bulwark/batched is what its features cost
 *   net of that dealing.</li>
 * </ul>
 *
 * <pre>java -cp target/runtime-fat.jar bench/PlainVertx.java 18081 [plain|hop|batch]</pre>
 */
public class PlainVertx {
  private static final Buffer BODY = Buffer.buffer("Hello World\n");
  private static final String TYPE = "text/plain; charset=utf-8";
  private static final int WORKERS = 4;

  /** One turn's requests for one worker, and where the answers go. */
  record Turn(String replyTo, long[] ids) {
  }

  /** The answer to one request of a turn. */
  record Done(long id, Buffer body) {
  }

  /** Local delivery only, as Bulwark's codecs are on one machine: the object itself is handed over. */
  static final class Local<T> implements MessageCodec<T, T> {
    private final String name;

    Local(String name) {
      this.name = name;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** The batch mode's HTTP side on one event loop: collects a turn's requests, sends them, writes the answers. */
  static final class Batcher {
    private final Vertx vertx;
    private final Context context;
    private final String address = "bench.http." + UUID.randomUUID();
    private final MessageProducer<Turn> sender;
    private final Map<Long, HttpServerRequest> waiting = new HashMap<>();
    private final List<HttpServerRequest> turn = new ArrayList<>();
    private long lastId;

    Batcher(Vertx vertx, Context context) {
      this.vertx = vertx;
      this.context = context;
      this.sender = vertx.eventBus().sender("hello");
      vertx.eventBus().<Done>localConsumer(address, msg -> {
        HttpServerRequest req = waiting.remove(msg.body().id());
        req.response().putHeader("content-type", TYPE).end(msg.body().body());
      });
    }

    void submit(HttpServerRequest req) {
      if (turn.isEmpty()) {
        context.runOnContext(v -> flush());
      }
      turn.add(req);
    }

    private void flush() {
      int n = turn.size();
      int k = Math.min(n, WORKERS);
      long[][] dealt = new long[k][];
      for (int b = 0; b < k; b++) {
        dealt[b] = new long[(n - b + k - 1) / k];
      }
      for (int i = 0; i < n; i++) {
        long id = ++lastId;
        waiting.put(id, turn.get(i));
        dealt[i % k][i / k] = id;
      }
      turn.clear();
      for (long[] ids : dealt) {
        sender.write(new Turn(address, ids));
      }
    }
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
    String mode = args.length > 1 ? args[1] : "plain";
    if (!List.of("plain", "hop", "batch").contains(mode)) {
      System.err.println("mode must be plain, hop or batch, got " + mode);
      System.exit(2);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.eventBus().registerDefaultCodec(Turn.class, new Local<>("turn"))
        .registerDefaultCodec(Done.class, new Local<>("done"));
    Handler<io.vertx.core.eventbus.Message<Object>> worker = mode.equals("hop")
        ? msg -> msg.reply(BODY)
        : msg -> {
          Turn t = (Turn) msg.body();
          for (long id : t.ids()) {
            vertx.eventBus().send(t.replyTo(), new Done(id, BODY));
          }
        };
    Future<?> workers = mode.equals("plain") ? Future.succeededFuture() : vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.eventBus().consumer("hello", worker).completion();
      }
    }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(WORKERS)
        .setWorkerPoolName("hello").setWorkerPoolSize(WORKERS));
    workers.compose(w -> vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            Handler<HttpServerRequest> handler;
            if (mode.equals("hop")) {
              handler = req -> vertx.eventBus().<Buffer>request("hello", null).onComplete(ar -> {
                if (ar.succeeded()) {
                  req.response().putHeader("content-type", TYPE).end(ar.result().body());
                } else {
                  req.response().setStatusCode(500).end();
                }
              });
            } else if (mode.equals("batch")) {
              Batcher batcher = new Batcher(vertx, context);
              handler = batcher::submit;
            } else {
              handler = req -> req.response().putHeader("content-type", TYPE).end(BODY);
            }
            return vertx.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1")
                .compose(s -> vertx.createHttpServer().requestHandler(handler).listen(port, "::1"));
          }
        }, new DeploymentOptions().setInstances(cores)))
        .onSuccess(id -> System.out.println("listening on " + port + " (" + mode + ", " + cores
            + " instances, native transport " + vertx.isNativeTransportEnabled() + ")"))
        .onFailure(err -> {
          System.err.println("cannot start: " + err);
          vertx.close();
          System.exit(1);
        });
  }
}
