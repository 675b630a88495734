package dev.bulwark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Paced;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code http.idleTimeout} (here 1 s) on HTTP/1.1 connections, as {@link IdleTimeout} keeps it: a connection with
 * no traffic either way is closed after the timeout and not before; an answer still being written is traffic,
 * whether it comes in pieces or as one large body that the client reads slowly; a client that stops reading is
 * closed; and an HTTP/2 connection, upgraded from HTTP/1.1 (h2c) or HTTP/2 from its start, is closed alike. (A head
 * that never ends is {@link SlowClientTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {
  static TestRuntime rt;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = TestRuntime.config(TestRuntime.service("paced", Paced.class));
    config.getJsonObject("http").put("idleTimeout", "1s");
    rt = TestRuntime.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    rt.close();
  }

  private static Socket connect(int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small from the start
    }
    socket.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void get(Socket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads until the server ends the connection (EOF or reset); returns the bytes read. */
  private static long readToEnd(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    } catch (SocketException reset) {
      // the end as well
    }
    return total;
  }

  @Test
  void aKeptAliveConnectionWithNothingGoingOnIsClosedAfterTheTimeoutAndNotBefore() throws Exception {
    try (Socket socket = connect(0)) {
      get(socket, "/");
      InputStream in = socket.getInputStream();
      StringBuilder got = new StringBuilder();
      while (!got.toString().endsWith("\r\n\r\npaced\n")) {
        int c = in.read();
        assertTrue(c >= 0, "the answer came whole: " + got);
        got.append((char) c);
      }
      long answered = System.nanoTime();
      assertTrue(got.toString().startsWith("HTTP/1.1 200"), got.toString());
      assertEquals(-1, in.read(), "nothing after the answer, then the end");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
      assertTrue(ms >= 900, "closed after the idle timeout, not before: " + ms + " ms");
      assertTrue(ms < 3000, "closed about the idle timeout after the answer: " + ms + " ms");
    }
  }

  @Test
  void aStreamedAnswerThatKeepsComingIsNotCutThoughTheClientSendsNothing() throws Exception {
    try (Socket socket = connect(0)) {
      get(socket, "/ticks");
      long t0 = System.nanoTime();
      String got = TestRuntime.readUntil(socket.getInputStream(), "0\r\n\r\n");
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 2400, "the ticks took their time");
      for (int i = 1; i <= 10; i++) {
        assertTrue(got.contains("tick " + i + "\n"), "tick " + i + " arrived: " + got);
      }
    }
  }

  @Test
  void aLargeAnswerReadSlowlyIsNotCutWhileItsBytesMove() throws Exception {
    // 24 MiB to a 64 KiB window, read at some 8 MiB/s: about 3 s of an answer that was written in one go, while the
    // client sends nothing. What the kernel holds (4 MiB here at most) is far from all of it: most waits in Netty's
    // queue, and leaves it slowly.
    try (Socket socket = connect(64 * 1024)) {
      get(socket, "/large");
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      long t0 = System.nanoTime();
      long want = Paced.LARGE + 100; // the head is some 150 bytes more
      try {
        for (int n; total < want && (n = in.read(buf)) >= 0; ) {
          total += n;
          long due = t0 + total * 1_000_000_000L / (8L * 1024 * 1024);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
      } catch (SocketException reset) {
        // checked below
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(total >= want, "the whole answer arrived: " + total + " bytes in " + ms + " ms");
      assertTrue(ms >= 1500, "it took longer than the idle timeout to read: " + ms + " ms");
    }
  }

  @Test
  void aClientThatStopsReadingIsClosed() throws Exception {
    try (Socket socket = connect(64 * 1024)) {
      get(socket, "/large");
      Thread.sleep(4000); // reads nothing: the answer stops moving, and a timeout later the server closes
      long total = readToEnd(socket.getInputStream());
      assertTrue(total < Paced.LARGE / 2, "the server gave up on the rest: " + total + " bytes came");
    }
    assertEquals("paced\n", rt.get("/").body(), "the server answers others");
  }

  @ParameterizedTest(name = "h2c upgrade: {0}")
  @ValueSource(booleans = {true, false})
  void anHttp2ConnectionWithNothingGoingOnIsClosedAfterTheTimeout(boolean upgrade) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(upgrade));
      Promise<Long> closed = Promise.promise();
      String body = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(rt.port()).setURI("/"))
          .compose(req -> req.send().compose(res -> {
            HttpConnection conn = req.connection();
            conn.closeHandler(v -> closed.tryComplete(System.nanoTime()));
            assertEquals(HttpVersion.HTTP_2, res.version());
            return res.body();
          }))
          .await(10, TimeUnit.SECONDS).toString();
      long answered = System.nanoTime();
      assertEquals("paced\n", body);
      long ms = TimeUnit.NANOSECONDS.toMillis(closed.future().await(10, TimeUnit.SECONDS) - answered);
      assertTrue(ms >= 700, "closed after the idle timeout, not before: " + ms + " ms");
      assertTrue(ms < 3000, "closed about the idle timeout after the answer: " + ms + " ms");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
