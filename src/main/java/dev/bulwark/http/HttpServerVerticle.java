package dev.bulwark.http;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.HttpConfig;
import dev.bulwark.config.ListenAddress;
import dev.bulwark.config.RouteConfig;
import dev.bulwark.config.SocketConfig;
import dev.bulwark.observe.Metrics;
import dev.bulwark.worker.WorkerVerticle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts and parses HTTP on an event loop, turns each request into a {@link Request} message, sends it to the
 * service's worker verticles over the event bus, and writes the reply. It never runs user code and never waits on
 * it: a slow handler costs its own service's in-flight budget, nothing here.
 */
public final class HttpServerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HttpServerVerticle.class.getName());
  private static final String START_NANOS = "bulwark.start";
  static final String SERVICE = "bulwark.service";
  private static final String REQUEST_ID = "bulwark.requestId";

  private final List<Binding> bindings;
  private final HttpConfig http;
  private final Map<String, ServiceGate> services;
  private final Metrics metrics;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<Binding> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Binding> requested = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * One server to start: a socket's routes on one host and port. A negative port asks Vert.x for a free port shared
   * by every instance that asks with the same negative number; port 0 means "the port the first host of this socket
   * got". An {@code optional} binding (the ::1 half of localhost) is skipped with a warning when the machine has no
   * IPv6; a {@code fallbackHost} (0.0.0.0 for {@code *}) is tried in that case.
   */
  public record Binding(SocketConfig socket, String host, int port, boolean optional, String fallbackHost) {
    public Binding withPort(int p) {
      return new Binding(socket, host, p, optional, fallbackHost);
    }
  }

  public HttpServerVerticle(List<Binding> bindings, HttpConfig http, Map<String, ServiceGate> services,
                            Metrics metrics) {
    this.bindings = List.copyOf(bindings);
    this.http = http;
    this.services = services;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Future<?> chain = Future.succeededFuture();
    Map<String, Integer> chosenPorts = new java.util.HashMap<>();
    for (Binding b : bindings) {
      chain = chain.compose(v -> {
        Binding resolved = b.port() == 0 && chosenPorts.containsKey(b.socket().name())
            ? b.withPort(chosenPorts.get(b.socket().name())) : b;
        return listen(resolved, resolved.host()).recover(err -> retry(resolved, err)).map(server -> {
          if (server != null) {
            chosenPorts.putIfAbsent(b.socket().name(), server.actualPort());
            requested.add(resolved);
          }
          return null;
        });
      });
    }
    return chain;
  }

  /** The bindings this instance is listening on, with actual ports, for logs and tests. */
  public List<Binding> bound() {
    return List.copyOf(bound);
  }

  /** The bindings as requested, port 0 resolved: what further instances must ask for to share these servers. */
  public List<Binding> forOtherInstances() {
    return List.copyOf(requested);
  }

  private Future<HttpServer> retry(Binding b, Throwable err) {
    if (!isNoSuchFamily(err)) {
      return Future.failedFuture(new IllegalStateException("cannot listen on " + ListenAddress.url(b.host(), b.port())
          + " (socket '" + b.socket().name() + "', address " + b.socket().address() + "): " + err.getMessage(), err));
    }
    if (b.fallbackHost() != null) {
      LOG.info(() -> "no IPv6 here: socket '" + b.socket().name() + "' listens on " + b.fallbackHost() + " only");
      return listen(b, b.fallbackHost());
    }
    if (b.optional()) {
      LOG.warning(() -> "no IPv6 here: socket '" + b.socket().name() + "' (" + b.socket().address()
          + ") listens on IPv4 only; clients that try ::1 will fall back to 127.0.0.1");
      return Future.succeededFuture(null);
    }
    return Future.failedFuture(err);
  }

  private static boolean isNoSuchFamily(Throwable err) {
    String m = String.valueOf(err.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("cannot assign requested address") || m.contains("address family not supported")
        || m.contains("protocol family unavailable") || m.contains("protocol not supported");
  }

  private Future<HttpServer> listen(Binding b, String host) {
    HttpServerOptions options = new HttpServerOptions()
        .setMaxHeaderSize(http.maxHeaderBytes())
        .setMaxInitialLineLength(http.maxInitialLineBytes())
        .setIdleTimeout((int) http.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setCompressionSupported(false)
        .setHandle100ContinueAutomatically(true)
        .setReuseAddress(true)
        .setAcceptBacklog(b.socket().backlog());
    HttpServer server = vertx.createHttpServer(options).requestHandler(router(b.socket()));
    return server.listen(b.port(), host).onSuccess(s -> {
      servers.add(s);
      bound.add(new Binding(b.socket(), host, s.actualPort(), b.optional(), null));
    });
  }

  private Router router(SocketConfig socket) {
    Router router = Router.router(vertx);
    router.route().handler(this::begin);
    List<RouteConfig> routes = new ArrayList<>(socket.routes());
    // Most specific first: an exact host before any host, then the longest path prefix.
    routes.sort(Comparator.comparing((RouteConfig r) -> r.host() == null)
        .thenComparing(r -> -r.pathPrefix().length()));
    for (RouteConfig r : routes) {
      ServiceGate gate = services.get(r.service());
      var route = r.pathPrefix().equals("/") ? router.route()
          // "/api" covers /api and /api/..., never /apix: vertx-web's "/api/*" matches exactly that.
          : router.route(r.pathPrefix().endsWith("/") ? r.pathPrefix() + "*" : r.pathPrefix() + "/*");
      if (r.host() != null) {
        route.virtualHost(r.host());
      }
      route.handler(new Admission(gate, this::refuse))
          .handler(BodyHandler.create(false).setBodyLimit(gate.config().limits().maxBodyBytes())
              .setHandleFileUploads(false).setDeleteUploadedFilesOnEnd(false))
          .handler(ctx -> dispatch(ctx, gate));
    }
    router.route().handler(ctx -> answer(ctx, 404, "No service is routed for " + ctx.request().authority()
        + ctx.request().path() + "\n"));
    router.errorHandler(413, ctx -> answer(ctx, 413, "Request body is larger than "
        + limitOf(ctx) + " bytes\n"));
    router.errorHandler(500, ctx -> {
      LOG.log(Level.WARNING, "request " + ctx.get(REQUEST_ID) + " failed in the HTTP layer", ctx.failure());
      answer(ctx, 500, "Internal Server Error\nrequest id: " + ctx.get(REQUEST_ID) + "\n");
    });
    return router;
  }

  private void begin(RoutingContext ctx) {
    ctx.put(START_NANOS, System.nanoTime());
    String id = RequestIds.keepOrCreate(ctx.request().getHeader(RequestIds.HEADER));
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(RequestIds.HEADER, id);
    ctx.addHeadersEndHandler(v -> {
      String service = ctx.get(SERVICE);
      Long start = ctx.get(START_NANOS);
      metrics.recordRequest(service == null ? Metrics.NO_SERVICE : service, ctx.response().getStatusCode(),
          System.nanoTime() - start);
    });
    ctx.next();
  }

  private void refuse(RoutingContext ctx, ServiceGate gate) {
    ctx.response().putHeader("retry-after", "1");
    answer(ctx, 503, "Service '" + gate.config().name() + "' is at its limit of "
        + gate.config().limits().maxInFlight() + " requests in flight; retry shortly\n");
  }

  private void dispatch(RoutingContext ctx, ServiceGate gate) {
    String id = ctx.get(REQUEST_ID);
    long timeout = gate.config().limits().timeout().toMillis();
    Request request = Request.of(ctx.request().method().name(), ctx.request().uri(),
        headersOf(ctx.request().headers()), ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes(),
        addressOf(ctx.request().remoteAddress()), id);
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeout)
        .addHeader(WorkerVerticle.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + timeout));
    vertx.eventBus().<Response>request(gate.config().address(), request, delivery).onComplete(ar -> {
      if (ar.succeeded()) {
        write(ctx, ar.result().body());
      } else {
        failed(ctx, gate, ar.cause());
      }
    });
  }

  private void failed(RoutingContext ctx, ServiceGate gate, Throwable cause) {
    String id = ctx.get(REQUEST_ID);
    String name = gate.config().name();
    if (cause instanceof ReplyException re) {
      switch (re.failureType()) {
        case TIMEOUT -> {
          answer(ctx, 504, "Service '" + name + "' did not answer within "
              + gate.config().limits().timeout().toMillis() + " ms\nrequest id: " + id + "\n");
          return;
        }
        case NO_HANDLERS -> {
          ctx.response().putHeader("retry-after", "1");
          answer(ctx, 503, "Service '" + name + "' is not running\nrequest id: " + id + "\n");
          return;
        }
        default -> {
          // RECIPIENT_FAILURE: the worker has logged the stack trace with this request id.
        }
      }
    } else {
      LOG.log(Level.WARNING, "request " + id + " to service '" + name + "' failed in dispatch", cause);
    }
    answer(ctx, 500, "Internal Server Error\nrequest id: " + id + "\n");
  }

  private void write(RoutingContext ctx, Response r) {
    HttpServerResponse out = ctx.response();
    if (out.ended() || out.closed()) {
      return;
    }
    out.setStatusCode(r.status());
    MultiMap headers = out.headers();
    String id = headers.get(RequestIds.HEADER);
    for (Map.Entry<String, String> f : r.headers().entries()) {
      String name = f.getKey();
      // Framing is ours to set from the actual body; a handler's value could only disagree with it.
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
          && !name.equalsIgnoreCase(RequestIds.HEADER)) {
        headers.add(name, f.getValue());
      }
    }
    headers.set(RequestIds.HEADER, id);
    byte[] body = r.bodyBytes();
    if (r.status() == 204 || r.status() == 304 || r.status() < 200) {
      out.end();
    } else {
      out.end(Buffer.buffer(body));
    }
  }

  private void answer(RoutingContext ctx, int status, String text) {
    HttpServerResponse out = ctx.response();
    if (out.ended() || out.closed()) {
      return;
    }
    out.setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8");
    if (status == 413) {
      out.putHeader("connection", "close");
    }
    out.end(text);
  }

  private long limitOf(RoutingContext ctx) {
    String service = ctx.get(SERVICE);
    ServiceGate gate = service == null ? null : services.get(service);
    return gate == null ? -1 : gate.config().limits().maxBodyBytes();
  }

  private static Headers headersOf(MultiMap headers) {
    List<Map.Entry<String, String>> fields = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> e : headers) {
      fields.add(Map.entry(e.getKey(), e.getValue()));
    }
    return Headers.of(fields);
  }

  private static String addressOf(SocketAddress address) {
    if (address == null || address.host() == null) {
      return "";
    }
    String host = address.host();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.port();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    // Stop accepting at once; requests already in flight get the grace period to finish.
    servers.forEach(s -> closing.add(s.shutdown(http.shutdownGrace())));
    return Future.join(closing);
  }
}
