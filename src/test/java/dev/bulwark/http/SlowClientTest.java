package dev.bulwark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Counts;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slowloris client, which keeps a connection by sending a request head a few bytes at a time and never finishing
 * it, holds the connection no longer than {@code http.idleTimeout}: bytes of a head not yet complete are not
 * activity. (Vert.x's idle timer sits behind the HTTP decoder and sees only whole heads and bodies; these tests keep
 * that true across upgrades.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientTest {
  static TestRuntime rt;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = TestRuntime.config(TestRuntime.service("counts", Counts.class));
    config.getJsonObject("http").put("idleTimeout", "1s");
    rt = TestRuntime.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    rt.close();
  }

  /**
   * Sends {@code first}, then one header line every 200 ms, and returns after how many milliseconds the server
   * closed the connection (or -1 if it was still open after 6 s), with what it wrote before.
   */
  private static long dribble(Socket socket, String first, StringBuilder got) throws Exception {
    socket.setSoTimeout(200);
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    long t0 = System.nanoTime();
    out.write(first.getBytes(StandardCharsets.US_ASCII));
    byte[] buf = new byte[4096];
    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6)) {
      try {
        int n = in.read(buf);
        if (n < 0) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      } catch (java.net.SocketTimeoutException e) {
        try {
          out.write("X-Slow: yes\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (java.net.SocketException closed) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
      } catch (java.net.SocketException reset) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      }
    }
    return -1;
  }

  @Test
  void aHeadDribbledAByteAtATimeIsClosedAtTheIdleTimeoutAndRunsNothing() throws Exception {
    int before = Counts.CALLS.get();
    StringBuilder got = new StringBuilder();
    try (Socket socket = new Socket("127.0.0.1", rt.port())) {
      long ms = dribble(socket, "GET / HTTP/1.1\r\nHost: x\r\n", got);
      assertTrue(ms >= 0, "the connection was still open after 6 s of a head that never ended");
      assertTrue(ms >= 900, "closed at the idle timeout, not before: " + ms + " ms");
    }
    assertEquals("", got.toString(), "nothing was answered");
    assertEquals(before, Counts.CALLS.get(), "no handler ran");
    assertEquals(200, rt.get("/").statusCode(), "the server answers others");
  }

  @Test
  void onAKeptAliveConnectionTheNextHeadIsHeldToTheSameTime() throws Exception {
    StringBuilder got = new StringBuilder();
    try (Socket socket = new Socket("127.0.0.1", rt.port())) {
      long ms = dribble(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n", got);
      assertTrue(ms >= 0, "the connection was still open after 6 s of a second head that never ended");
    }
    assertTrue(got.toString().startsWith("HTTP/1.1 200 OK\r\n"), got.toString());
    assertTrue(got.toString().endsWith("counted\n"), "only the first request was answered: " + got);
  }
}
