package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.Pusher;
import dev.bulwark.TestRuntime;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch() hands the script a body the server sends without a length as it arrives, against a real Vert.x upstream
 * on 127.0.0.1: a worker that returns the fetched response passes server-sent events through one by one; a client
 * that does not read holds the upstream back, and one that leaves closes the upstream connection; a body that makes
 * no progress for fetch.timeout fails; a body with a length is still received whole.
 */
class FetchStreamTest {
  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static TestRuntime rt;
  /** Completed by a test: the upstream's event stream then sends its second event. */
  private static volatile Promise<Void> go = Promise.promise();
  private static final AtomicLong flooded = new AtomicLong();
  private static final AtomicBoolean floodClosed = new AtomicBoolean();
  private static int upstreamPort;
  /** Completed by the upstream's /sink when the first piece of a request body arrives there. */
  private static volatile java.util.concurrent.CompletableFuture<String> sinkFirst =
      new java.util.concurrent.CompletableFuture<>();
  /** The upstream's /held request, paused until a test resumes it. */
  private static volatile java.util.concurrent.CompletableFuture<io.vertx.core.http.HttpServerRequest> held =
      new java.util.concurrent.CompletableFuture<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    int port = upstreamPort = vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse res = req.response();
      switch (req.path()) {
        case "/events" -> {
          res.setChunked(true).putHeader("content-type", "text/event-stream");
          res.write("data: one\n\n");
          go.future().onComplete(v -> res.write("data: two\n\n").compose(w -> res.end()));
        }
        case "/flood" -> {
          flooded.set(0);
          floodClosed.set(false);
          res.setChunked(true).closeHandler(v -> floodClosed.set(true));
          flood(res);
        }
        case "/gzip-events" -> { // each event flushed through the encoder, as a gzipping event server sends it
          res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("content-encoding", "gzip");
          java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
          try {
            java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(sink, true);
            res.write(Buffer.buffer(flushed(gz, sink, "data: one\n\n")));
            go.future().onComplete(v -> {
              byte[] two = flushed(gz, sink, "data: two\n\n");
              try {
                gz.close();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              res.write(Buffer.buffer(two).appendBytes(sink.toByteArray())).compose(w -> res.end());
            });
          } catch (java.io.IOException e) {
            res.reset();
          }
        }
        case "/truncated-stream" -> { // flushed, then ended without the gzip trailer
          java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
          try {
            res.setChunked(true).putHeader("content-encoding", "gzip")
                .end(Buffer.buffer(flushed(new java.util.zip.GZIPOutputStream(sink, true), sink, "all but the end")));
          } catch (java.io.IOException e) {
            res.reset();
          }
        }
        case "/corrupt-stream" -> res.setChunked(true).putHeader("content-encoding", "gzip").end("this is not gzip");
        case "/silent" -> res.setChunked(true).write("the start, then nothing");
        case "/length" -> res.putHeader("content-type", "text/plain").end("a body with a length");
        case "/sink" -> { // a request body, piece by piece: how it came
          Buffer got = Buffer.buffer();
          java.util.concurrent.CompletableFuture<String> first = sinkFirst;
          String framing = req.getHeader("transfer-encoding") + "/" + req.getHeader("content-length");
          req.handler(piece -> {
            first.complete(piece.toString());
            got.appendBuffer(piece);
          });
          req.endHandler(v -> res.end(framing + ": " + got));
        }
        case "/moved" -> res.setStatusCode(307).putHeader("location", "/sink").end();
        case "/held" -> { // reads nothing until resumed, then counts
          req.pause();
          long[] n = {0};
          req.handler(piece -> n[0] += piece.length());
          req.endHandler(v -> res.end("counted " + n[0]));
          held.complete(req);
        }
        default -> res.setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    String up = "http://127.0.0.1:" + port;
    Files.writeString(dir.resolve("proxy.mjs"), """
        export default { async fetch(request, env) {
          const url = new URL(request.url);
          if (url.pathname === '/read-silent') {
            const r = await fetch('UP/silent');
            try {
              await r.text();
              return new Response('read it all?');
            } catch (e) {
              return new Response(e.constructor.name + ': ' + e.message);
            }
          }
          if (url.pathname === '/read-corrupt' || url.pathname === '/read-truncated') {
            const r = await fetch(url.pathname === '/read-corrupt' ? 'UP/corrupt-stream' : 'UP/truncated-stream');
            try {
              await r.text();
              return new Response('read it?');
            } catch (e) {
              return new Response(e.constructor.name + ': ' + e.message);
            }
          }
          if (url.pathname === '/first-then-abort') {
            const controller = new AbortController();
            const r = await fetch('UP/events', { signal: controller.signal });
            const reader = r.body.getReader();
            const first = new TextDecoder().decode((await reader.read()).value);
            controller.abort();
            try {
              await reader.read();
              return new Response('no error');
            } catch (e) {
              return Response.json({ first, after: e.name });
            }
          }
          if (url.pathname === '/pass-on') { // the incoming body, sent on as it arrives
            return fetch('UP/sink', { method: 'POST', body: request.body, duplex: 'half' });
          }
          if (url.pathname === '/long/pass-on-held') {
            return fetch('UP/held', { method: 'POST', body: request.body, duplex: 'half' });
          }
          if (url.pathname === '/stream-fails' || url.pathname === '/stream-redirected') {
            const body = new ReadableStream({ pull(c) {
              if (url.pathname === '/stream-redirected') { c.enqueue(new TextEncoder().encode('x')); c.close(); return; }
              if (c.sent) throw new Error('the source broke');
              c.sent = true;
              c.enqueue(new TextEncoder().encode('a start;'));
            } });
            try {
              const r = await fetch(url.pathname === '/stream-fails' ? 'UP/sink' : 'UP/moved', { method: 'POST', body });
              return new Response('answered ' + r.status + ': ' + await r.text());
            } catch (e) {
              return new Response(e.constructor.name + ': ' + e.message);
            }
          }
          return fetch('UP' + url.pathname);
        } };
        """.replace("UP", up));
    JsonObject service = new JsonObject().put("name", "proxy").put("source", dir.resolve("proxy.mjs").toString())
        .put("instances", 1).put("cpuBudget", "10s")
        .put("fetch", new JsonObject().put("allow", new JsonArray().add("127.0.0.1:" + port)).put("timeout", "1s"));
    // The same worker with room for a large body passed on slowly.
    JsonObject roomy = service.copy().put("name", "roomy").put("maxBodyBytes", "100MiB")
        .put("fetch", service.getJsonObject("fetch").copy().put("timeout", "30s"));
    rt = TestRuntime.start(TestRuntime.routed(TestRuntime.config(service, roomy), "/long", "roomy", "/", "proxy"));
  }

  /** {@code text} through {@code gz} with a sync flush: the bytes it added to {@code sink}, which is emptied. */
  private static byte[] flushed(java.util.zip.GZIPOutputStream gz, java.io.ByteArrayOutputStream sink, String text) {
    try {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
      gz.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] bytes = sink.toByteArray();
    sink.reset();
    return bytes;
  }

  private static void flood(HttpServerResponse res) {
    while (!res.writeQueueFull() && !res.closed()) {
      res.write(Buffer.buffer(new byte[16 * 1024]));
      flooded.addAndGet(16 * 1024);
    }
    if (!res.closed()) {
      res.drainHandler(v -> flood(res));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (rt != null) {
      rt.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestBodyIsPassedOnToTheUpstreamAsItArrives() throws Exception {
    sinkFirst = new java.util.concurrent.CompletableFuture<>();
    try (Socket socket = new Socket("127.0.0.1", rt.port())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /pass-on HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\none;\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // The rest is sent only once the first piece has reached the upstream through the worker's fetch(): a runtime
      // that read either body whole first would never get there.
      assertEquals("one;", sinkFirst.get(10, TimeUnit.SECONDS));
      out.write("4\r\ntwo;\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = TestRuntime.readUntil(socket.getInputStream(), "one;two;");
      assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("chunked/null: one;two;"), answer);
    }
  }

  @Test
  void anUpstreamThatDoesNotReadHoldsTheClientBackThroughTheWorker() throws Exception {
    held = new java.util.concurrent.CompletableFuture<>();
    int total = 40 * 1024 * 1024;
    try (Pusher client = new Pusher(rt.port(), "/long/pass-on-held", total)) {
      long sent = client.untilStalled();
      // Socket buffers on both legs and the windows between: a few MB. A worker that read the client faster than
      // the upstream takes it would have all 40 MB by now.
      assertTrue(sent < 20L * 1024 * 1024, "the client could send " + sent + " of " + total + " bytes to an upstream "
          + "that reads nothing");
      io.vertx.core.http.HttpServerRequest upstream = held.get(10, TimeUnit.SECONDS);
      vertx.runOnContext(v -> upstream.resume());
      client.rest();
      String answer = client.answer("counted " + total);
      assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("counted " + total), answer);
    }
  }

  @Test
  void aRequestStreamThatFailsFailsTheFetchAndOneCannotFollowARedirect() throws Exception {
    assertEquals("TypeError: fetch() to 127.0.0.1:" + upstreamPort + ": its request body stream failed: Error: the "
        + "source broke", rt.get("/stream-fails").body());
    String redirected = rt.get("/stream-redirected").body();
    assertTrue(redirected.startsWith("TypeError: Fetch API cannot load: http://127.0.0.1:" + upstreamPort
        + "/moved redirected (307) and its request body was a stream"), redirected);
  }

  @Test
  void serverSentEventsPassThroughAWorkerThatReturnsTheFetchedResponse() throws Exception {
    go = Promise.promise();
    HttpResponse<InputStream> res = rt.client.send(HttpRequest.newBuilder(rt.uri("/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals("text/event-stream", res.headers().firstValue("content-type").orElseThrow());
    try (InputStream body = res.body()) {
      // The upstream sends its second event only once the first has come through the worker to this client.
      assertEquals("data: one\n\n", TestRuntime.readUntil(body, "\n\n"));
      go.complete();
      assertEquals("data: two\n\n", TestRuntime.readUntil(body, null));
    }
  }

  @Test
  void aGzippedEventStreamIsDecodedAsItArrives() throws Exception {
    go = Promise.promise();
    HttpResponse<InputStream> res = rt.client.send(HttpRequest.newBuilder(rt.uri("/gzip-events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    // The worker's client takes no coding: it gets the decoded events, and no content-encoding.
    assertTrue(res.headers().firstValue("content-encoding").isEmpty(), res.headers().map().toString());
    try (InputStream body = res.body()) {
      assertEquals("data: one\n\n", TestRuntime.readUntil(body, "\n\n"));
      go.complete();
      assertEquals("data: two\n\n", TestRuntime.readUntil(body, null), "the rest, and the gzip trailer checked");
    }
    for (String broken : new String[] {"/read-corrupt", "/read-truncated"}) {
      String said = rt.get(broken).body();
      assertTrue(said.startsWith("TypeError: fetch() to 127.0.0.1:" + upstreamPort + ": the response body cannot be "
          + "decoded (content-encoding: gzip): "), broken + ": " + said);
    }
  }

  @Test
  void aClientThatDoesNotReadHoldsTheUpstreamBackAndOneThatLeavesClosesIt() throws Exception {
    try (Socket socket = rt.getWithoutReading("/flood")) {
      InputStream in = socket.getInputStream();
      long settled = settled();
      // The socket buffers on both hops (a few MiB each on loopback), the upstream's write queue and the two 64 KiB
      // windows: bounded, where an upstream read without flow control fills the heap at hundreds of MB a second.
      assertTrue(settled < 48L * 1024 * 1024, "the upstream wrote " + settled + " bytes while nobody read");
      assertTrue(!floodClosed.get());
    }
    for (int i = 0; i < 100 && !floodClosed.get(); i++) {
      Thread.sleep(50);
    }
    assertTrue(floodClosed.get(), "the client left: the worker's fetch closed the upstream connection");
  }

  @Test
  void aBodyThatMakesNoProgressForTheFetchTimeoutFails() throws Exception {
    assertEquals("TypeError: fetch(): the response body made no progress for 1000 ms (fetch.timeout), and was cut",
        rt.get("/read-silent").body());
  }

  @Test
  void abortingTheSignalErrorsAStreamedBody() throws Exception {
    go = Promise.promise();
    assertEquals(new JsonObject().put("first", "data: one\n\n").put("after", "AbortError"),
        new JsonObject(rt.get("/first-then-abort").body()));
  }

  @Test
  void aBodyWithALengthIsStillReceivedWholeAndKeepsIt() throws Exception {
    HttpResponse<String> res = rt.get("/length");
    assertEquals("a body with a length", res.body());
    assertEquals("20", res.headers().firstValue("content-length").orElse(null), res.headers().map().toString());
  }

  /** What the upstream flood has written once it stops growing for 500 ms. */
  private static long settled() throws Exception {
    long last = -1;
    for (int i = 0; i < 40; i++) {
      Thread.sleep(500);
      long now = flooded.get();
      if (now == last) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the upstream never stopped writing while nobody read: " + last + " bytes");
  }

}
