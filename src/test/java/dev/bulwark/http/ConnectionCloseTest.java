package dev.bulwark.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.testhandlers.Counts;
import dev.bulwark.testhandlers.HopByHop;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the runtime ends a connection and when it keeps it: an answer given before a declared body was read, or to a
 * client that asked to close, is the connection's last (the rest of the bytes are never parsed as another request);
 * a client that half-closes still gets its answer; a handler's hop-by-hop fields never reach the client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionCloseTest {
  static TestRuntime rt;

  @BeforeAll
  static void start() throws Exception {
    JsonObject config = TestRuntime.config(
        TestRuntime.service("counts", Counts.class).put("maxBodyBytes", 100).put("maxInFlight", 1),
        TestRuntime.service("hop", HopByHop.class),
        TestRuntime.service("sleeps", dev.bulwark.testhandlers.Sleeps.class).put("timeout", "20s"));
    config.getJsonArray("sockets").getJsonObject(0).put("routes", new JsonArray()
        .add(new JsonObject().put("path", "/hop").put("service", "hop"))
        .add(new JsonObject().put("path", "/sleep").put("service", "sleeps"))
        .add(new JsonObject().put("service", "counts")));
    rt = TestRuntime.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    rt.close();
  }

  /** What a client read until the server closed (or 5 s passed), and whether it saw the close. */
  record Read(String text, boolean closed) {
    int answers() {
      Matcher m = Pattern.compile("HTTP/1\\.[01] \\d{3} ").matcher(text);
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    }

    boolean says(String field) {
      return text.toLowerCase(Locale.ROOT).contains("\r\n" + field.toLowerCase(Locale.ROOT) + "\r\n");
    }
  }

  static Read exchange(String request, boolean halfClose) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      if (halfClose) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      boolean closed = false;
      try {
        for (int n; ; ) {
          n = in.read(buf);
          if (n < 0) {
            closed = true;
            break;
          }
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // still open after 5 s
      }
      return new Read(got.toString(StandardCharsets.ISO_8859_1), closed);
    }
  }

  private static final String NEXT = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";

  @Test
  void a413BeforeTheBodyIsReadEndsTheConnectionAndTheBytesAfterItAreNeverARequest() throws Exception {
    int before = Counts.CALLS.get();
    // Declared too large: answered at once. The body follows anyway, and a request after it.
    Read declared = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "a".repeat(5000) + NEXT,
        false);
    assertTrue(declared.text().startsWith("HTTP/1.1 413 "), declared.text());
    assertTrue(declared.says("connection: close"), declared.text());
    assertTrue(declared.closed(), "the connection ends: " + declared.text());
    assertEquals(1, declared.answers(), declared.text());
    // Chunked: found too large while reading.
    Read chunked = exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "c8\r\n" + "b".repeat(200) + "\r\n0\r\n\r\n" + NEXT, false);
    assertTrue(chunked.text().startsWith("HTTP/1.1 413 "), chunked.text());
    assertTrue(chunked.closed(), chunked.text());
    assertEquals(1, chunked.answers(), chunked.text());
    assertEquals(before, Counts.CALLS.get(), "neither the body nor the request after it reached the handler");
  }

  @Test
  void anEarlyAnswerToARequestWithAnUnreadBodyEndsTheConnection() throws Exception {
    // 417 before the body: the client was told no and sends a next request instead, which must not be taken for
    // the body (or the body for a request).
    Read expect = exchange("POST / HTTP/1.1\r\nHost: x\r\nExpect: x-fast\r\nContent-Length: 5\r\n\r\n" + NEXT, false);
    assertTrue(expect.text().startsWith("HTTP/1.1 417 "), expect.text());
    assertTrue(expect.says("connection: close") && expect.closed(), expect.text());
    assertEquals(1, expect.answers(), expect.text());
    // Without a body, an early answer keeps the connection for the next request.
    Read kept = exchange("GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close"
        + "\r\n\r\n", false);
    assertTrue(kept.text().startsWith("HTTP/1.1 400 "), kept.text());
    assertTrue(kept.text().contains("fragment"), kept.text());
    assertEquals(3, kept.answers(), kept.text());
  }

  @Test
  void closeAsOneMemberOfTheConnectionListIsHonoured() throws Exception {
    int before = Counts.CALLS.get();
    Read r = exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n" + NEXT, false);
    assertTrue(r.text().startsWith("HTTP/1.1 200 "), r.text());
    assertTrue(r.says("connection: close") && r.closed(), r.text());
    assertEquals(1, r.answers(), "the request after the close is not served: " + r.text());
    assertEquals(before + 1, Counts.CALLS.get());
  }

  @Test
  void aSlowAnswerToAClientThatAskedToCloseIsNotCutOffByTheLingerLimit() throws Exception {
    // The close is arranged when the request arrives; the connection must still wait for the handler (here 11 s,
    // over the 10 s a lingering close may last), not for Closing.LINGER_MAX.
    long ms = Closing.LINGER_MAX.toMillis() + 1000;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", rt.port()), 5000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /sleep?ms=" + ms + " HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("slept\n"), answer);
    }
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestsStillGetsEveryAnswer() throws Exception {
    Read one = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", true);
    assertTrue(one.text().startsWith("HTTP/1.1 200 ") && one.text().endsWith("counted\n"), one.text());
    assertTrue(one.closed(), one.text());
    // Two pipelined requests, then FIN: both answered, in order, then the server closes. The service admits one
    // request at a time, and the second starts only once the first is answered: it is not turned away with 503.
    Read two = exchange("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.0\r\n\r\n", true);
    assertEquals(2, two.answers(), two.text());
    assertFalse(two.text().contains(" 503 "), two.text());
    assertTrue(two.closed(), two.text());
    // More than two, one of them slow: Vert.x holds the third and later unstarted while one is answered, and its own
    // graceful shutdown dropped those (only two answers came back, then the close).
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      many.append("GET ").append(i == 3 ? "/sleep?ms=300" : "/" + i).append(" HTTP/1.1\r\nHost: x\r\nX-Request-Id: p")
          .append(i).append("\r\n\r\n");
    }
    Read eight = exchange(many.toString(), true);
    assertEquals(8, eight.answers(), eight.text());
    Matcher ids = Pattern.compile("\r\nx-request-id: p(\\d)\r\n", Pattern.CASE_INSENSITIVE).matcher(eight.text());
    for (int i = 0; i < 8; i++) {
      assertTrue(ids.find(), "answer " + i + ": " + eight.text());
      assertEquals(i, Integer.parseInt(ids.group(1)), "answers in the order asked");
    }
    assertTrue(eight.closed(), eight.text());
    // FIN before the declared body is complete: it never can be. Told so at once, not with a 408 at the body timeout
    // (30 s) to a connection left half-open until then.
    long t0 = System.nanoTime();
    Read partial = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", true);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(partial.text().startsWith("HTTP/1.1 400 ") && partial.text().endsWith("was complete\n"),
        partial.text());
    assertTrue(partial.closed() && ms < 3000, ms + " ms: " + partial.text());
    // FIN with nothing sent: closed at once.
    Read none = exchange("", true);
    assertEquals("", none.text());
    assertTrue(none.closed());
  }

  @Test
  void manyPipelinedRequestsAreAllAnsweredInOrder() throws Exception {
    // Before: past 128 in flight, Netty's WebSocket extension handler closed the connection with no answer at all.
    int n = 300;
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < n; i++) {
      requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\nX-Request-Id: r").append(i).append("\r\n");
      requests.append(i == n - 1 ? "Connection: close\r\n\r\n" : "\r\n");
    }
    Read r = exchange(requests.toString(), false);
    assertEquals(n, r.answers(), r.text().length() > 300 ? r.text().substring(0, 300) : r.text());
    Matcher ids = Pattern.compile("\r\nx-request-id: r(\\d+)\r\n", Pattern.CASE_INSENSITIVE).matcher(r.text());
    for (int i = 0; i < n; i++) {
      assertTrue(ids.find(), "answer " + i);
      assertEquals(i, Integer.parseInt(ids.group(1)), "answers in the order asked");
    }
    assertFalse(r.text().contains(" 503 "), "one at a time is enough for a service of maxInFlight 1");
    assertTrue(r.closed());
  }

  @Test
  void aFoldedFramingFieldIsRefused() throws Exception {
    int before = Counts.CALLS.get();
    Read r = exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + NEXT,
        false);
    assertTrue(r.text().startsWith("HTTP/1.1 400 "), r.text());
    assertTrue(r.text().contains("folded"), r.text());
    assertTrue(r.closed(), r.text());
    assertEquals(before, Counts.CALLS.get());
  }

  @Test
  void aHandlersHopByHopFieldsAreDroppedAndItsConnectionCloseHonoured() throws Exception {
    Read kept = exchange("GET /hop HTTP/1.1\r\nHost: x\r\n\r\nGET /hop HTTP/1.1\r\nHost: x\r\n\r\n", false);
    assertEquals(2, kept.answers(), "keep-alive survives a handler's 'Connection: keep-alive': " + kept.text());
    assertFalse(kept.closed(), kept.text());
    String head = kept.text().substring(0, kept.text().indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
    for (String dropped : new String[] {"connection:", "keep-alive:", "proxy-connection:", "upgrade:", "\r\nte:",
        "trailer:"}) {
      assertFalse(head.contains(dropped), dropped + " in " + head);
    }
    assertTrue(head.contains("x-kept: yes"), head);
    assertTrue(head.contains("\r\ndate: thu, 01 jan 1970 00:00:00 gmt"), "the handler's Date: " + head);
    assertEquals(head.indexOf("\r\ndate:"), head.lastIndexOf("\r\ndate:"), "one Date only: " + head);
    Read closed = exchange("GET /hop?connection=close HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT, false);
    assertTrue(closed.says("connection: close") && closed.closed(), closed.text());
    assertEquals(1, closed.answers(), closed.text());
  }

  private static final Pattern IMF_FIXDATE =
      Pattern.compile("(?s).*\r\ndate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n.*");

  @Test
  void everyAnswerCarriesADate() throws Exception {
    for (String request : new String[] {"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", // 400: no Host
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n", // 413
        "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"}) { // 414, from the parser
      Read r = exchange(request, false);
      assertTrue(IMF_FIXDATE.matcher(r.text()).matches(), r.text());
    }
  }

  @Test
  void whatTheParserCannotReadIsAnsweredWithAReasonAnIdAndALingeringClose() throws Exception {
    int before = Counts.CALLS.get();
    // The request line over http.maxInitialLineBytes, still arriving while the answer goes out: before, the close
    // came at once, as a reset that could destroy the 414 before the client read it.
    Read longLine = exchange("GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", false);
    assertTrue(longLine.text().matches("HTTP/1\\.[01] 414 (?s).*"), longLine.text());
    assertTrue(longLine.text().contains("The request line is longer than 4096 bytes"), longLine.text());
    Read header = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + "b".repeat(20_000) + "\r\n\r\n" + NEXT, false);
    assertTrue(header.text().matches("HTTP/1\\.[01] 431 (?s).*"), header.text());
    Read malformed = exchange("GET / HTTP/1.1\r\nHost : x\r\n\r\n" + NEXT, false);
    assertTrue(malformed.text().matches("HTTP/1\\.[01] 400 (?s).*not valid HTTP/1\\.1: .*"), malformed.text());
    for (Read r : new Read[] {longLine, header, malformed}) {
      assertTrue(r.says("connection: close") && r.closed(), r.text());
      assertTrue(r.text().toLowerCase(Locale.ROOT).matches("(?s).*\r\nx-request-id: [0-9a-f]{16}\r\n.*"), r.text());
      assertEquals(1, r.answers(), r.text());
    }
    assertEquals(before, Counts.CALLS.get(), "no handler ran");
    // Versions: Vert.x answered each of these 501 itself, with the client's version in the status line, no id, and
    // uncounted. Another major version is 505, another protocol 400, both in HTTP/1.1's status line.
    Read http2 = exchange("GET / HTTP/2.0\r\nHost: x\r\n\r\n" + NEXT, false);
    assertTrue(http2.text().startsWith("HTTP/1.1 505 ") && http2.text().contains("HTTP/2.0 is not spoken"),
        http2.text());
    Read foo = exchange("GET / FOO/1.1\r\nHost: x\r\n\r\n" + NEXT, false);
    assertTrue(foo.text().startsWith("HTTP/1.1 400 ") && foo.text().contains("the protocol is FOO/1.1, not HTTP"),
        foo.text());
    for (Read r : new Read[] {http2, foo}) {
      assertTrue(r.says("connection: close") && r.closed(), r.text());
      assertTrue(r.text().toLowerCase(Locale.ROOT).matches("(?s).*\r\nx-request-id: [0-9a-f]{16}\r\n.*"), r.text());
      assertEquals(1, r.answers(), r.text());
    }
    assertEquals(before, Counts.CALLS.get(), "no handler ran");
    // A later minor version is served as the highest this server speaks (RFC 9110, 2.5).
    Read minor = exchange("GET / HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n", false);
    assertTrue(minor.text().startsWith("HTTP/1.1 200 ") && minor.text().endsWith("counted\n"), minor.text());
    assertEquals("counted\n", rt.get("/").body(), "the next client is served as usual");
    var m = rt.send(java.net.http.HttpRequest.newBuilder(rt.adminUri("/metrics")).build()).body();
    assertTrue(m.contains("bulwark_requests_total{service=\"none\",status=\"414\"}"), m);
    assertTrue(m.contains("bulwark_requests_total{service=\"none\",status=\"431\"}"), m);
    assertTrue(m.contains("bulwark_requests_total{service=\"none\",status=\"505\"}"), m);
  }

  /** What a test does with an HTTP/2 client. */
  private interface Http2Exchanges {
    void run(io.vertx.core.http.HttpClient client) throws Exception;
  }

  /** Runs {@code exchanges} with a Vert.x client speaking HTTP/2 from the start (prior knowledge), then closes it. */
  private static void overHttp2(Http2Exchanges exchanges) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      exchanges.run(vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false)));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void overHttp2HeaderFieldsOverTheLimitGetTheRuntimes431AndTheConnectionStaysUsable() throws Exception {
    overHttp2(client -> {
      RequestOptions get = new RequestOptions().setHost("127.0.0.1").setPort(rt.port()).setURI("/");
      // http.maxHeaderBytes is 8 KiB here. Before, HTTP/2 went by Netty's own 8 KiB of HPACK accounting: a bare 431
      // with no request id, uncounted; and a higher http.maxHeaderBytes did not raise it.
      var big = client.request(new RequestOptions(get).putHeader("x-big", "b".repeat(10_000)))
          .compose(req -> req.send()).compose(res -> res.body().map(b -> res.statusCode() + " "
              + res.getHeader("x-request-id") + " " + b)).await(10, TimeUnit.SECONDS);
      assertTrue(big.matches("431 [0-9a-f]{16} The request's header fields are larger than 8192 bytes\n"), big);
      var fits = client.request(new RequestOptions(get).putHeader("x-big", "b".repeat(7_000)))
          .compose(req -> req.send()).compose(res -> res.body()).await(10, TimeUnit.SECONDS).toString();
      assertEquals("counted\n", fits, "just under the limit, and on the same connection");
    });
  }

  @Test
  void overHttp2ABodyItsContentLengthDisagreesWithIsResetAsMalformedAndNotCountedAsAnswered() throws Exception {
    overHttp2(client -> {
      RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(rt.port())
          .setURI("/");
      String before = count400();
      for (String declared : new String[] {"10", "1"}) { // 3 bytes sent: fewer, then more than declared
        Throwable err = client.request(new RequestOptions(post).putHeader("content-length", declared))
            .compose(req -> req.send(Buffer.buffer("abc"))).map(res -> (Throwable) null)
            .otherwise(e -> e).await(10, TimeUnit.SECONDS);
        // RFC 9113, 8.1.1: a stream error of type PROTOCOL_ERROR (1). Before: RST_STREAM(NO_ERROR), and a 400
        // counted in bulwark_requests_total that the client never got.
        assertTrue(err instanceof io.vertx.core.http.StreamResetException reset && reset.getCode() == 1,
            declared + ": " + err);
      }
      assertEquals(before, count400(), "no answer was sent, so none is counted");
      String body = client.request(new RequestOptions(post).setMethod(HttpMethod.GET))
          .compose(req -> req.send()).compose(res -> res.body()).await(10, TimeUnit.SECONDS).toString();
      assertEquals("counted\n", body, "the connection goes on");
    });
  }

  /** The 400s counted for the counts service, as /metrics has them (empty when there are none). */
  private static String count400() throws Exception {
    String m = rt.send(java.net.http.HttpRequest.newBuilder(rt.adminUri("/metrics")).build()).body();
    Matcher c = Pattern.compile("bulwark_requests_total\\{service=\"counts\",status=\"400\"} (\\S+)").matcher(m);
    return c.find() ? c.group(1) : "";
  }

  @Test
  void overHttp2A413IsAnAnswerAndTheConnectionStaysUsable() throws Exception {
    overHttp2(client -> {
      RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(rt.port())
          .setURI("/");
      int status = client.request(post).compose(req -> req.send(Buffer.buffer("x".repeat(5000))))
          .map(res -> res.statusCode()).await(10, TimeUnit.SECONDS);
      assertEquals(413, status);
      String body = client.request(new RequestOptions(post).setMethod(HttpMethod.GET))
          .compose(req -> req.send()).compose(res -> res.body()).await(10, TimeUnit.SECONDS).toString();
      assertEquals("counted\n", body);
    });
  }
}
