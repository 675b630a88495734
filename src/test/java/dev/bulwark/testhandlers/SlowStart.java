package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Its constructor waits for the test, so deployment stays unfinished while the test checks readiness. */
public class SlowStart implements Handler {
  public static final CountDownLatch RELEASE = new CountDownLatch(1);

  public SlowStart() throws InterruptedException {
    RELEASE.await(30, TimeUnit.SECONDS);
  }

  @Override
  public Response handle(Request request, Env env) {
    return Response.text("started\n");
  }
}
