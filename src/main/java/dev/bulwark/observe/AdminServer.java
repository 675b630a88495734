package dev.bulwark.observe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The admin listener: {@code /health/live} (the process answers), {@code /health/ready} (every service is deployed
 * and every socket is listening; 503 before that and while shutting down) and {@code /metrics} (Prometheus text).
 * It runs on its own port so probes and scrapes never queue behind user traffic.
 */
public final class AdminServer {
  private final AtomicBoolean ready = new AtomicBoolean();
  private final Metrics metrics;
  private HttpServer server;

  public AdminServer(Metrics metrics) {
    this.metrics = metrics;
  }

  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json").end("{\"status\":\"UP\"}\n"));
    router.get("/health/ready").handler(ctx -> {
      boolean up = ready.get();
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(up ? "{\"status\":\"UP\"}\n" : "{\"status\":\"DOWN\"}\n");
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setReuseAddress(true))
        .requestHandler(router);
    return server.listen();
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
