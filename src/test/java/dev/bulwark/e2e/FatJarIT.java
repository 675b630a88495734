package dev.bulwark.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bulwark.NodeJs;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the shaded {@code runtime-fat.jar} started as a child process exactly as users start it, talked to over
 * loopback only. Every runtime listens on free ports ({@code --listen localhost:0 --admin 127.0.0.1:0}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FatJarIT {
  private static final String LISTEN = "localhost:0";
  private static final String ADMIN = "127.0.0.1:0";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @TempDir
  Path tmp;

  // 1. No arguments, no conf/ in the working directory: the embedded hello world, on both loopback families.
  @Test
  void embeddedDefaultServesHelloWorldOnIpv4Ipv6AndToAHappyEyeballsClient() throws Exception {
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "--listen", LISTEN, "--admin", ADMIN).awaitReady()) {
      assertTrue(bulwark.stdout().contains("config embedded default"),
          "the runtime should say it serves the embedded default" + bulwark.describe());
      int port = bulwark.port("127.0.0.1");
      assertEquals(port, bulwark.port("[::1]"),
          "localhost:0 must bind 127.0.0.1 and ::1 on the same port" + bulwark.describe());

      for (String base : List.of("http://127.0.0.1:" + port, "http://[::1]:" + port)) {
        HttpResponse<String> r = get(base + "/");
        assertEquals(200, r.statusCode(), base + bulwark.describe());
        assertEquals("Hello World\n", r.body(), base);
        assertRequestIdPresent(r, base);
      }

      // The JDK client's default, HTTP/2 preferred: on cleartext it sends an h2c upgrade request.
      HttpResponse<String> upgraded = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(REQUEST_TIMEOUT)
              .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, upgraded.statusCode(), "default JDK client (h2c upgrade)" + bulwark.describe());
      assertEquals("Hello World\n", upgraded.body(), "default JDK client (h2c upgrade)");
      assertRequestIdPresent(upgraded, "default JDK client (h2c upgrade)");

      // Node 20's fetch resolves localhost to both ::1 and 127.0.0.1 and races them (happy eyeballs).
      String script = "(async () => {"
          + " for (let i = 0; i < 3; i++) {"
          + "  const r = await fetch('http://localhost:" + port + "/');"
          + "  console.log(r.status);"
          + "  console.log(JSON.stringify(await r.text()));"
          + "  console.log(r.headers.get('x-request-id') ? 'has-request-id' : 'no-request-id');"
          + " }"
          + "})().catch(e => { console.error('fetch failed:', e, e && e.cause); process.exit(3); });";
      NodeJs.Result node = NodeJs.run(tmp, script);
      assertEquals(0, node.exitCode(), "node fetch against localhost failed" + node + bulwark.describe());
      String oneFetch = "200\n\"Hello World\\n\"\nhas-request-id\n";
      assertEquals(oneFetch.repeat(3), node.stdout().replace("\r\n", "\n"), "node fetch output" + node);
    }
  }

  // 2. A single handler source file compiled in memory at start.
  @Test
  void handlerFileIsCompiledAndServed() throws Exception {
    Path project = RuntimeProcess.projectDir();
    try (RuntimeProcess bulwark = RuntimeProcess.start(project,
        "--listen", LISTEN, "--admin", "off", "verticles/Hello.java").awaitReady()) {
      assertTrue(bulwark.adminPort().isEmpty(), "--admin off must not start the admin listener" + bulwark.describe());
      int port = bulwark.port("127.0.0.1");
      HttpResponse<String> r = get("http://127.0.0.1:" + port + "/any/path?x=1");
      assertEquals(200, r.statusCode(), bulwark.describe());
      assertEquals("Hello World\n", r.body());
      assertRequestIdPresent(r, "verticles/Hello.java");
      HttpResponse<String> v6 = get("http://[::1]:" + bulwark.port("[::1]") + "/");
      assertEquals(200, v6.statusCode());
      assertEquals("Hello World\n", v6.body());
    }
  }

  // 2b. workerd's own hello example, unchanged, from the shaded jar (GraalJS's language registration survives
  //     shading), answered to curl-like clients on both families and to Node's fetch; a broken script is refused.
  @Test
  void workerdHelloJsRunsFromTheFatJar() throws Exception {
    Path project = RuntimeProcess.projectDir();
    try (RuntimeProcess bulwark = RuntimeProcess.start(project,
        "--listen", LISTEN, "--admin", "off", "verticles/hello.js").awaitReady()) {
      assertTrue(bulwark.stdout().contains("JavaScript: GraalJS"), "one start-up line about the engine" + bulwark.describe());
      assertFalse(bulwark.stdout().contains("[engine] WARNING") || bulwark.stderr().contains("[engine] WARNING"),
          "no interpreter-only warning from the engine" + bulwark.describe());
      for (String base : List.of("http://127.0.0.1:" + bulwark.port("127.0.0.1"), "http://[::1]:" + bulwark.port("[::1]"))) {
        HttpResponse<String> r = get(base + "/");
        assertEquals(200, r.statusCode(), base + bulwark.describe());
        assertEquals("Hello World\n", r.body(), base);
        assertRequestIdPresent(r, base);
      }
      NodeJs.Result node = NodeJs.run(tmp, "(async () => { const r = await fetch('http://localhost:" + bulwark.port("127.0.0.1")
          + "/'); console.log(r.status + ' ' + JSON.stringify(await r.text())); })()"
          + ".catch(e => { console.error(e); process.exit(3); });");
      assertEquals("200 \"Hello World\\n\"\n", node.stdout().replace("\r\n", "\n"), "node fetch" + node);
    }
    Files.writeString(tmp.resolve("broken.mjs"), "export default {\n  fetch() { return new Response('x' }\n};\n");
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "broken.mjs")) {
      assertEquals(2, check.exitValue(), "check of a script with a syntax error" + check.describe());
      assertTrue(check.stderr().contains("broken.mjs:2"), "check names broken.mjs:2" + check.describe());
    }
  }

  // 2b''. The Cache API from the shaded jar (Caffeine inside it), the usual pattern, asked by Node's fetch: the second
  //      answer is a HIT with the first one's body, and a revalidation with the ETag gets 304.
  @Test
  void cacheApiServesTheSecondRequestFromTheCacheToNode() throws Exception {
    Files.writeString(tmp.resolve("cached.mjs"), """
        export default { async fetch(request, env, ctx) {
          let r = await caches.default.match(request);
          if (!r) {
            r = new Response('made ' + crypto.randomUUID(), { headers: { 'cache-control': 'max-age=60', etag: '"e1"' } });
            ctx.waitUntil(caches.default.put(request, r.clone()));
          }
          return r;
        } };
        """);
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "--listen", LISTEN, "--admin", "off", "cached.mjs")
        .awaitReady()) {
      String url = "http://localhost:" + bulwark.port("127.0.0.1") + "/page";
      NodeJs.Result node = NodeJs.run(tmp, "(async () => {"
          + " const a = await fetch('" + url + "'); const first = await a.text();"
          + " let b; for (let i = 0; i < 50; i++) { b = await fetch('" + url + "');"
          + "   if (b.headers.get('cf-cache-status')) break; await new Promise((r) => setTimeout(r, 20)); }"
          + " const c = await fetch('" + url + "', { headers: { 'if-none-match': '\"e1\"' } });"
          + " console.log([String(a.headers.get('cf-cache-status')), b.headers.get('cf-cache-status'), (await b.text()) === first,"
          + "   c.status].join(' ')); })().catch(e => { console.error(e); process.exit(3); });");
      assertEquals("null HIT true 304\n", node.stdout().replace("\r\n", "\n"), "node fetch" + node + bulwark.describe());
    }
  }

  // 2a''. README, "Streamed responses": server-sent events from the shaded jar reach Node's fetch one by one. The
  //       second event is only made after a second request (/go), which Node sends once it has read the first.
  @Test
  void serverSentEventsReachNodeFetchAsTheyAreWritten() throws Exception {
    Files.writeString(tmp.resolve("events.mjs"), """
        let go = null;
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/go') { go(); return new Response('went'); }
          const { readable, writable } = new TransformStream();
          const writer = writable.getWriter();
          const enc = new TextEncoder();
          (async () => {
            await writer.write(enc.encode('data: one\\n\\n'));
            await new Promise((resolve) => { go = resolve; });
            await writer.write(enc.encode('data: two\\n\\n'));
            await writer.close();
          })();
          return new Response(readable, { headers: { 'content-type': 'text/event-stream' } });
        } };
        """);
    // One isolate, so that /go reaches the one whose stream waits for it.
    Files.writeString(tmp.resolve("events.yaml"), """
        sockets:
          - name: http
            address: localhost:0
            routes:
              - service: events
        services:
          - name: events
            source: events.mjs
            instances: 1
        admin:
          address: "off"
        """);
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "--config", "events.yaml").awaitReady()) {
      String base = "http://localhost:" + bulwark.port("127.0.0.1");
      NodeJs.Result node = NodeJs.run(tmp, "(async () => {"
          + " const res = await fetch('" + base + "/events'); const reader = res.body.getReader();"
          + " const dec = new TextDecoder(); const seen = [];"
          + " const first = await reader.read(); seen.push(dec.decode(first.value));"
          + " seen.push(await (await fetch('" + base + "/go')).text());"
          + " for (;;) { const r = await reader.read(); if (r.done) break; seen.push(dec.decode(r.value)); }"
          + " console.log(JSON.stringify([res.headers.get('content-type'), res.headers.get('transfer-encoding'), ...seen]));"
          + " })().catch(e => { console.error(e); process.exit(3); });");
      assertEquals("[\"text/event-stream\",\"chunked\",\"data: one\\n\\n\",\"went\",\"data: two\\n\\n\"]\n",
          node.stdout().replace("\r\n", "\n"), "node fetch" + node + bulwark.describe());
    }
  }

  // 2a'''. README, "Streamed request bodies": Node's fetch uploads a stream (duplex: 'half') that the worker echoes
  //        while it comes. Node makes each piece only once the previous one has come back, so neither direction may
  //        wait for the other's end; then a 1 MB upload (about the default maxBodyBytes) is counted within the
  //        default CPU budget.
  @Test
  void nodeFetchUploadsAStreamThatTheWorkerEchoesWhileItComes() throws Exception {
    Files.writeString(tmp.resolve("uploads.mjs"), """
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/echo') return new Response(request.body);
          let n = 0;
          for await (const chunk of request.body) n += chunk.byteLength;
          return Response.json({ n });
        } };
        """);
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "--listen", LISTEN, "--admin", "off", "uploads.mjs")
        .awaitReady()) {
      String base = "http://localhost:" + bulwark.port("127.0.0.1");
      NodeJs.Result node = NodeJs.run(tmp, "(async () => {"
          + " const enc = new TextEncoder(); let next = null; let made = 0;"
          + " const body = new ReadableStream({ async pull(c) {"
          + "   if (made === 3) { c.close(); return; }"
          + "   if (made > 0) await new Promise((resolve) => { next = resolve; });"
          + "   c.enqueue(enc.encode('piece' + (++made) + ';')); } });"
          + " const res = await fetch('" + base + "/echo', { method: 'POST', body, duplex: 'half' });"
          + " const seen = [];"
          + " for await (const chunk of res.body) { seen.push(new TextDecoder().decode(chunk));"
          + "   if (next) { const go = next; next = null; go(); } }"
          + " const big = new Uint8Array(1000000).fill(7);"
          + " const counted = await (await fetch('" + base + "/count', { method: 'POST', duplex: 'half',"
          + "   body: new ReadableStream({ start(c) { c.enqueue(big); c.close(); } }) })).text();"
          + " console.log(JSON.stringify([res.status, seen.join('|'), counted]));"
          + " })().catch(e => { console.error(e); process.exit(3); });");
      assertEquals("[200,\"piece1;|piece2;|piece3;\",\"{\\\"n\\\":1000000}\"]\n",
          node.stdout().replace("\r\n", "\n"), "node fetch" + node + bulwark.describe());
    }
  }

  // 2a3. The shipped example verticles/events.js: three events a second apart reach Node's fetch one by one, and
  //      the worker's stream is cancelled (it logs so) when the client stops reading and leaves.
  @Test
  void theEventsExampleStreamsToNodeFetch() throws Exception {
    try (RuntimeProcess bulwark = RuntimeProcess.start(RuntimeProcess.projectDir(),
        "--listen", LISTEN, "--admin", "off", "verticles/events.js").awaitReady()) {
      String base = "http://localhost:" + bulwark.port("127.0.0.1");
      NodeJs.Result node = NodeJs.run(tmp, "(async () => {"
          + " const res = await fetch('" + base + "/?n=3'); const t0 = Date.now(); const at = []; let text = '';"
          + " for await (const chunk of res.body) { text += new TextDecoder().decode(chunk); at.push(Date.now() - t0); }"
          + " const ids = [...text.matchAll(/^id: (\\d+)$/gm)].map((m) => m[1]).join(',');"
          + " const left = await fetch('" + base + "/?n=10'); const reader = left.body.getReader(); await reader.read();"
          + " await reader.cancel();"
          + " console.log(res.headers.get('content-type') + ' ' + ids + ' ' + (at[at.length - 1] - at[0] >= 1000));"
          + " })().catch(e => { console.error(e); process.exit(3); });");
      assertEquals("text/event-stream 1,2,3 true\n", node.stdout().replace("\r\n", "\n"), "node fetch" + node
          + bulwark.describe());
      // Node's fetch closes the connection some time after the cancel; the stream has made an event or two more.
      java.util.regex.Pattern left = java.util.regex.Pattern.compile("the client left after [1-9] of 10 event");
      long until = System.currentTimeMillis() + 10_000;
      while (!left.matcher(bulwark.stdout()).find() && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      assertTrue(left.matcher(bulwark.stdout()).find(), bulwark.describe());
    }
  }

  // 2b'. A script whose top level never ends: stopped at the start-up CPU limit, refused with exit status 2 by both
  //      the runtime (which binds nothing) and check. Before, both spun at 100 % CPU for ever, saying nothing.
  @Test
  void endlessTopLevelIsRefusedAtStartUpByTheRuntimeAndByCheck() throws Exception {
    Files.writeString(tmp.resolve("x.js"), "while (true) {}\nexport default { fetch() { return new Response('x') } }\n");
    String expected = "x.js: the script's top level did not finish within 5000 ms of CPU at start-up";
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "x.js", "--listen", "127.0.0.1:0", "--admin", "off")) {
      assertEquals(2, bulwark.exitValue(), bulwark.describe());
      assertTrue(bulwark.stderr().contains(expected), bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), "nothing may listen" + bulwark.describe());
    }
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "x.js")) {
      assertEquals(2, check.exitValue(), check.describe());
      assertTrue(check.stderr().contains(expected), check.describe());
      assertFalse(check.stdout().contains("OK "), check.describe());
    }
  }

  // 2c. README, "Faster JavaScript": on a JDK 25 with JVMCI on and the Graal compiler from target/jit on the upgrade
  //     module path, the same fat jar runs GraalJS with its optimizing runtime and really compiles the handler.
  //     Needs a JDK 25 besides the one running the tests (-Dbulwark.jitJava=/path/to/bin/java, or found under
  //     /usr/lib/jvm); without one the test is skipped and says so.
  @Test
  void optimizingRuntimeOnJdk25WithTheGraalCompiler() throws Exception {
    Optional<Path> java25 = jdk25();
    Assumptions.assumeTrue(java25.isPresent(), "no JDK 25 found: set -Dbulwark.jitJava=/path/to/jdk-25/bin/java");
    Path jit = RuntimeProcess.projectDir().resolve("target/jit");
    assertTrue(Files.isDirectory(jit), "target/jit is made in the package phase: " + jit);
    List<String> options = List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
        "--upgrade-module-path=" + jit, "-Dpolyglot.engine.TraceCompilation=true");
    // workerd's hello, plus a path that loops forever: compiled code must still honour the CPU budget.
    Files.writeString(tmp.resolve("hello-loop.mjs"), """
        export default {
          async fetch(request) {
            if (new URL(request.url).pathname === "/loop") { for (;;) {} }
            return new Response("Hello World\\n");
          }
        };
        """);
    try (RuntimeProcess bulwark = RuntimeProcess.startOn(tmp, java25.get(), options,
        "--listen", "127.0.0.1:0", "--admin", "off", "hello-loop.mjs").awaitReady()) {
      assertTrue(bulwark.stdout().contains("JavaScript: GraalJS") && bulwark.stdout().contains("with the optimizing runtime"),
          "start-up line names the optimizing runtime" + bulwark.describe());
      String base = "http://127.0.0.1:" + bulwark.port("127.0.0.1") + "/";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      int requests = 0;
      while (!bulwark.stderr().contains("opt done") && System.nanoTime() < deadline) {
        HttpResponse<String> r = get(base);
        assertEquals(200, r.statusCode(), "request " + requests + bulwark.describe());
        assertEquals("Hello World\n", r.body());
        requests++;
      }
      assertTrue(bulwark.stderr().contains("opt done"),
          "the engine compiled part of the handler's path after " + requests + " requests" + bulwark.describe());
      HttpResponse<String> loop = get(base + "loop");
      assertEquals(503, loop.statusCode(), "a compiled handler that loops is stopped by its CPU budget" + bulwark.describe());
      assertEquals("Hello World\n", get(base).body(), "and the worker goes on serving");
    }
  }

  private static Optional<Path> jdk25() throws IOException {
    String property = System.getProperty("bulwark.jitJava");
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (var homes = Files.list(jvms)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> {
            try {
              return Files.readString(home.resolve("release")).contains("JAVA_VERSION=\"25");
            } catch (IOException e) {
              return false;
            }
          })
          .sorted()
          .map(home -> home.resolve("bin/java"))
          .findFirst();
    }
  }

  // 2d. GraalJS CE has no per-isolate heap limit. The CPU budget bounds how much one request can allocate; with a
  //     budget large enough to fill the JVM's heap, the request fails with 500 and the runtime goes on serving.
  @Test
  void aHandlerThatExhaustsTheHeapGets500AndTheRuntimeGoesOn() throws Exception {
    Files.writeString(tmp.resolve("hog.mjs"), """
        export default {
          async fetch(request) {
            if (new URL(request.url).pathname === "/hog") {
              const kept = [];
              for (;;) kept.push(new Uint8Array(32 << 20));
            }
            return new Response("still here\\n");
          }
        };
        """);
    Files.writeString(tmp.resolve("hog.yaml"), """
        sockets:
          - name: http
            address: 127.0.0.1:0
            routes:
              - service: hog
        services:
          - name: hog
            source: hog.mjs
            cpuBudget: 20s
            timeout: 60s
        admin:
          address: "off"
        """);
    try (RuntimeProcess bulwark = RuntimeProcess.startOn(tmp, Path.of(RuntimeProcess.javaBinary()),
        List.of("-Xmx384m"), "--config", "hog.yaml").awaitReady()) {
      String base = "http://127.0.0.1:" + bulwark.port("127.0.0.1") + "/";
      HttpResponse<String> hog = http.send(HttpRequest.newBuilder(URI.create(base + "hog"))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(500, hog.statusCode(), "a handler that fills the heap" + bulwark.describe());
      assertRequestIdPresent(hog, "hog");
      assertTrue(bulwark.stdout().contains("Java heap space"), "the log says why" + bulwark.describe());
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = get(base);
        assertEquals(200, r.statusCode(), "request " + i + " after the heap ran out" + bulwark.describe());
        assertEquals("still here\n", r.body());
      }
    }
  }

  // 3. conf/runtime.yaml from the working directory, with --var overriding the GREETING binding.
  @Test
  void runtimeYamlRoutesEchoWithVarBindingAndKeepsTheClientsRequestId() throws Exception {
    Path project = RuntimeProcess.projectDir();
    try (RuntimeProcess bulwark = RuntimeProcess.start(project,
        "--listen", LISTEN, "--admin", ADMIN, "--var", "GREETING=hi-from-test").awaitReady()) {
      assertTrue(bulwark.stdout().contains("config conf/runtime.yaml")
              || bulwark.stdout().contains("config conf" + File.separator + "runtime.yaml"),
          "the runtime should serve conf/runtime.yaml from its working directory" + bulwark.describe());
      int port = bulwark.port("127.0.0.1");
      for (String base : List.of("http://127.0.0.1:" + port, "http://[::1]:" + bulwark.port("[::1]"))) {
        String body = "{\"hello\":\"world\",\"n\":42,\"list\":[1,2,3]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/echo?q=1"))
            .timeout(REQUEST_TIMEOUT)
            .header("content-type", "application/json")
            .header("x-request-id", "my-id-123")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), base + ": " + r.body() + bulwark.describe());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
            "content-type: " + r.headers().map());
        assertEquals(Optional.of("my-id-123"), r.headers().firstValue("x-request-id"),
            "a sane x-request-id from the client must be kept");
        JsonObject json = new JsonObject(r.body());
        assertEquals("hi-from-test", json.getString("greeting"), "--var GREETING must reach the binding: " + json);
        assertEquals(new JsonObject(body), json.getJsonObject("echo"), "the body echoed: " + json);
        assertEquals("POST", json.getString("method"));
        assertEquals("/echo", json.getString("path"));
        assertEquals("my-id-123", json.getString("requestId"));
      }
      // A body that is not JSON: 400 with one line saying why (not Jackson's whole message with its source).
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
          .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode(), bad.body());
      String error = new JsonObject(bad.body()).getString("error");
      assertTrue(error.startsWith("body is not a JSON object: Unrecognized token 'hello'"), error);
      assertFalse(error.contains("\n"), error);
      // Everything else goes to the hello service.
      HttpResponse<String> hello = get("http://127.0.0.1:" + port + "/");
      assertEquals(200, hello.statusCode());
      assertEquals("Hello World\n", hello.body());
    }
  }

  // 4. The admin listener: liveness, readiness, Prometheus metrics by service.
  @Test
  void adminListenerReportsHealthAndMetricsPerService() throws Exception {
    Path project = RuntimeProcess.projectDir();
    try (RuntimeProcess bulwark = RuntimeProcess.start(project, "--listen", LISTEN, "--admin", ADMIN).awaitReady()) {
      String admin = "http://127.0.0.1:" + bulwark.requireAdminPort();
      HttpResponse<String> live = get(admin + "/health/live");
      assertEquals(200, live.statusCode(), "/health/live: " + live.body());
      HttpResponse<String> ready = get(admin + "/health/ready");
      assertEquals(200, ready.statusCode(), "/health/ready after 'ready in': " + ready.body());

      String base = "http://127.0.0.1:" + bulwark.port("127.0.0.1");
      for (int i = 0; i < 3; i++) {
        assertEquals(200, get(base + "/").statusCode());
      }
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
            .timeout(REQUEST_TIMEOUT).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, echo.statusCode(), echo.body());
      }

      // Requests are counted as their responses are written; give the last one a moment to land.
      String metrics = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        HttpResponse<String> m = get(admin + "/metrics");
        assertEquals(200, m.statusCode(), "/metrics");
        metrics = m.body();
        if (requestCount(metrics, "hello", "200") >= 3 && requestCount(metrics, "echo", "200") >= 2) {
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(metrics.contains("bulwark_requests_total{"), "no bulwark_requests_total in /metrics:\n" + metrics);
      assertEquals(3, requestCount(metrics, "hello", "200"),
          "bulwark_requests_total{service=\"hello\",status=\"200\"}:\n" + metrics);
      assertEquals(2, requestCount(metrics, "echo", "200"),
          "bulwark_requests_total{service=\"echo\",status=\"200\"}:\n" + metrics);
    }
  }

  // 5. A handler that does not compile: javac's message with file and line, exit 2, nothing served.
  @Test
  void compileErrorIsReportedWithFileAndLineAndExitStatus2() throws Exception {
    writeBroken();
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", LISTEN, "--admin", "off", "Broken.java")) {
      assertEquals(2, bulwark.exitValue(), "a handler that does not compile" + bulwark.describe());
      assertTrue(bulwark.stderr().contains("Broken.java:" + BROKEN_LINE + ": error:"),
          "stderr should name Broken.java:" + BROKEN_LINE + bulwark.describe());
      assertTrue(bulwark.stderr().contains("';' expected"), "javac's message" + bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), "nothing may listen" + bulwark.describe());
      assertFalse(bulwark.stdout().contains(" ready in "), bulwark.describe());
    }
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "Broken.java")) {
      assertEquals(2, check.exitValue(), "check of a handler that does not compile" + check.describe());
      assertTrue(check.stderr().contains("Broken.java:" + BROKEN_LINE + ": error:"),
          "check stderr should name Broken.java:" + BROKEN_LINE + check.describe());
      assertFalse(check.stdout().contains("OK "), check.describe());
      assertFalse(check.stderr().contains("services["), "a handler file alone is named as itself" + check.describe());
    }
  }

  // 5'. In a configuration, each handler that cannot be loaded is named as a configuration error is: the file, the
  //     service's key and its name, one problem per line; a syntax error at the end of a file has no lone caret.
  @Test
  void handlerProblemsInAConfigurationNameTheServiceAndItsKey() throws Exception {
    Files.writeString(tmp.resolve("eof.mjs"), "export default { fetch() { return new Response('x') }\n");
    Files.writeString(tmp.resolve("two.yaml"), """
        sockets:
          - name: http
            address: 127.0.0.1:0
            service: api
        services:
          - name: api
            class: com.example.Missing
          - name: js
            source: eof.mjs
        """);
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "--config", "two.yaml")) {
      assertEquals(2, check.exitValue(), check.describe());
      List<String> lines = check.stderr().lines().filter(l -> l.startsWith("  ")).toList();
      assertEquals(2, lines.size(), check.describe());
      assertTrue(lines.get(0).startsWith("  two.yaml: services[0].class (service 'api'): class com.example.Missing:"),
          check.describe());
      assertTrue(lines.get(1).startsWith("  two.yaml: services[1].source (service 'js'): "), check.describe());
      assertTrue(lines.get(1).endsWith("eof.mjs:2:1: SyntaxError: Expected comma but found eof"), check.describe());
      assertFalse(check.stderr().lines().anyMatch(l -> l.isBlank() || l.strip().equals("^")), check.describe());
    }
  }

  /**
   * The CLI's contract (Main): exit status 2 means the configuration or a handler is invalid and nothing was bound.
   * With the admin listener on, a handler that does not compile must not bind the admin port either.
   */
  @Test
  void compileErrorBindsNoAdminListenerEither() throws Exception {
    writeBroken();
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", LISTEN, "--admin", ADMIN, "Broken.java")) {
      assertEquals(2, bulwark.exitValue(), bulwark.describe());
      assertTrue(bulwark.stderr().contains("Broken.java:" + BROKEN_LINE + ": error:"), bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), "nothing may listen" + bulwark.describe());
      assertFalse(bulwark.stdout().contains("admin on"),
          "exit status 2 promises nothing was bound, but the admin listener was" + bulwark.describe());
    }
  }

  // 5''. A handler whose static initializer throws is refused as one whose constructor throws: the class and the
  //      cause, exit 2, from check and serving alike (before: a raw ExceptionInInitializerError from check, and
  //      "could not start: service 'StaticBoom' did not start: null", exit 1, serving).
  @Test
  void aStaticInitializerThatThrowsIsAHandlerProblem() throws Exception {
    Files.writeString(tmp.resolve("StaticBoom.java"), """
        import dev.bulwark.api.*;
        public class StaticBoom implements Handler {
          static { if (true) throw new RuntimeException("static boom"); }
          public Response handle(Request r, Env e) { return Response.text("x"); }
        }
        """);
    String problem = "  StaticBoom.java: static initializer of StaticBoom threw java.lang.RuntimeException: static boom";
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "StaticBoom.java")) {
      assertEquals(2, check.exitValue(), check.describe());
      assertTrue(check.stderr().lines().anyMatch(problem::equals), check.describe());
      assertFalse(check.stderr().contains("ExceptionInInitializerError"), check.describe());
    }
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", LISTEN, "--admin", "off", "StaticBoom.java")) {
      assertEquals(2, bulwark.exitValue(), bulwark.describe());
      assertTrue(bulwark.stderr().contains("bulwark: handler cannot be loaded, not starting:"), bulwark.describe());
      assertTrue(bulwark.stderr().lines().anyMatch(problem::equals), bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), bulwark.describe());
    }
  }

  // A conf/runtime.yaml that is there but cannot be read is a configuration problem, never the embedded hello world.
  @Test
  void aDefaultFileThatIsThereButNoFileIsRefusedNotReplacedByTheEmbeddedDefault() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.createSymbolicLink(conf.resolve("runtime.yaml"), Path.of("missing.yaml"));
    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check")) {
      assertEquals(2, check.exitValue(), "a dangling symbolic link (before: OK, embedded default)" + check.describe());
      assertTrue(check.stderr().contains("conf/runtime.yaml: is a symbolic link to missing.yaml, which does not exist"),
          check.describe());
    }
    Files.delete(conf.resolve("runtime.yaml"));
    Files.createDirectory(conf.resolve("runtime.yaml"));
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", LISTEN, "--admin", "off")) {
      assertEquals(2, bulwark.exitValue(), "a directory (before: served the embedded default)" + bulwark.describe());
      assertTrue(bulwark.stderr().contains("conf/runtime.yaml: is a directory, not a YAML file"), bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), bulwark.describe());
    }
  }

  // 6. An invalid configuration: every problem named with file and key, exit 2, before anything binds.
  @Test
  void invalidConfigurationIsRefusedBeforeAnythingBinds() throws Exception {
    int socketPort = freePort();
    int adminPort = freePort();
    Files.writeString(tmp.resolve("bad.yaml"), String.join("\n",
        "sockets:",
        "  - name: http",
        "    address: 127.0.0.1:" + socketPort,
        "services:",
        "  - name: hello",
        "    class: dev.bulwark.worker.HelloHandler",
        "    instances: 0",
        "    colour: blue",
        "admin:",
        "  address: 127.0.0.1:" + adminPort,
        ""));
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--config", "bad.yaml")) {
      assertEquals(2, bulwark.exitValue(), "invalid configuration" + bulwark.describe());
      String err = bulwark.stderr();
      assertTrue(err.contains("bulwark: invalid configuration, not starting:"), bulwark.describe());
      assertTrue(err.contains("bad.yaml: services[0].instances: must be 1-1024, got 0"),
          "instances: 0 must be named with file and key" + bulwark.describe());
      assertTrue(problemLine(err, "services[0].colour").map(l -> l.contains("bad.yaml") && l.contains("unknown key"))
              .orElse(false), "the unknown key must be named with file and key" + bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), "nothing may listen" + bulwark.describe());
      assertFalse(bulwark.stdout().contains("admin on"), "not even the admin listener" + bulwark.describe());
    }
    // The ports it named are still free: nothing was left bound either.
    assertPortFree(socketPort);
    assertPortFree(adminPort);

    try (RuntimeProcess check = RuntimeProcess.run(tmp, "check", "--config", "bad.yaml")) {
      assertEquals(2, check.exitValue(), "check of an invalid configuration" + check.describe());
      assertTrue(check.stderr().contains("bad.yaml: services[0].instances: must be 1-1024, got 0"), check.describe());
      assertTrue(check.stderr().contains("services[0].colour"), check.describe());
    }

    // A bad value from an override names the variable or option it came from, not only the file it is not in.
    try (RuntimeProcess check = RuntimeProcess.start(tmp, List.of(), Map.of("BULWARK_SERVICES_HELLO_TIMEOUT", "soon"),
        "check", "--config", "bad.yaml", "--admin", "nowhere")) {
      check.awaitExit(RuntimeProcess.EXIT_TIMEOUT);
      assertEquals(2, check.exitValue(), check.describe());
      assertTrue(check.stderr().contains("bad.yaml: services[0].timeout (set by BULWARK_SERVICES_HELLO_TIMEOUT): "
          + "must be a duration"), check.describe());
      assertTrue(check.stderr().contains("bad.yaml: admin.address (set by --admin): 'nowhere' has no port"),
          check.describe());
    }
  }

  // 7. check: validates and compiles, prints a summary, binds nothing.
  @Test
  void checkAcceptsTheShippedConfiguration() {
    try (RuntimeProcess check = RuntimeProcess.run(RuntimeProcess.projectDir(),
        "check", "--config", "conf/runtime.yaml")) {
      assertEquals(0, check.exitValue(), check.describe());
      assertTrue(check.stdout().contains("OK conf/runtime.yaml: 2 service(s), 1 socket(s)")
          || check.stdout().contains("OK conf" + File.separator + "runtime.yaml: 2 service(s), 1 socket(s)"),
          check.describe());
      assertTrue(check.stdout().contains("service echo"), check.describe());
      assertTrue(check.stdout().contains("service hello"), check.describe());
      assertFalse(check.stdout().contains("listening on"), "check must not bind" + check.describe());
    }
  }

  // 8a. --version and --help.
  @Test
  void versionAndHelp() {
    try (RuntimeProcess version = RuntimeProcess.run(tmp, "--version")) {
      assertEquals(0, version.exitValue(), version.describe());
      assertTrue(Pattern.compile("(?m)^Bulwark \\S+").matcher(version.stdout()).find(), version.describe());
    }
    try (RuntimeProcess help = RuntimeProcess.run(tmp, "--help")) {
      assertEquals(0, help.exitValue(), help.describe());
      assertTrue(help.stdout().contains("Usage:"), help.describe());
      assertTrue(help.stdout().contains("--listen"), help.describe());
      assertTrue(help.stdout().contains("check"), help.describe());
    }
  }

  // 8b. A port that is taken: exit 1, and the message says which address.
  @Test
  void portInUseExitsWith1AndNamesTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.setReuseAddress(false);
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", "127.0.0.1:" + port, "--admin", "off")) {
        assertEquals(1, bulwark.exitValue(), "a port in use" + bulwark.describe());
        assertTrue(bulwark.stderr().contains("bulwark: could not start:"), bulwark.describe());
        assertTrue(bulwark.stderr().contains("127.0.0.1:" + port),
            "the message should name the address that is taken" + bulwark.describe());
        assertFalse(bulwark.stdout().contains(" ready in "), bulwark.describe());
      }
      // The admin listener's port taken: the message says it is the admin address, not just "Address in use".
      try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", "127.0.0.1:0",
          "--admin", "127.0.0.1:" + port)) {
        assertEquals(1, bulwark.exitValue(), "an admin port in use" + bulwark.describe());
        assertTrue(bulwark.stderr().contains("cannot listen on the admin address 127.0.0.1:" + port
            + " (admin.address, --admin)"), bulwark.describe());
        assertFalse(bulwark.stdout().contains(" ready in "), bulwark.describe());
      }
    }
    // An address no interface here has (192.0.2.1 is TEST-NET-1, never assigned): a configuration error naming the
    // option, exit 2, before anything is bound. Before: exit 1 from the failed bind, which check had not foreseen.
    try (RuntimeProcess bulwark = RuntimeProcess.run(tmp, "--listen", "192.0.2.1:0", "--admin", "off")) {
      assertEquals(2, bulwark.exitValue(), bulwark.describe());
      assertTrue(bulwark.stderr().contains("sockets[0].address (set by --listen): '192.0.2.1' is not an address of"
          + " this machine"), bulwark.describe());
      assertFalse(bulwark.stdout().contains("listening on"), bulwark.describe());
    }
  }

  // 9. SIGTERM after a successful start: a graceful stop within 15 s.
  @Test
  void sigtermStopsTheRuntimeWithin15Seconds() throws Exception {
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "--listen", LISTEN, "--admin", ADMIN).awaitReady()) {
      assertEquals(200, get("http://127.0.0.1:" + bulwark.port("127.0.0.1") + "/").statusCode());
      long start = System.nanoTime();
      bulwark.sigterm();
      boolean exited = bulwark.process().waitFor(15, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(exited, "still running 15 s after SIGTERM" + bulwark.describe());
      bulwark.awaitExit(Duration.ofSeconds(5));
      assertTrue(bulwark.stdout().contains("stopped"),
          "the shutdown hook should have run to the end (" + ms + " ms)" + bulwark.describe());
      assertEquals(0, bulwark.exitValue(), "a clean shutdown exits 0 (before: 143, the JVM's 128 + SIGTERM)"
          + bulwark.describe());
    }
  }

  // SIGTERM while the workers still start: before, the process ended with nothing in the log.
  @Test
  void sigtermDuringStartUpSaysSo() throws Exception {
    Files.writeString(tmp.resolve("SlowToStart.java"), String.join("\n",
        "import dev.bulwark.api.*;",
        "public class SlowToStart implements Handler {",
        "  public SlowToStart() throws InterruptedException { Thread.sleep(60_000); }",
        "  @Override public Response handle(Request request, Env env) { return Response.text(\"up\\n\"); }",
        "}",
        ""));
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, "SlowToStart.java", "--listen", LISTEN, "--admin",
        ADMIN)) {
      // the handlers compiled, the admin listener is up: the workers are starting
      assertTrue(bulwark.awaitStdout("admin on", Duration.ofSeconds(30)), bulwark.describe());
      bulwark.sigterm();
      assertTrue(bulwark.process().waitFor(15, TimeUnit.SECONDS), "still running after SIGTERM" + bulwark.describe());
      bulwark.awaitExit(Duration.ofSeconds(5));
      assertTrue(bulwark.stdout().contains("stopped during start-up, before ready"), bulwark.describe());
    }
  }

  // A second SIGTERM (or Ctrl-C) while requests in flight are being waited for stops at once, as a second Ctrl-C
  // does for most servers. Before: ignored without a word, and the process waited out the whole grace.
  @Test
  void aSecondSigtermStopsAtOnceAndSaysSo() throws Exception {
    Files.writeString(tmp.resolve("Stuck.java"), String.join("\n",
        "import dev.bulwark.api.*;",
        "public class Stuck implements Handler {",
        "  @Override public Response handle(Request request, Env env) throws Exception {",
        "    Thread.sleep(120_000); return Response.text(\"late\\n\");",
        "  }",
        "}",
        ""));
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, List.of(), Map.of("BULWARK_HTTP_SHUTDOWNGRACE", "60s"),
        "Stuck.java", "--listen", LISTEN, "--admin", "off").awaitReady()) {
      var stuck = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bulwark.port("127.0.0.1")
          + "/")).build(), HttpResponse.BodyHandlers.ofString());
      Thread.sleep(500); // the request is at its worker
      bulwark.sigterm();
      assertTrue(bulwark.awaitStdout("shutting down", Duration.ofSeconds(10)), bulwark.describe());
      Thread.sleep(500);
      assertTrue(bulwark.process().isAlive(), "the first SIGTERM waits for the request in flight" + bulwark.describe());
      bulwark.sigterm();
      assertTrue(bulwark.process().waitFor(10, TimeUnit.SECONDS), "still running after a second SIGTERM"
          + bulwark.describe());
      bulwark.awaitExit(Duration.ofSeconds(5));
      assertEquals(1, bulwark.exitValue(), "not a clean shutdown" + bulwark.describe());
      assertTrue(bulwark.stdout().contains("second signal (SIGTERM) while shutting down: stopping now, requests in"
          + " flight cut off"), bulwark.describe());
      stuck.cancel(true);
    }
  }

  // A handler calling System.exit: before, the log read as if a SIGTERM had come, and nothing said who did it.
  @Test
  void aHandlerCallingSystemExitIsNamedInTheLog() throws Exception {
    Files.writeString(tmp.resolve("Quits.java"), String.join("\n",
        "import dev.bulwark.api.*;",
        "public class Quits implements Handler {",
        "  @Override public Response handle(Request request, Env env) { System.exit(3); return null; }",
        "}",
        ""));
    try (RuntimeProcess bulwark = RuntimeProcess.start(tmp, List.of(), Map.of("BULWARK_HTTP_SHUTDOWNGRACE", "1s"),
        "Quits.java", "--listen", LISTEN, "--admin", "off").awaitReady()) {
      try {
        get("http://127.0.0.1:" + bulwark.port("127.0.0.1") + "/");
      } catch (java.io.IOException e) {
        // the process ends under the request
      }
      bulwark.awaitExit(Duration.ofSeconds(30));
      String log = bulwark.stdout() + bulwark.stderr();
      assertTrue(log.contains("System.exit was called by thread 'bulwark-Quits-")
          && log.contains("(a worker of service 'Quits': its handler ends every service")
          && log.contains("Quits.handle(Quits.java:3)"), bulwark.describe());
    }
  }

  // --- helpers

  /** The line of Broken.java with the missing semicolon. */
  private static final int BROKEN_LINE = 9;

  private void writeBroken() throws IOException {
    Files.writeString(tmp.resolve("Broken.java"), String.join("\n",
        "import dev.bulwark.api.Env;",                           // 1
        "import dev.bulwark.api.Handler;",                       // 2
        "import dev.bulwark.api.Request;",                       // 3
        "import dev.bulwark.api.Response;",                      // 4
        "",                                                      // 5
        "public class Broken implements Handler {",              // 6
        "  @Override",                                           // 7
        "  public Response handle(Request request, Env env) {",  // 8
        "    return Response.text(\"broken\\n\")",               // 9: no semicolon
        "  }",                                                   // 10
        "}",                                                     // 11
        ""));
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRequestIdPresent(HttpResponse<?> r, String what) {
    Optional<String> id = r.headers().firstValue("x-request-id");
    assertTrue(id.isPresent() && !id.get().isBlank(), what + ": no x-request-id in " + r.headers().map());
  }

  /** The value of {@code bulwark_requests_total{service="S",status="C"}}, or -1 if absent. */
  private static long requestCount(String metrics, String service, String status) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith("bulwark_requests_total{") && line.contains("service=\"" + service + "\"")
          && line.contains("status=\"" + status + "\"")) {
        String value = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0];
        return (long) Double.parseDouble(value);
      }
    }
    return -1;
  }

  private static Optional<String> problemLine(String stderr, String key) {
    return stderr.lines().filter(l -> l.contains(key)).findFirst();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void assertPortFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    } catch (IOException e) {
      fail("127.0.0.1:" + port + " should be free after a refused start: " + e);
    }
  }

}
