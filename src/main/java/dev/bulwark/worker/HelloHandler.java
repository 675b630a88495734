package dev.bulwark.worker;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/** The handler of the embedded default configuration: the same as {@code verticles/Hello.java}. */
public final class HelloHandler implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    return Response.text("Hello World\n");
  }
}
