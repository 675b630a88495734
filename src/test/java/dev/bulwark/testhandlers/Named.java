package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/** Answers with its NAME binding and the path, to tell services apart in routing tests. */
public class Named implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    return Response.text(env.text("NAME") + " " + request.path());
  }
}
