package dev.bulwark.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Admits a request to its service or refuses it with 503 + Retry-After. It runs before the body is read (hence a
 * platform handler, ahead of vertx-web's BodyHandler), so a full service does not buffer bodies it will refuse.
 */
final class Admission implements PlatformHandler {
  private final ServiceGate gate;
  private final Refusal refusal;

  interface Refusal {
    void refuse(RoutingContext ctx, ServiceGate gate);
  }

  Admission(ServiceGate gate, Refusal refusal) {
    this.gate = gate;
    this.refusal = refusal;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(HttpServerVerticle.SERVICE, gate.config().name());
    if (!gate.admission().tryAcquire()) {
      refusal.refuse(ctx, gate);
      return;
    }
    ctx.addEndHandler(v -> gate.admission().release());
    ctx.next();
  }
}
