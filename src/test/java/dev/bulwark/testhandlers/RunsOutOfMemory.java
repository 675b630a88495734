package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;

/** Throws an {@link OutOfMemoryError} for {@code /oom} (as a handler that exhausts the heap would), else answers. */
public class RunsOutOfMemory implements Handler {
  @Override
  public Response handle(Request request, Env env) {
    if (request.path().equals("/oom")) {
      throw new OutOfMemoryError("test: heap exhausted");
    }
    return Response.text("fine\n");
  }
}
