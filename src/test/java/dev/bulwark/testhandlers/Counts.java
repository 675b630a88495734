package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts its calls, so a test can tell whether a request was run at all. */
public class Counts implements Handler {
  public static final AtomicInteger CALLS = new AtomicInteger();

  @Override
  public Response handle(Request request, Env env) {
    CALLS.incrementAndGet();
    return Response.text("counted\n");
  }
}
