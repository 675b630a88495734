package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/**
 * Answers 204, or a redirect for /go, with headers a handler must not be able to use to break framing; for /interim
 * it tries a 1xx status as its final answer.
 */
public class NoContent implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    if (request.path().endsWith("/interim")) {
      return Response.status(103);
    }
    if (request.path().endsWith("/go")) {
      return Response.redirect("/there", 307).addHeader("set-cookie", "a=1").addHeader("set-cookie", "b=2");
    }
    return Response.status(204).withHeader("content-length", "999");
  }
}
