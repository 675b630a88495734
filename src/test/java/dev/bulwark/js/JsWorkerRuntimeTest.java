package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.LogCapture;
import dev.bulwark.TestRuntime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript workers inside the real runtime, over HTTP on loopback: both workerd formats, relative imports,
 * bindings, service bindings, stream bodies, and what happens to a handler that throws, never answers or loops.
 */
class JsWorkerRuntimeTest {
  @TempDir
  static Path dir;
  static TestRuntime rt;

  static JsonObject script(String name, String file, String source) throws Exception {
    Files.writeString(dir.resolve(file), source);
    return new JsonObject().put("name", name).put("source", dir.resolve(file).toString()).put("instances", 2);
  }

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("greet.mjs"), "export function greet(who) { return `hello ${who}`; }\n");
    JsonObject module = script("module", "module.mjs", """
        import { greet } from './greet.mjs';
        export default {
          async fetch(request, env, ctx) {
            const url = new URL(request.url);
            if (url.pathname === '/module/throw') throw new RangeError('boom from the handler');
            if (url.pathname === '/module/never') return new Promise(() => {});
            if (url.pathname === '/module/loop') { for (;;) {} }
            if (url.pathname === '/module/null') return null;
            if (url.pathname === '/module/control') {
              // Fetch's Headers allow U+0001 in a value; HTTP does not, and Netty would refuse it mid-write.
              return new Response('x', { headers: { 'x-a': 'a\u0001b' } });
            }
            if (url.pathname === '/module/escape') {
              try { await import('../../../../etc/passwd'); return new Response('escaped'); }
              catch (e) { return new Response('denied: ' + e.message); }
            }
            if (url.pathname === '/module/sandbox') {
              return Response.json([typeof Java, typeof Polyglot, typeof Graal, typeof load, typeof print,
                typeof require, typeof process]);
            }
            if (url.pathname === '/module/afterwards') {
              // Answers at once, then spins in a timer charged to the same request until its CPU budget stops it.
              ctx.waitUntil(new Promise((resolve) => setTimeout(() => { for (;;) {} }, 1)));
              return new Response('answered first');
            }
            if (url.pathname === '/module/url') {
              return Response.json({ url: request.url, host: url.host, path: url.pathname,
                q: url.searchParams.get('q') });
            }
            if (url.pathname === '/module/echo') {
              return Response.json({ method: request.method, body: await request.text(),
                type: request.headers.get('Content-Type'), q: url.searchParams.getAll('q') });
            }
            if (url.pathname === '/module/other') {
              const r = await env.OTHER.fetch('http://other.internal/from-module?x=1', { method: 'POST', body: 'ping' });
              return new Response(`other said ${r.status} ${await r.text()}`, { headers: { 'x-other': r.headers.get('x-seen') } });
            }
            if (url.pathname === '/module/log') {
              console.log('logged %s with', 'text', { n: 1, list: [1, 'a'] });
              console.error(new TypeError('shown with its stack'));
              return new Response('logged');
            }
            if (url.pathname === '/module/hmac') {
              const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(env.HMAC_KEY),
                { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
              const mac = await crypto.subtle.sign('HMAC', key, await request.arrayBuffer());
              const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
              return new Response(hex, { headers: { 'x-request-uuid': crypto.randomUUID() } });
            }
            if (url.pathname === '/module/stream') {
              const encoder = new TextEncoder();
              let part = 0;
              return new Response(new ReadableStream({
                async pull(controller) {
                  await new Promise((resolve) => setTimeout(resolve, 2));
                  if (++part > 4) controller.close(); else controller.enqueue(encoder.encode(`part ${part};`));
                },
              }), { headers: { 'content-type': 'text/plain; charset=utf-8' } });
            }
            if (url.pathname === '/module/upload') {
              const reader = request.body.getReader();
              const decoder = new TextDecoder();
              let chunks = 0;
              let bytes = 0;
              let text = '';
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                chunks++;
                bytes += value.byteLength;
                text += decoder.decode(value, { stream: true });
              }
              text += decoder.decode();
              return Response.json({ chunks, bytes, text, used: request.bodyUsed });
            }
            if (url.pathname === '/module/teapot') {
              return new Response('short and stout', { status: 418, statusText: "I'm a teapot, really" });
            }
            if (url.pathname === '/module/relay') {
              return env.OTHER.fetch('http://other.internal/sw/reason'); // the other service's Response as it is
            }
            if (url.pathname === '/module/later') {
              await new Promise((resolve) => setTimeout(resolve, 20));
              return new Response('after a timer', { status: 201, headers: { 'X-Mixed-Case': 'yes' } });
            }
            return new Response(`${greet(env.NAME)} ${env.CONFIG.answer}`);
          },
        };
        """).put("bindings", new JsonObject()
            .put("NAME", new JsonObject().put("text", "module"))
            .put("HMAC_KEY", new JsonObject().put("text", "Jefe"))
            .put("CONFIG", new JsonObject().put("json", new JsonObject().put("answer", 42)))
            .put("OTHER", new JsonObject().put("service", "sw")))
        .put("timeout", "1500ms").put("cpuBudget", "100ms");
    JsonObject sw = script("sw", "sw.js", """
        let waited = 0;
        addEventListener('fetch', (event) => {
          const url = new URL(event.request.url);
          event.waitUntil(new Promise((resolve) => setTimeout(() => { waited++; resolve(); }, 5)));
          if (url.pathname === '/sw/reason') {
            event.respondWith(new Response('custom', { status: 299, statusText: 'Custom Thing' }));
            return;
          }
          if (url.pathname === '/sw/waited') {
            event.respondWith(new Response(String(waited)));
            return;
          }
          event.respondWith((async () => {
            const body = await event.request.text();
            return new Response(`${GREETING} ${event.request.method} ${url.pathname}${url.search} ${body}`,
              { headers: { 'x-seen': event.request.headers.get('host') } });
          })());
        });
        """).put("bindings", new JsonObject().put("GREETING", new JsonObject().put("text", "sw says")));
    rt = TestRuntime.start(TestRuntime.routed(TestRuntime.config(module, sw), "/sw", "sw", "/", "module"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (rt != null) {
      rt.close();
    }
  }

  @Test
  void moduleWorkerWithRelativeImportAndBindings() throws Exception {
    HttpResponse<String> r = rt.get("/module");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("hello module 42", r.body());
    assertEquals("text/plain;charset=UTF-8", r.headers().firstValue("content-type").orElseThrow());
  }

  @Test
  void requestUrlIsWholeForAbsoluteFormAndRawUtf8Targets() throws Exception {
    // Sent raw as curl does: the UTF-8 bytes of "é", one per char in ISO-8859-1, which raw() writes as they are.
    String e = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    String relative = rt.raw("127.0.0.1", "GET /module/url?q=" + e + " HTTP/1.1\r\nHost: w.test\r\n\r\n");
    String absolute = rt.raw("127.0.0.1",
        "GET http://api.test:81/module/url?q=" + e + " HTTP/1.1\r\nHost: w.test\r\n\r\n");
    for (String answer : List.of(relative, absolute)) {
      assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    }
    JsonObject r = new JsonObject(relative.substring(relative.indexOf("\r\n\r\n") + 4));
    assertEquals("http://w.test/module/url?q=%C3%A9", r.getString("url"));
    assertEquals("/module/url", r.getString("path"));
    JsonObject a = new JsonObject(absolute.substring(absolute.indexOf("\r\n\r\n") + 4));
    assertEquals("http://api.test:81/module/url?q=%C3%A9", a.getString("url"), "before: http://w.testhttp://api...");
    assertEquals("api.test:81", a.getString("host"));
    // The body is UTF-8 JSON read back as ISO-8859-1 by raw(): "é" arrives as its two bytes.
    assertEquals(e, a.getString("q"));
    // An empty Host (allowed without an authority) is no host: before, the URL was http:///module/url and
    // new URL() took "module" for the host and "/url" for the path.
    String empty = rt.raw("127.0.0.1", "GET /module/url HTTP/1.1\r\nHost:\r\n\r\n");
    JsonObject u = new JsonObject(empty.substring(empty.indexOf("\r\n\r\n") + 4));
    assertEquals("http://localhost/module/url", u.getString("url"), empty);
    assertEquals("/module/url", u.getString("path"));
    // Dot segments are gone before the script sees the URL, as routing saw it.
    String dots = rt.raw("127.0.0.1", "GET /other/../module/./url HTTP/1.1\r\nHost: w.test\r\n\r\n");
    JsonObject d = new JsonObject(dots.substring(dots.indexOf("\r\n\r\n") + 4));
    assertEquals("http://w.test/module/url", d.getString("url"), dots);
  }

  @Test
  void requestBodyHeadersAndRepeatedQueryKeys() throws Exception {
    HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/module/echo?q=1&q=2"))
        .header("content-type", "text/x-test").POST(HttpRequest.BodyPublishers.ofString("héllo")).build());
    JsonObject json = new JsonObject(r.body());
    assertEquals("POST", json.getString("method"));
    assertEquals("héllo", json.getString("body"));
    assertEquals("text/x-test", json.getString("type"));
    assertEquals(new JsonArray().add("1").add("2"), json.getJsonArray("q"));
  }

  @Test
  void responseStreamOfSeveralChunks() throws Exception {
    HttpResponse<String> r = rt.get("/module/stream");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("part 1;part 2;part 3;part 4;", r.body());
    assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
  }

  @Test
  void requestBodyReadThroughAReader() throws Exception {
    HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/module/upload"))
        .POST(HttpRequest.BodyPublishers.ofString("é".repeat(5000))).build());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject json = new JsonObject(r.body());
    assertEquals(10_000, json.getInteger("bytes"));
    assertEquals("é".repeat(5000), json.getString("text"));
    assertTrue(json.getInteger("chunks") >= 1);
    assertEquals(true, json.getBoolean("used"));
  }

  @Test
  void timersAndResponseHeaders() throws Exception {
    HttpResponse<String> r = rt.get("/module/later");
    assertEquals(201, r.statusCode());
    assertEquals("after a timer", r.body());
    assertEquals("yes", r.headers().firstValue("x-mixed-case").orElseThrow());
  }

  @Test
  void handlerSignsTheRequestBodyWithWebCrypto() throws Exception {
    HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/module/hmac"))
        .POST(HttpRequest.BodyPublishers.ofString("what do ya want for nothing?")).build());
    assertEquals(200, r.statusCode(), r.body());
    // RFC 4231, test case 2 (HMAC-SHA-256).
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", r.body());
    assertTrue(r.headers().firstValue("x-request-uuid").orElseThrow()
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }

  @Test
  void serviceWorkerSyntaxWithGlobalsAndWaitUntil() throws Exception {
    HttpResponse<String> r = rt.send(HttpRequest.newBuilder(rt.uri("/sw/path?a=b"))
        .POST(HttpRequest.BodyPublishers.ofString("data")).build());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("sw says POST /sw/path?a=b data", r.body());
    int waited = 0;
    for (int i = 0; i < 50 && waited == 0; i++) {
      Thread.sleep(20);
      waited = Integer.parseInt(rt.get("/sw/waited").body());
    }
    assertTrue(waited > 0, "waitUntil work ran after the response");
  }

  @Test
  void serviceBindingCallsTheOtherWorkerOverTheEventBus() throws Exception {
    HttpResponse<String> r = rt.get("/module/other");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("other said 200 sw says POST /from-module?x=1 ping", r.body());
    assertEquals("other.internal", r.headers().firstValue("x-other").orElseThrow());
  }

  @Test
  void handlerThatThrowsGets500WithRequestId() throws Exception {
    HttpResponse<String> r = rt.get("/module/throw");
    assertEquals(500, r.statusCode());
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertTrue(r.body().contains(id), r.body());
    assertTrue(!r.body().contains("boom"), "the error stays in the log: " + r.body());
    assertEquals(500, rt.get("/module/null").statusCode());
    HttpResponse<String> control = rt.get("/module/control");
    assertEquals(500, control.statusCode(), "answered, not left hanging: " + control.body());
    assertTrue(control.body().contains(control.headers().firstValue("x-request-id").orElseThrow()), control.body());
  }

  @Test
  void handlerThatNeverResolvesGets504() throws Exception {
    assertEquals(504, rt.get("/module/never").statusCode());
  }

  @Test
  void loopingHandlerIsInterruptedAndOthersAreServed() throws Exception {
    CompletableFuture<HttpResponse<String>> loop = rt.client.sendAsync(
        HttpRequest.newBuilder(rt.uri("/module/loop")).build(), HttpResponse.BodyHandlers.ofString());
    List<HttpResponse<String>> others = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      others.add(rt.get("/module"));
    }
    HttpResponse<String> looped = loop.get();
    assertEquals(503, looped.statusCode(), looped.body());
    for (HttpResponse<String> o : others) {
      assertEquals(200, o.statusCode());
    }
    for (int i = 0; i < 4; i++) {
      assertEquals("hello module 42", rt.get("/module").body(), "isolates still serve after the interrupt");
    }
  }

  @Test
  void statusTextIsTheReasonPhraseOfTheStatusLineAndCrossesAServiceBinding() throws Exception {
    String teapot = rt.raw("127.0.0.1", "GET /module/teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(teapot.startsWith("HTTP/1.1 418 I'm a teapot, really\r\n"), teapot);
    assertTrue(teapot.endsWith("\r\n\r\nshort and stout"), teapot);
    String relayed = rt.raw("127.0.0.1", "GET /module/relay HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(relayed.startsWith("HTTP/1.1 299 Custom Thing\r\n"), relayed);
    String plain = rt.raw("127.0.0.1", "GET /module HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(plain.startsWith("HTTP/1.1 200 OK\r\n"), "no statusText: the standard phrase; " + plain);
  }

  @Test
  void consoleWritesToTheLogWithTheRequestId() throws Exception {
    try (LogCapture log = LogCapture.of("bulwark.js.module")) {
      HttpResponse<String> r = rt.get("/module/log");
      String id = r.headers().firstValue("x-request-id").orElseThrow();
      List<java.util.logging.LogRecord> records = log.records();
      assertEquals(2, records.size(), records.toString());
      assertEquals("[" + id + "] logged text with { n: 1, list: [ 1, \"a\" ] }", records.get(0).getMessage());
      assertEquals(java.util.logging.Level.SEVERE, records.get(1).getLevel());
      assertTrue(records.get(1).getMessage().startsWith("[" + id + "] TypeError: shown with its stack"),
          records.get(1).getMessage());
      assertTrue(records.get(1).getMessage().contains("module.mjs:"), records.get(1).getMessage());
    }
  }

  @Test
  void workAfterTheAnswerThatRunsOverTheBudgetIsStoppedAndTheLogSaysTheAnswerWentOut() throws Exception {
    try (LogCapture log = LogCapture.of(JsIsolate.class.getName())) {
      HttpResponse<String> r = rt.get("/module/afterwards");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("answered first", r.body());
      String id = r.headers().firstValue("x-request-id").orElseThrow();
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (log.messages().stream().noneMatch(w -> w.contains(id)) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(List.of("request " + id + " to service 'module' exceeded its CPU budget of 100 ms and was stopped"
          + " after it had answered (its response went out; the work it was still doing did not)"),
          log.messages().stream().filter(w -> w.contains(id)).toList());
      assertEquals("hello module 42", rt.get("/module").body(), "the isolate still serves");
    }
  }

  @Test
  void scriptsHaveNoHostAccess() throws Exception {
    assertEquals("[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\"]",
        rt.get("/module/sandbox").body());
    String denied = rt.get("/module/escape").body();
    assertTrue(denied.startsWith("denied: "), denied);
  }
}
