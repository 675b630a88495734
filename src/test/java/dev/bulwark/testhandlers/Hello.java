package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

public class Hello implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    return Response.text("Hello World\n");
  }
}
