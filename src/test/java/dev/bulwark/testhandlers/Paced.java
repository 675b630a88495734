package dev.bulwark.testhandlers;

import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.nio.charset.StandardCharsets;

/**
 * Answers that take a while to send: {@code /ticks}, a streamed body of 10 lines, one every 250 ms, written from a
 * thread of its own; {@code /large}, one body of {@link #LARGE} bytes, all at once; anything else, one line.
 */
public final class Paced implements Handler {
  public static final int LARGE = 24 * 1024 * 1024;

  @Override
  public Response handle(Request request, Env env) {
    if (request.url().startsWith("/large")) {
      return Response.bytes(new byte[LARGE], "application/octet-stream");
    }
    if (!request.url().startsWith("/ticks")) {
      return Response.text("paced\n");
    }
    return Response.stream(200, Headers.of("content-type", "text/plain"), sink -> new Thread(() -> {
      try {
        for (int i = 1; i <= 10; i++) {
          Thread.sleep(250);
          sink.write(("tick " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        sink.end();
      } catch (InterruptedException e) {
        sink.fail(e);
      }
    }).start());
  }
}
