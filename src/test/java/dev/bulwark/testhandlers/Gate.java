package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Holds each request until the test opens the gate, so tests can keep requests in flight. */
public class Gate implements Handler {
  public static volatile CountDownLatch open = new CountDownLatch(1);
  public static final Semaphore ENTERED = new Semaphore(0);

  @Override
  public Response handle(Request request, Env env) throws InterruptedException {
    ENTERED.release();
    if (!open.await(30, TimeUnit.SECONDS)) {
      return Response.text(500, "gate never opened\n");
    }
    return Response.text("through\n");
  }
}
