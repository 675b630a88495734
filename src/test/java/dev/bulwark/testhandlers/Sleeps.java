package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/** Sleeps for ?ms= milliseconds (blocking is allowed on worker threads), then answers. */
public class Sleeps implements Handler {
  @Override
  public Response handle(Request request, Env env) throws InterruptedException {
    Thread.sleep(Long.parseLong(request.queryParam("ms").orElse("0")));
    return Response.text("slept\n");
  }
}
