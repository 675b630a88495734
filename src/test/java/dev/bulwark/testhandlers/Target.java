package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/** Answers with its NAME binding, the target it was given, its host and its decoded q parameter. */
public class Target implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    return Response.text(env.text("NAME") + " url=" + request.url() + " host=" + request.header("host").orElse("")
        + " q=" + request.queryParam("q").orElse("") + "\n");
  }
}
