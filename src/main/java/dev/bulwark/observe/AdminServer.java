package dev.bulwark.observe;

import dev.bulwark.config.ListenAddress;
import dev.bulwark.http.HttpDate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The admin listener: {@code /health/live} (the process answers), {@code /health/ready} (every service is deployed
 * and every socket is listening; 503 before that and while shutting down) and {@code /metrics} (Prometheus text).
 * It runs on its own port so probes and scrapes never queue behind user traffic.
 */
public final class AdminServer {
  private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());

  private final AtomicBoolean ready = new AtomicBoolean();
  private final Metrics metrics;
  private HttpServer server;

  public AdminServer(Metrics metrics) {
    this.metrics = metrics;
  }

  private Future<HttpServer> listen(Vertx vertx, String host, int port) {
    Router router = Router.router(vertx);
    // HEAD wherever GET (RFC 9110, 9.3.2): probes and monitors use it; before, it got 405.
    router.route("/health/live").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json").end("{\"status\":\"UP\"}\n"));
    router.route("/health/ready").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      boolean up = ready.get();
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(up ? "{\"status\":\"UP\"}\n" : "{\"status\":\"DOWN\"}\n");
    });
    router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    // Every answer has a Date, as an origin server with a clock must give (RFC 9110, 6.6.1): vertx-web's 404 and 405
    // too, so it is set before the router sees the request.
    server = vertx.createHttpServer(new HttpServerOptions().setReuseAddress(true)).requestHandler(req -> {
      req.response().putHeader(HttpHeaders.DATE, HttpDate.now());
      router.handle(req);
    });
    return server.listen(port, host);
  }

  /**
   * Listens on every host of the address ({@code localhost:P}: 127.0.0.1 and ::1), on the port the first one got.
   * The first must work; a further one that cannot bind (no IPv6 here) is only a warning.
   */
  public Future<HttpServer> listen(Vertx vertx, ListenAddress address) {
    List<String> hosts = address.hosts();
    Future<HttpServer> bound = listen(vertx, hosts.get(0), address.port()).recover(err -> Future.failedFuture(
        new IllegalStateException("cannot listen on the admin address " + address + " (admin.address, --admin): "
            + err.getMessage(), err)));
    return bound.compose(first -> {
      Future<?> more = Future.succeededFuture();
      for (String other : hosts.subList(1, hosts.size())) {
        more = more.compose(v -> vertx.createHttpServer(new HttpServerOptions().setReuseAddress(true))
            .requestHandler(server.requestHandler()).listen(first.actualPort(), other)
            .recover(err -> {
              LOG.warning(() -> "admin listener not on " + other + ": " + err.getMessage());
              return Future.succeededFuture();
            }));
      }
      return more.map(first);
    });
  }

  public void ready(boolean value) {
    ready.set(value);
  }

  public boolean isReady() {
    return ready.get();
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
