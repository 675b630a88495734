package dev.bulwark.testhandlers;

import dev.bulwark.api.BodyStream;
import dev.bulwark.api.Env;
import dev.bulwark.api.Handler;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streamed bodies from a Java handler: {@code /lines} written from a thread of its own, a line every 50 ms;
 * {@code /window} 4 MiB written as fast as the sink takes it, pausing whenever it says there is no room.
 */
public final class Streams implements Handler {
  /** How often a {@code /window} body was told to wait, and how often it was resumed. */
  public static final AtomicInteger WAITS = new AtomicInteger();
  public static final AtomicInteger RESUMES = new AtomicInteger();
  /** Lets a {@code /lines} body go on after its first line. */
  public static volatile java.util.concurrent.CountDownLatch GO = new java.util.concurrent.CountDownLatch(1);

  @Override
  public Response handle(Request request, Env env) {
    if (request.url().startsWith("/window")) {
      return Response.stream(200, Headers.of("content-type", "application/octet-stream"), new Window());
    }
    return Response.stream(200, Headers.of("content-type", "text/plain"), sink -> new Thread(() -> {
      try {
        sink.write("line 1\n".getBytes(StandardCharsets.UTF_8));
        if (!GO.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new InterruptedException("nobody said go");
        }
        sink.write("line 2\n".getBytes(StandardCharsets.UTF_8));
        sink.write("line 3\n".getBytes(StandardCharsets.UTF_8));
        sink.end();
      } catch (InterruptedException e) {
        sink.fail(e);
      }
    }).start());
  }

  private static final class Window implements BodyStream {
    private static final int TOTAL = 4 * 1024 * 1024;
    private Sink sink;
    private int sent;

    @Override
    public void start(Sink s) {
      sink = s;
      pump();
    }

    @Override
    public void resume() {
      RESUMES.incrementAndGet();
      pump();
    }

    private void pump() {
      while (sent < TOTAL) {
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) ('a' + (sent / chunk.length) % 26));
        sent += chunk.length;
        if (!sink.write(chunk)) {
          WAITS.incrementAndGet();
          return;
        }
      }
      sink.end();
    }
  }
}
