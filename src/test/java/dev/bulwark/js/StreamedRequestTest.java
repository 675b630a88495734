package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.Pusher;
import dev.bulwark.TestRuntime;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript worker's {@code request.body} arrives as the client sends it, over real HTTP: each piece of a chunked
 * body as soon as it is sent (echoed back while the client still sends), a client faster than the handler held back,
 * the limits (maxBodyBytes, http.bodyTimeout) and a client that leaves erroring the handler's stream with why, an
 * answer made without reading the body leaving the connection usable, and HTTP/2 uploads without a length.
 */
class StreamedRequestTest {
  @TempDir
  static Path dir;
  static TestRuntime rt;

  private static final String WORKER = """
      let release = null;                  // resolved by /release: /hold reads its body only then
      let last = '';                       // how the last body a handler read ended
      async function count(body) {
        let n = 0;
        try {
          for await (const chunk of body) n += chunk.byteLength;
          last = 'read ' + n;
        } catch (e) {
          last = e.name + ': ' + e.message;
          throw e;
        }
        return n;
      }
      export default { async fetch(request, env, ctx) {
        const url = new URL(request.url);
        switch (url.pathname.replace(/^\\/(small|defaults)/, '')) {
          case '/echo': return new Response(request.body);
          case '/count': return Response.json({ n: await count(request.body) });
          case '/hold':
            await new Promise((resolve) => { release = resolve; });
            return Response.json({ n: await count(request.body) });
          case '/release':
            if (release === null) return new Response('nobody holds', { status: 409 });
            release();
            release = null;
            return new Response('released');
          case '/last': return new Response(last);
          case '/ignore': return new Response('ignored');
          case '/answer-then-read': // answers at once, and reads the body afterwards
            ctx.waitUntil(count(request.body).catch(() => {}));
            return new Response('answered first');
          case '/bytes': return new Response(String((await request.arrayBuffer()).byteLength));
        }
        return new Response('body ' + (request.body === null ? 'null' : 'stream'));
      } };
      """;

  @BeforeAll
  static void start() throws Exception {
    Path file = dir.resolve("uploads.mjs");
    Files.writeString(file, WORKER);
    // One instance: /release and /last reach the isolate that reads. Room for large bodies in time and size.
    JsonObject service = new JsonObject().put("name", "uploads").put("source", file.toString()).put("instances", 1)
        .put("cpuBudget", "30s").put("maxBodyBytes", "100MiB");
    JsonObject small = new JsonObject().put("name", "small").put("source", file.toString()).put("instances", 1)
        .put("maxBodyBytes", "100KiB");
    JsonObject defaults = new JsonObject().put("name", "defaults").put("source", file.toString()).put("instances", 1);
    JsonObject config = TestRuntime.routed(TestRuntime.config(service, small, defaults), "/small", "small",
        "/defaults", "defaults", "/", "uploads");
    config.put("http", new JsonObject().put("bodyTimeout", "1500ms"));
    rt = TestRuntime.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (rt != null) {
      rt.close();
    }
  }

  private static Socket connect() throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(OutputStream out, String s) throws Exception {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
  }

  /** {@code /last} once it says something other than {@code before}, within 10 s. */
  private static String lastChange(String path, String before) throws Exception {
    long until = System.currentTimeMillis() + 10_000;
    String last = rt.get(path).body();
    while (last.equals(before) && System.currentTimeMillis() < until) {
      Thread.sleep(20);
      last = rt.get(path).body();
    }
    return last;
  }

  @Test
  void eachPieceOfAChunkedBodyReachesTheHandlerWhileTheClientStillSends() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      send(out, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("one;"));
      // The second piece is only sent once the first has come back: a runtime that waited for the body's end
      // before running the handler, or for the response body's end before sending it, would never answer.
      String head = TestRuntime.readUntil(in, "one;\r\n");
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      send(out, chunk("two;"));
      String second = TestRuntime.readUntil(in, "two;\r\n");
      assertEquals("4\r\ntwo;\r\n", second);
      send(out, "0\r\n\r\n");
      assertEquals("0\r\n\r\n", TestRuntime.readUntil(in, "0\r\n\r\n"), "the echo ends with the body");
      // And the connection carries the next request.
      send(out, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      assertTrue(TestRuntime.readUntil(in, "body null").endsWith("body null"));
    }
  }

  @Test
  void curlsLargeUploadIsEchoedWhileItIsSent() throws Exception {
    // curl reads the answer while it sends (the JDK client, like many, sends the whole body first: echoing a body
    // larger than the socket buffers to such a client waits on it for ever, in workerd too).
    byte[] body = new byte[20 * 1024 * 1024];
    new java.util.Random(7).nextBytes(body);
    Path in = dir.resolve("upload.bin");
    Path out = dir.resolve("echoed.bin");
    Files.write(in, body);
    Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "60", "--data-binary", "@" + in, "-o", out.toString(),
        "-w", "%{http_code} %{size_upload}", rt.uri("/echo").toString()).redirectErrorStream(true).start();
    String said = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, curl.waitFor(), said);
    assertEquals("200 " + body.length, said);
    assertTrue(java.util.Arrays.equals(body, Files.readAllBytes(out)), "echoed byte for byte");
  }

  @Test
  void aClientFasterThanTheHandlerIsHeldBackUntilTheHandlerReads() throws Exception {
    int total = 40 * 1024 * 1024;
    try (Pusher client = new Pusher(rt.port(), "/hold", total)) {
      long sent = client.untilStalled();
      // What the socket buffers hold on loopback (a few MB) and the runtime's window; a runtime that read the body
      // as fast as it came, whatever the handler did, would have taken all 40 MB by now.
      assertTrue(sent < 20L * 1024 * 1024, "the client could send " + sent + " bytes of " + total
          + " to a handler that reads nothing");
      assertEquals("released", rt.get("/release").body());
      client.rest();
      String answer = client.answer("}");
      assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("{\"n\":" + total + "}"), answer);
    }
  }

  @Test
  void aBodyOverTheLimitGets413AndErrorsTheHandlersStream() throws Exception {
    String before = rt.get("/small/last").body();
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      send(out, "POST /small/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
      String piece = chunk("x".repeat(16 * 1024));
      for (int i = 0; i < 8; i++) { // 128 KiB against a limit of 100 KiB
        send(out, piece);
      }
      String answer = TestRuntime.readUntil(socket.getInputStream(), "bytes\n");
      assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("Request body is larger than 102400 bytes"),
          answer);
      assertTrue(answer.contains("connection: close"), answer);
    }
    assertEquals("TypeError: the request body is larger than the service's maxBodyBytes (102400 bytes)",
        lastChange("/small/last", before));
  }

  @Test
  void aBodyAtTheDefaultLimitFitsTheDefaultCpuBudget() throws Exception {
    // 1 MiB (maxBodyBytes) read with the 50 ms cpuBudget, in the interpreter: once about 50 ms a megabyte went to
    // copying the bytes into the script one by one, so these got 503; now about 10 ms, with and without a length.
    byte[] body = new byte[1024 * 1024];
    for (int i = 0; i < 4; i++) {
      HttpRequest.BodyPublisher publisher = i % 2 == 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
          : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body));
      HttpResponse<String> res = rt.send(HttpRequest.newBuilder(rt.uri("/defaults/bytes")).POST(publisher).build());
      assertEquals(200, res.statusCode(), res.body());
      assertEquals(String.valueOf(body.length), res.body());
    }
  }

  @Test
  void aClientThatLeavesMidBodyErrorsTheHandlersStream() throws Exception {
    String before = rt.get("/last").body();
    try (Socket socket = connect()) {
      send(socket.getOutputStream(), "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
          + chunk("some;"));
      Thread.sleep(200);
    }
    String last = lastChange("/last", before);
    assertEquals("TypeError: the client closed the connection before the request body's end", last);
  }

  @Test
  void aClientThatHalfClosesAfterItsWholeBodyStillGetsItsAnswer() throws Exception {
    // As nc -N does: the body, then the end of the client's sending side. Over TCP that looks like a close, and a
    // body cut short by one errors; one complete must not, even when the end waits behind a paused read.
    int total = 4 * 1024 * 1024;
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      send(out, "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
      out.write(new byte[total]);
      out.flush();
      socket.shutdownOutput();
      String answer = TestRuntime.readUntil(socket.getInputStream(), "}");
      assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("{\"n\":" + total + "}"), answer);
    }
  }

  @Test
  void aStalledBodyGets408AndErrorsTheHandlersStream() throws Exception {
    String before = rt.get("/last").body();
    try (Socket socket = connect()) {
      send(socket.getOutputStream(), "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
          + chunk("some;"));
      String answer = TestRuntime.readUntil(socket.getInputStream(), "ms\n");
      assertTrue(answer.startsWith("HTTP/1.1 408") && answer.contains("made no progress for 1500 ms"), answer);
    }
    assertEquals("TypeError: the request body made no progress for http.bodyTimeout (1500 ms)",
        lastChange("/last", before));
  }

  @Test
  void aScriptStillReadingAfterItsAnswerSeesWhyTheBodyStops() throws Exception {
    String before = rt.get("/last").body();
    try (Socket socket = connect()) {
      send(socket.getOutputStream(), "POST /answer-then-read HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
          + chunk("some;"));
      String answer = TestRuntime.readUntil(socket.getInputStream(), "answered first");
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    assertEquals("TypeError: the request is over: the rest of its body will not come", lastChange("/last", before));
  }

  @Test
  void anAnswerMadeWithoutReadingTheBodyLeavesTheConnectionUsable() throws Exception {
    int total = 8 * 1024 * 1024;
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      send(out, "POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
      String answer = TestRuntime.readUntil(in, "ignored");
      assertTrue(answer.startsWith("HTTP/1.1 200") && !answer.contains("connection: close"), answer);
      out.write(new byte[total]); // the rest is read and thrown away
      send(out, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      assertTrue(TestRuntime.readUntil(in, "body null").contains("HTTP/1.1 200"));
    }
  }

  @Test
  void overHttp2AnUploadWithoutALengthStreamsAndAGetHasNoBody() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    h2.send(HttpRequest.newBuilder(rt.uri("/")).build(), HttpResponse.BodyHandlers.ofString()); // h2c upgrade
    HttpResponse<String> get = h2.send(HttpRequest.newBuilder(rt.uri("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, get.version());
    assertEquals("body null", get.body(), "a GET's stream ends with its head: no body, as over HTTP/1.1");
    int total = 3 * 1024 * 1024;
    HttpResponse<String> post = h2.send(HttpRequest.newBuilder(rt.uri("/count"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[total])))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, post.version());
    assertEquals("{\"n\":" + total + "}", post.body());
  }
}
