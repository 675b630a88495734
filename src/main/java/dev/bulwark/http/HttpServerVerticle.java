package dev.bulwark.http;

import dev.bulwark.config.HttpConfig;
import dev.bulwark.config.ListenAddress;
import dev.bulwark.config.RouteConfig;
import dev.bulwark.config.SocketConfig;
import dev.bulwark.observe.Metrics;
import dev.bulwark.observe.ServiceMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Listens on a socket's addresses and serves HTTP on an event loop: each request becomes an {@link Exchange}, which
 * its {@link Dispatcher} sends to the service's worker verticles over the event bus, and the answer is written back.
 * It never runs user code and never waits on it: a slow handler costs its own service's in-flight budget, nothing
 * here.
 */
public final class HttpServerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HttpServerVerticle.class.getName());

  private final List<Binding> bindings;
  private final HttpConfig http;
  private final Map<String, ServiceGate> services;
  private final Metrics metrics;
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<Binding> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Binding> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Dispatcher dispatcher;

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
    dispatcher = new Dispatcher(vertx, context, services.values());
    Future<?> chain = dispatcher.start();
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
      return Future.failedFuture(cannotListen(b, err, ""));
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
    return Future.failedFuture(cannotListen(b, err, " (no network interface of this machine has that address)"));
  }

  private static IllegalStateException cannotListen(Binding b, Throwable err, String why) {
    // A negative port is Vert.x's "a free port, shared by the instances that ask for this one": port 0 to the user.
    return new IllegalStateException("cannot listen on " + ListenAddress.url(b.host(), Math.max(0, b.port()))
        + " (socket '" + b.socket().name() + "', address " + b.socket().address() + "): " + err.getMessage() + why,
        err);
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
        // Netty's WebSocket extension handler, which these put in every connection's pipeline, closes a connection
        // with over 128 pipelined requests in flight, unanswered (maxPipelineDepth). Bulwark serves no WebSockets.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setHandle100ContinueAutomatically(false) // Exchange says 100 Continue once the body is wanted
        .setReuseAddress(true)
        .setAcceptBacklog(b.socket().backlog())
        // HTTP/2's header block is limited by Netty's decoder, 8 KiB by default whatever http.maxHeaderBytes says, with
        // a bare 431 and no request id. Twice the limit leaves HPACK's 32 bytes a field of accounting room, so that a
        // request over http.maxHeaderBytes reaches the runtime's own 431 (RequestCheck.earlyAnswer).
        .setInitialSettings(new io.vertx.core.http.Http2Settings()
            .setMaxHeaderListSize(2L * http.maxHeaderBytes()));
    java.util.concurrent.atomic.AtomicLong open = metrics.connections(b.socket().name());
    ServiceMeters unrouted = metrics.service(Metrics.NO_SERVICE);
    HttpServer server = vertx.createHttpServer(options).requestHandler(handlerFor(b.socket(), unrouted))
        .invalidRequestHandler(req -> Exchange.malformed(req, unrouted, http.maxInitialLineBytes(),
            http.maxHeaderBytes()))
        .connectionHandler(conn -> {
          open.incrementAndGet();
          IdleTimeout.takeOver(conn, http.idleTimeout()); // Vert.x's costs a listener per answer written
          Closing.onHalfClose(conn, http.shutdownGrace()); // a client's FIN still gets its answers
          conn.closeHandler(v -> open.decrementAndGet());
        });
    return server.listen(b.port(), host).onSuccess(s -> {
      servers.add(s);
      bound.add(new Binding(b.socket(), host, s.actualPort(), b.optional(), null));
    });
  }

  /**
   * The request handler of a socket. Every request first passes {@link RequestCheck}; then, with one catch-all route,
   * it goes straight to the service, and with several vertx-web's Router picks the service by host and path prefix.
   */
  private io.vertx.core.Handler<HttpServerRequest> handlerFor(SocketConfig socket, ServiceMeters unrouted) {
    io.vertx.core.Handler<HttpServerRequest> routing = routingFor(socket, unrouted);
    return req -> {
      RequestCheck.Answer early = RequestCheck.earlyAnswer(req, http.maxHeaderBytes());
      if (early == null) {
        RequestCheck.setHost(req); // before routing, which may go by host
        routing.handle(req);
      } else {
        Exchange.answerEarly(req, unrouted, early.status(), early.body());
      }
    };
  }

  private io.vertx.core.Handler<HttpServerRequest> routingFor(SocketConfig socket, ServiceMeters unrouted) {
    List<RouteConfig> routes = socket.routes();
    if (routes.size() == 1 && routes.get(0).host() == null && routes.get(0).pathPrefix().equals("/")) {
      ServiceGate gate = services.get(routes.get(0).service());
      return req -> Exchange.run(vertx, dispatcher, req, gate, http.bodyTimeout().toMillis());
    }
    Router router = Router.router(vertx);
    // RequestCheck has refused what vertx-web's matching is known to fail on; should it refuse something else, the
    // answer is the runtime's, not vertx-web's default, which logs an error with a stack trace per such request.
    router.errorHandler(400, ctx -> Exchange.answerEarly(ctx.request(), unrouted, 400, "Bad request target\n"));
    List<RouteConfig> sorted = new ArrayList<>(routes);
    // Most specific first: an exact host before any host, then the longest path prefix.
    sorted.sort(Comparator.comparing((RouteConfig r) -> r.host() == null)
        .thenComparing(r -> -r.pathPrefix().length()));
    for (RouteConfig r : sorted) {
      ServiceGate gate = services.get(r.service());
      // "/api" covers /api and /api/..., never /apix: vertx-web's "/api/*" matches exactly that.
      var route = r.pathPrefix().equals("/") ? router.route()
          : r.pathPrefix().indexOf('%') >= 0 ? router.routeWithRegex(prefixPattern(r.pathPrefix()))
          : router.route(r.pathPrefix().endsWith("/") ? r.pathPrefix() + "*" : r.pathPrefix() + "/*");
      if (r.host() != null) {
        route.virtualHost(r.host());
      }
      route.handler(ctx -> Exchange.run(vertx, dispatcher, ctx.request(), gate, http.bodyTimeout().toMillis()));
    }
    router.route().handler(ctx -> Exchange.notFound(ctx.request(), unrouted));
    return router;
  }

  /**
   * The requests under a prefix with percent-encodings (normalized by the config: upper-case hex): vertx-web's
   * normalized request path keeps the client's case of hex digits ({@code %c3%a9} from one, {@code %C3%A9} from
   * another), and RFC 3986, 6.2.2.1 makes them the same, so each encoding matches in either case.
   */
  static String prefixPattern(String prefix) {
    StringBuilder re = new StringBuilder();
    int from = 0;
    for (int pct = prefix.indexOf('%'); pct >= 0; pct = prefix.indexOf('%', from)) {
      if (pct > from) {
        re.append(Pattern.quote(prefix.substring(from, pct)));
      }
      re.append('%');
      for (char h : prefix.substring(pct + 1, pct + 3).toCharArray()) {
        re.append(Character.isDigit(h) ? String.valueOf(h) : "[" + h + Character.toLowerCase(h) + "]");
      }
      from = pct + 3;
    }
    if (from < prefix.length()) {
      re.append(Pattern.quote(prefix.substring(from)));
    }
    return re.append(prefix.endsWith("/") ? ".*" : "(?:/.*)?").toString();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    // Stop accepting at once; requests already in flight get the grace period to finish.
    servers.forEach(s -> closing.add(s.shutdown(http.shutdownGrace())));
    return Future.join(closing);
  }
}
