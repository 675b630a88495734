package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.FetchConfig;
import dev.bulwark.worker.HandlerLoadException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** fetch() from a real worker against a real Vert.x HTTP server on 127.0.0.1 (port 0). */
class FetchTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static String base;
  private static final java.util.concurrent.CountDownLatch hangClosed = new java.util.concurrent.CountDownLatch(1);

  @BeforeAll
  static void startServer() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(FetchTest::serve).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stopServer() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static void serve(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      String path = req.path();
      var res = req.response();
      switch (path) {
        case "/text" -> res.putHeader("content-type", "text/plain").end("hello from upstream");
        case "/json" -> res.putHeader("content-type", "application/json").end("{\"a\":1,\"b\":[true,null]}");
        case "/echo" -> res.putHeader("content-type", req.getHeader("content-type") == null ? "none"
            : req.getHeader("content-type")).putHeader("x-method", req.method().name()).end(body);
        case "/headers" -> {
          JsonObject seen = new JsonObject();
          req.headers().names().forEach(n -> seen.put(n.toLowerCase(), String.join(", ", req.headers().getAll(n))));
          res.putHeader("x-reply", "r1").putHeader("set-cookie", List.<String>of("a=1", "b=2"))
              .putHeader("content-type", "application/json").end(seen.encode());
        }
        case "/redirect" -> res.setStatusCode(Integer.parseInt(req.getParam("status", "302")))
            .putHeader("location", req.getParam("to", "/text")).end("moved");
        case "/loop" -> res.setStatusCode(302).putHeader("location", "/loop").end();
        case "/missing" -> res.setStatusCode(404).end("nope");
        case "/big" -> {
          int n = Integer.parseInt(req.getParam("n"));
          if (req.getParam("chunked") != null) {
            res.setChunked(true);
            for (int i = 0; i < n; i += 1000) {
              res.write(Buffer.buffer(new byte[Math.min(1000, n - i)]));
            }
            res.end();
          } else {
            res.end(Buffer.buffer(new byte[n]));
          }
        }
        case "/slow" -> vertx.setTimer(5000, t -> res.end("late"));
        case "/hang" -> req.connection().closeHandler(v -> hangClosed.countDown());
        default -> res.setStatusCode(500).end("unexpected path " + path);
      }
    });
  }

  private static FetchConfig allowLoopback() {
    return new FetchConfig(List.of("127.0.0.1"), 50, 16L << 20, Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  /** Runs {@code body} (an async function body with BASE in scope) in a worker and returns its JSON result. */
  private static Object run(FetchConfig config, String body) throws Exception {
    String source = "export default { async fetch(request, env, ctx) {\n"
        + "  const BASE = '" + base + "';\n"
        + "  try {\n"
        + "    const value = await (async () => {\n" + body + "\n})();\n"
        + "    return Response.json({ value: value === undefined ? null : value });\n"
        + "  } catch (e) {\n"
        + "    return Response.json({ error: { name: e && e.name, message: String(e && e.message),"
        + "      type: e instanceof TypeError ? 'TypeError' : e instanceof DOMException ? 'DOMException' : 'other' } });\n"
        + "  }\n} };\n";
    try (JsHarness js = JsHarness.module(source, config)) {
      Response r = js.fetch(Request.get("/"));
      assertEquals(200, r.status(), r.text());
      JsonObject o = new JsonObject(r.text());
      return o.containsKey("error") ? o.getJsonObject("error") : o.getValue("value");
    }
  }

  private static JsonObject error(Object result) {
    assertTrue(result instanceof JsonObject j && j.containsKey("message"), "expected an error, got " + result);
    return (JsonObject) result;
  }

  @Test
  void getsTextAndJson() throws Exception {
    Object v = run(allowLoopback(), """
        const t = await fetch(BASE + '/text?q=a|b^{c}#frag');
        const j = await fetch(new Request(BASE + '/json'));
        return [t.status, t.ok, t.statusText, t.headers.get('content-type'), await t.text(), t.url, t.redirected,
          await j.json()];
        """);
    assertEquals("[200,true,\"OK\",\"text/plain\",\"hello from upstream\",\"" + base + "/text?q=a|b^{c}\",false,"
        + "{\"a\":1,\"b\":[true,null]}]", v.toString());
  }

  @Test
  void postsABodyAndReadsItBack() throws Exception {
    Object v = run(allowLoopback(), """
        const r = await fetch(BASE + '/echo', { method: 'POST', body: 'ping \\u00e9', headers: { 'content-type': 'text/x-test' } });
        const bin = await fetch(BASE + '/echo', { method: 'PUT', body: new Uint8Array([1, 2, 255]) });
        return [r.headers.get('x-method'), r.headers.get('content-type'), await r.text(),
          bin.headers.get('x-method'), Array.from(new Uint8Array(await bin.clone().arrayBuffer())),
          (await bin.arrayBuffer()) instanceof ArrayBuffer];
        """);
    assertEquals("[\"POST\",\"text/x-test\",\"ping é\",\"PUT\",[1,2,255],true]", v.toString());
  }

  @Test
  void aPostOrPutWithoutABodySaysContentLength0AndAGetSaysNothing() throws Exception {
    Object v = run(allowLoopback(), """
        const out = [];
        for (const method of ['POST', 'PUT', 'GET', 'DELETE']) {
          const seen = await (await fetch(BASE + '/headers', { method })).json();
          out.push(method + '=' + (seen['content-length'] ?? 'none'));
        }
        return out;
        """);
    assertEquals("[\"POST=0\",\"PUT=0\",\"GET=none\",\"DELETE=none\"]", v.toString(), "before: POST=none");
  }

  @Test
  void headersRoundTrip() throws Exception {
    Object v = run(allowLoopback(), """
        const h = new Headers({ 'x-one': '1', 'user-agent': 'bulwark-test' });
        h.append('x-multi', 'a');
        h.append('x-multi', 'b');
        const r = await fetch(BASE + '/headers?q=1', { headers: h });
        const seen = await r.json();
        return [seen['x-one'], seen['user-agent'], seen['x-multi'], seen['host'], r.headers.get('x-reply'),
          r.headers.getSetCookie()];
        """);
    JsonObject expectedHost = new JsonObject().put("h", base.substring("http://".length()));
    assertEquals("[\"1\",\"bulwark-test\",\"a, b\",\"" + expectedHost.getString("h") + "\",\"r1\",[\"a=1\",\"b=2\"]]",
        v.toString());
  }

  @Test
  void followsRedirects() throws Exception {
    Object v = run(allowLoopback(), """
        const r = await fetch(BASE + '/redirect?status=301&to=/text');
        return [r.status, r.redirected, r.url, await r.text()];
        """);
    assertEquals("[200,true,\"" + base + "/text\",\"hello from upstream\"]", v.toString());
  }

  @Test
  void redirect303AndPostAfter302BecomeGetWithoutBody307KeepsIt() throws Exception {
    Object v = run(allowLoopback(), """
        const a = await fetch(BASE + '/redirect?status=303&to=/echo', { method: 'PUT', body: 'x', headers: { 'content-type': 'text/a' } });
        const b = await fetch(BASE + '/redirect?status=302&to=/echo', { method: 'POST', body: 'y' });
        const c = await fetch(BASE + '/redirect?status=307&to=/echo', { method: 'POST', body: 'z' });
        return [a.headers.get('x-method'), a.headers.get('content-type'), await a.text(),
          b.headers.get('x-method'), await b.text(), c.headers.get('x-method'), await c.text()];
        """);
    assertEquals("[\"GET\",\"none\",\"\",\"GET\",\"\",\"POST\",\"z\"]", v.toString());
  }

  @Test
  void manualRedirectReturnsTheRedirectResponse() throws Exception {
    Object v = run(allowLoopback(), """
        const r = await fetch(BASE + '/redirect?status=302&to=/text', { redirect: 'manual' });
        return [r.status, r.headers.get('location'), r.redirected, await r.text()];
        """);
    assertEquals("[302,\"/text\",false,\"moved\"]", v.toString());
  }

  @Test
  void errorRedirectModeRejects() throws Exception {
    JsonObject e = error(run(allowLoopback(), "return await fetch(BASE + '/redirect?status=302', { redirect: 'error' });"));
    assertEquals("TypeError", e.getString("type"));
    assertTrue(e.getString("message").contains("redirect mode is \"error\""), e.encode());
  }

  @Test
  void redirectLoopStopsAfterTwentyHops() throws Exception {
    JsonObject e = error(run(allowLoopback(), "return await fetch(BASE + '/loop');"));
    assertEquals("TypeError", e.getString("type"));
    assertTrue(e.getString("message").startsWith("Too many redirects"), e.encode());
  }

  @Test
  void notFoundIsAResponseNotAnError() throws Exception {
    Object v = run(allowLoopback(), """
        const r = await fetch(BASE + '/missing');
        return [r.status, r.ok, await r.text()];
        """);
    assertEquals("[404,false,\"nope\"]", v.toString());
  }

  @Test
  void subrequestLimitPerIncomingRequest() throws Exception {
    FetchConfig three = new FetchConfig(List.of("127.0.0.1"), 3, 16L << 20, Duration.ofSeconds(5), Duration.ofSeconds(10));
    Object v = run(three, """
        const out = [];
        for (let i = 0; i < 4; i++) {
          try { out.push((await fetch(BASE + '/text')).status); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
        }
        return out;
        """);
    assertEquals("[200,200,200,\"Error: Too many subrequests.\"]", v.toString());
  }

  @Test
  void redirectHopsCountAsSubrequests() throws Exception {
    FetchConfig two = new FetchConfig(List.of("127.0.0.1"), 2, 16L << 20, Duration.ofSeconds(5), Duration.ofSeconds(10));
    JsonObject e = error(run(two, "return await fetch(BASE + '/redirect?status=302&to=/redirect%3Fstatus%3D302');"));
    assertEquals("Too many subrequests.", e.getString("message"));
  }

  @Test
  void responseSizeLimit() throws Exception {
    FetchConfig small = new FetchConfig(List.of("127.0.0.1"), 50, 4000, Duration.ofSeconds(5), Duration.ofSeconds(10));
    Object v = run(small, """
        const out = [(await (await fetch(BASE + '/big?n=4000')).arrayBuffer()).byteLength];
        // A declared length over the limit rejects fetch() itself; a chunked body has no length to judge by, so it
        // streams (README, streamed bodies), fetch() resolves with its head, and reading past the limit fails.
        try { await fetch(BASE + '/big?n=5000'); out.push('ok?'); } catch (e) { out.push(e.message); }
        const chunked = await fetch(BASE + '/big?n=9000&chunked=1');
        try { await chunked.arrayBuffer(); out.push('ok?'); } catch (e) { out.push(e.constructor.name + ' ' + e.message); }
        return out;
        """);
    String expected = "the response body is larger than this service's fetch.maxResponseBytes (4000 bytes)";
    assertTrue(v.toString().startsWith("[4000,"), v.toString());
    assertEquals(2, v.toString().split(java.util.regex.Pattern.quote(expected), -1).length - 1, v.toString());
    assertTrue(v.toString().contains("Error fetch() to"), "the streamed body's read fails with an Error: " + v);
  }

  @Test
  void timeoutRejects() throws Exception {
    FetchConfig quick = new FetchConfig(List.of("127.0.0.1"), 50, 1 << 20, Duration.ofSeconds(5), Duration.ofMillis(300));
    long t0 = System.nanoTime();
    JsonObject e = error(run(quick, "return await fetch(BASE + '/slow');"));
    assertEquals("TypeError", e.getString("type"));
    assertTrue(e.getString("message").contains("timed out after 300 ms"), e.encode());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4));
  }

  @Test
  void allowListDenialNamesTheHost() throws Exception {
    FetchConfig other = new FetchConfig(List.of("api.example.com", "*.example.org"), 50, 1 << 20,
        Duration.ofSeconds(5), Duration.ofSeconds(10));
    JsonObject e = error(run(other, "return await fetch(BASE + '/text');"));
    assertEquals("TypeError", e.getString("type"));
    assertEquals("fetch() to 127.0.0.1:" + server.actualPort() + " is not allowed: it matches no entry of this "
        + "service's fetch.allow [api.example.com, *.example.org]", e.getString("message"));
  }

  @Test
  void withoutAnAllowListLoopbackIsRefused() throws Exception {
    Object v = run(FetchConfig.DEFAULT, """
        const out = [];
        for (const u of [BASE + '/text', BASE.replace('127.0.0.1', 'localhost') + '/text', 'http://[::1]:9/']) {
          try { await fetch(u); out.push('fetched ' + u); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
        }
        return out;
        """);
    String s = v.toString();
    assertTrue(s.contains("TypeError: fetch() to 127.0.0.1:" + server.actualPort()
        + " is not allowed: 127.0.0.1 resolves to the non-public address 127.0.0.1"), s);
    assertTrue(s.contains("TypeError: fetch() to localhost:" + server.actualPort()
        + " is not allowed: localhost resolves to the non-public address 127.0.0.1"), s);
    assertTrue(s.contains("TypeError: fetch() to [::1]:9 is not allowed"), s);
    assertTrue(!s.contains("fetched"), s);
  }

  @Test
  void allowListedHostNameIsResolved() throws Exception {
    FetchConfig local = new FetchConfig(List.of("localhost:" + server.actualPort()), 50, 1 << 20,
        Duration.ofSeconds(5), Duration.ofSeconds(10));
    Object v = run(local, "return await (await fetch(BASE.replace('127.0.0.1', 'localhost') + '/text')).text();");
    assertEquals("hello from upstream", v);
  }

  @Test
  void onlyHttpAndHttps() throws Exception {
    JsonObject e = error(run(allowLoopback(), "return await fetch('ftp://127.0.0.1/file');"));
    assertEquals("TypeError", e.getString("type"));
    assertTrue(e.getString("message").contains("only http: and https:"), e.encode());
  }

  @Test
  void refusedConnectionIsANetworkError() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    JsonObject e = error(run(allowLoopback(), "return await fetch('http://127.0.0.1:" + closedPort + "/');"));
    assertEquals("TypeError", e.getString("type"));
    assertTrue(e.getString("message").startsWith("Network connection lost. (fetch() to 127.0.0.1:" + closedPort),
        e.encode());
  }

  @Test
  void httpsVerifiesTheCertificate() throws Exception {
    io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    HttpServer tls = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
            .setKeyCertOptions(cert.keyCertOptions()))
        .requestHandler(r -> r.response().end("secret")).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      JsonObject e = error(run(allowLoopback(), "return await fetch('https://127.0.0.1:" + tls.actualPort() + "/');"));
      assertEquals("TypeError", e.getString("type"));
      assertTrue(e.getString("message").startsWith("Network connection lost. (fetch() to 127.0.0.1:"
          + tls.actualPort()), e.encode());
      assertTrue(e.getString("message").contains("certification path"), e.encode());
    } finally {
      tls.close().await(10, TimeUnit.SECONDS);
      cert.delete();
    }
  }

  @Test
  void abortSignalRejectsAndClosesTheExchange() throws Exception {
    Object v = run(allowLoopback(), """
        function signal() {
          const controller = new AbortController();
          const s = controller.signal;
          s.abort = (reason) => controller.abort(reason);
          return s;
        }
        const out = [];
        await (await fetch(BASE + '/text')).text(); // the first fetch loads the client's classes: not timed
        const s1 = signal();
        const t0 = Date.now();
        const p = fetch(BASE + '/hang', { signal: s1 });
        setTimeout(() => s1.abort(), 500); // the server has the request by then (it is on loopback)
        try { await p; out.push('not aborted'); } catch (e) { out.push(e.name, e instanceof DOMException, Date.now() - t0 < 3000); }
        const s2 = signal();
        s2.abort(new Error('mine'));
        try { await fetch(BASE + '/text', { signal: s2 }); out.push('not aborted'); } catch (e) { out.push(e.message); }
        const s3 = signal();
        const r = await fetch(BASE + '/text', { signal: s3 });
        s3.abort();
        out.push(await r.text());
        return out;
        """);
    assertEquals("[\"AbortError\",true,true,\"mine\",\"hello from upstream\"]", v.toString());
    assertTrue(hangClosed.await(5, TimeUnit.SECONDS), "the aborted exchange's connection is closed");
  }

  @Test
  void notAllowedInTheGlobalScope() {
    HandlerLoadException e = assertThrows(HandlerLoadException.class, () -> {
      try (JsHarness js = JsHarness.module("fetch('" + base + "/text');\n"
          + "export default { fetch() { return new Response('x'); } };", allowLoopback())) {
        js.fetch(Request.get("/"));
      }
    });
    assertTrue(e.getMessage().contains("fetch() is not allowed in the global scope"), e.getMessage());
  }
}
