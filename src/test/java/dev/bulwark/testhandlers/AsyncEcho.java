package dev.bulwark.testhandlers;

import dev.bulwark.api.AsyncHandler;
import dev.bulwark.api.Env;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** An asynchronous handler that echoes method, path, headers it was asked about, body and client address. */
public class AsyncEcho implements AsyncHandler {
  @Override
  public Future<Response> handle(Request request, Env env) {
    if (request.path().endsWith("/fail")) {
      return Future.failedFuture(new IllegalArgumentException("async failure"));
    }
    if (request.path().endsWith("/never")) {
      return io.vertx.core.Promise.<Response>promise().future();
    }
    return Future.succeededFuture(Response.json(new JsonObject()
        .put("method", request.method())
        .put("url", request.url())
        .put("body", request.text())
        .put("client", request.clientAddress())
        .put("id", request.requestId())
        .put("xTest", request.header("X-TEST").orElse(null)))
        .withHeader("x-handler", "async"));
  }
}
