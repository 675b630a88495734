package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers with a number of its own (each worker instance creates its own handler), after sleeping ?ms=
 * milliseconds: tells a test which instance ran a request.
 */
public class Which implements Handler {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private final int number = NEXT.incrementAndGet();

  @Override
  public Response handle(Request request, Env env) throws InterruptedException {
    long ms = Long.parseLong(request.queryParam("ms").orElse("0"));
    if (ms > 0) {
      Thread.sleep(ms); // not sleep(0): that yields the CPU, and a 2-core machine may take a while to give it back
    }
    return Response.text("handler " + number + "\n");
  }
}
