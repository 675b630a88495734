package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import dev.bulwark.config.FetchConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch() and content codings, against a real Vert.x upstream on 127.0.0.1 that sends gzip, deflate and br bodies:
 * the script reads them decoded (headers as received), a corrupt one fails reading with a TypeError, and a worker
 * that returns the fetched response unchanged gives its own client a body that matches its content-encoding.
 * Before, fetch() sent no accept-encoding and handed the script the raw compressed bytes.
 */
class FetchDecodingTest {
  /** "hello br" and 4 MiB of "ab", as Node's zlib.brotliCompressSync makes them. */
  private static final byte[] BR_HELLO = HexFormat.of().parseHex("8b038068656c6c6f20627203");
  private static final byte[] BR_BIG = HexFormat.of().parseHex("9bffff3ff8a5c2c4e2b23000f7fe47");

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static String base;
  private static int port;

  @BeforeAll
  static void startUpstream() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      var res = req.response().putHeader("x-accept-encoding", String.valueOf(req.getHeader("accept-encoding")));
      byte[] hello = ("hello " + req.path().substring(1)).getBytes(StandardCharsets.UTF_8);
      switch (req.path()) {
        case "/gzip" -> res.putHeader("content-encoding", "gzip").end(Buffer.buffer(gzip(hello)));
        case "/deflate" -> res.putHeader("content-encoding", "deflate").end(Buffer.buffer(deflate(hello, false)));
        case "/rawdeflate" -> res.putHeader("content-encoding", "Deflate").end(Buffer.buffer(deflate(hello, true)));
        case "/br" -> res.putHeader("content-encoding", "br").end(Buffer.buffer(BR_HELLO));
        case "/twice" -> res.putHeader("content-encoding", "deflate, gzip").end(Buffer.buffer(gzip(deflate(hello, false))));
        case "/zstd" -> res.putHeader("content-encoding", "zstd").end("not really zstd");
        case "/corrupt" -> res.putHeader("content-encoding", "gzip").end("this is not gzip");
        case "/truncated" -> {
          byte[] g = gzip(hello);
          res.putHeader("content-encoding", "gzip").end(Buffer.buffer(java.util.Arrays.copyOf(g, g.length - 6)));
        }
        case "/bomb" -> res.putHeader("content-encoding", "gzip").end(Buffer.buffer(gzip(new byte[4 << 20])));
        case "/brbomb" -> res.putHeader("content-encoding", "br").end(Buffer.buffer(BR_BIG));
        case "/json" -> res.putHeader("content-encoding", "gzip").putHeader("content-type", "application/json")
            .end(Buffer.buffer(gzip("{\"a\":[1,2]}".getBytes(StandardCharsets.UTF_8))));
        default -> res.setStatusCode(404).end("no " + req.path());
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    port = server.actualPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] deflate(byte[] b, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      z.write(b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Object run(String body) throws Exception {
    String source = "export default { async fetch(request, env, ctx) {\n"
        + "  const BASE = '" + base + "';\n"
        + "  const value = await (async () => {\n" + body + "\n})();\n"
        + "  return Response.json({ value });\n} };\n";
    FetchConfig config = new FetchConfig(List.of("127.0.0.1"), 50, 1L << 20, Duration.ofSeconds(5),
        Duration.ofSeconds(10));
    try (JsHarness js = JsHarness.module(source, config)) {
      Response r = js.fetch(Request.get("/"));
      assertEquals(200, r.status(), r.text());
      return new JsonObject(r.text()).getValue("value");
    }
  }

  @Test
  void gzipDeflateAndBrBodiesAreDecodedAndTheHeadersKept() throws Exception {
    Object v = run("""
        const out = [];
        for (const p of ['gzip', 'deflate', 'rawdeflate', 'br', 'twice']) {
          const r = await fetch(BASE + '/' + p);
          out.push([await r.text(), r.headers.get('content-encoding'), r.headers.get('x-accept-encoding')]);
        }
        const j = await fetch(BASE + '/json');
        out.push(await j.json());
        const b = await fetch(BASE + '/gzip');
        out.push(new TextDecoder().decode(await b.arrayBuffer()));
        const s = await fetch(BASE + '/br');
        const reader = s.body.getReader();
        const chunk = await reader.read();
        out.push(new TextDecoder().decode(chunk.value));
        return out;
        """);
    assertEquals("[[\"hello gzip\",\"gzip\",\"gzip, deflate, br\"],[\"hello deflate\",\"deflate\",\"gzip, deflate, br\"],"
        + "[\"hello rawdeflate\",\"Deflate\",\"gzip, deflate, br\"],[\"hello br\",\"br\",\"gzip, deflate, br\"],"
        + "[\"hello twice\",\"deflate, gzip\",\"gzip, deflate, br\"],{\"a\":[1,2]},\"hello gzip\",\"hello br\"]",
        v.toString());
  }

  @Test
  void acceptEncodingIsReadWithItsQValues() {
    assertTrue(ContentCoding.accepts("gzip, br", "gzip"));
    assertTrue(ContentCoding.accepts("br;q=1.0, *;q=0.1", "gzip"));
    assertTrue(ContentCoding.accepts("x-gzip", "gzip"));
    assertFalse(ContentCoding.accepts("gzip;q=0, *", "gzip"));
    assertFalse(ContentCoding.accepts("br", "gzip"));
    assertFalse(ContentCoding.accepts("*;q=0", "deflate"));
    assertFalse(ContentCoding.accepts(null, "gzip"), "no header: identity");
    assertEquals(List.of("deflate", "gzip"), ContentCoding.parse("deflate, X-GZIP, identity"));
    assertEquals(null, ContentCoding.parse("gzip, zstd"));
  }

  @Test
  void theScriptsOwnAcceptEncodingIsSentAndAnUnknownCodingIsLeftAlone() throws Exception {
    Object v = run("""
        const r = await fetch(BASE + '/gzip', { headers: { 'Accept-Encoding': 'gzip' } });
        const z = await fetch(BASE + '/zstd');
        return [r.headers.get('x-accept-encoding'), await r.text(), z.headers.get('content-encoding'), await z.text()];
        """);
    assertEquals("[\"gzip\",\"hello gzip\",\"zstd\",\"not really zstd\"]", v.toString());
  }

  @Test
  void aCorruptBodyFailsReadingWithATypeErrorAndABombIsStoppedAtTheLimit() throws Exception {
    Object v = run("""
        const out = [];
        for (const p of ['corrupt', 'truncated']) {
          const r = await fetch(BASE + '/' + p);
          out.push(r.status);
          try { await r.text(); out.push('read'); } catch (e) { out.push(e instanceof TypeError, e.message); }
        }
        for (const p of ['bomb', 'brbomb']) {
          try { await fetch(BASE + '/' + p); out.push('fetched'); } catch (e) { out.push(e.message); }
        }
        const after = await fetch(BASE + '/gzip');
        out.push(await after.text());
        return out;
        """);
    JsonArray a = (JsonArray) v;
    assertEquals(200, a.getInteger(0));
    assertEquals(true, a.getBoolean(1), a.encode());
    assertTrue(a.getString(2).startsWith("fetch() to 127.0.0.1:" + port + ": the response body cannot be decoded "
        + "(content-encoding: gzip): "), a.encode());
    assertEquals(true, a.getBoolean(4), a.encode());
    assertTrue(a.getString(5).endsWith("cannot be decoded (content-encoding: gzip): the compressed data ends early"),
        a.encode());
    for (int i = 6; i <= 7; i++) {
      assertTrue(a.getString(i).contains("the decoded response body (content-encoding: ")
          && a.getString(i).contains("is larger than this service's fetch.maxResponseBytes (1048576 bytes)"), a.encode());
    }
    assertEquals("hello gzip", a.getString(8), "the isolate goes on: " + a.encode());
  }

  /** The gzip bytes of {@code text} as a JavaScript array literal's elements. */
  private static String gzipList(String text) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder list = new StringBuilder();
    for (byte b : out.toByteArray()) {
      list.append(list.length() == 0 ? "" : ",").append(b & 0xFF);
    }
    return list.toString();
  }

  @Test
  void aFetchedResponseReturnedUnchangedGivesTheClientAMatchingBody() throws Exception {
    Files.writeString(dir.resolve("proxy.mjs"), """
        export default { async fetch(request, env) {
          const path = new URL(request.url).pathname;
          if (path === '/bound') {
            const out = [];
            for (const accept of ['gzip', null]) {
              const b = await env.PACKER.fetch('http://packer/', accept ? { headers: { 'accept-encoding': accept } } : {});
              out.push(await b.text(), b.headers.get('content-encoding'));
            }
            return Response.json(out);
          }
          if (path === '/manual') {
            return new Response(new Uint8Array([GZ]), { headers: { 'content-encoding': 'gzip' }, encodeBody: 'manual' });
          }
          const r = await fetch('BASE' + path);
          if (request.headers.get('x-rewrap')) return new Response(r.body, r);
          return r;
        } };
        """.replace("BASE", base).replace("GZ", gzipList("hello manual")));
    JsonObject proxy = new JsonObject().put("name", "proxy").put("source", dir.resolve("proxy.mjs").toString())
        .put("instances", 1).put("cpuBudget", "10s")
        .put("fetch", new JsonObject().put("allow", new JsonArray().add("127.0.0.1:" + port)));
    proxy.put("bindings", new JsonObject().put("PACKER", new JsonObject().put("service", "packer")));
    Files.writeString(dir.resolve("packer.mjs"), "export default { fetch: () => new Response('packed by a worker', "
        + "{ headers: { 'content-encoding': 'gzip' } }) };\n");
    JsonObject packer = new JsonObject().put("name", "packer").put("source", dir.resolve("packer.mjs").toString())
        .put("instances", 1).put("cpuBudget", "10s");
    JsonObject config = TestRuntime.config(proxy, packer);
    config.getJsonArray("sockets").getJsonObject(0).put("service", "proxy");
    try (TestRuntime rt = TestRuntime.start(config)) {
      // A service binding: the other worker encodes only when asked to, and the caller reads the decoded body.
      assertEquals("[\"packed by a worker\",\"gzip\",\"packed by a worker\",null]", rt.get("/bound").body());
      for (String rewrap : List.of("", "yes")) {
        // A client that takes gzip gets gzip: the decoded body is encoded again, with its real length.
        HttpRequest.Builder gz = HttpRequest.newBuilder(rt.uri("/gzip")).header("accept-encoding", "gzip, br");
        if (!rewrap.isEmpty()) {
          gz.header("x-rewrap", rewrap);
        }
        HttpResponse<byte[]> g = rt.client.send(gz.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, g.statusCode());
        assertEquals("gzip", g.headers().firstValue("content-encoding").orElse(null));
        assertEquals(String.valueOf(g.body().length), g.headers().firstValue("content-length").orElse(null));
        assertEquals(List.of("Accept-Encoding"), g.headers().allValues("vary"), "the body depended on it");
        assertArrayEquals("hello gzip".getBytes(StandardCharsets.UTF_8),
            new GZIPInputStream(new ByteArrayInputStream(g.body())).readAllBytes());
        // A client that asks for no coding (curl without --compressed) gets the decoded body without the header.
        HttpRequest.Builder plain = HttpRequest.newBuilder(rt.uri("/gzip"));
        if (!rewrap.isEmpty()) {
          plain.header("x-rewrap", rewrap);
        }
        HttpResponse<String> p = rt.send(plain.build());
        assertEquals("hello gzip", p.body());
        assertFalse(p.headers().firstValue("content-encoding").isPresent(), p.headers().toString());
        assertEquals(List.of("Accept-Encoding"), p.headers().allValues("vary"), p.headers().toString());
      }
      // br cannot be encoded here: the client gets the decoded body and no content-encoding, whatever it accepts.
      HttpResponse<String> br = rt.send(HttpRequest.newBuilder(rt.uri("/br")).header("accept-encoding", "br").build());
      assertEquals("hello br", br.body());
      assertFalse(br.headers().firstValue("content-encoding").isPresent(), br.headers().toString());
      assertEquals(List.of(), br.headers().allValues("vary"), "the same body whatever the client takes");
      // encodeBody: 'manual': the worker's bytes are already gzip and go out as they are, once encoded, to any client.
      for (String accept : new String[] {"gzip", null}) {
        HttpRequest.Builder m = HttpRequest.newBuilder(rt.uri("/manual"));
        if (accept != null) {
          m.header("accept-encoding", accept);
        }
        HttpResponse<byte[]> mr = rt.client.send(m.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", mr.headers().firstValue("content-encoding").orElse(null));
        assertArrayEquals("hello manual".getBytes(StandardCharsets.UTF_8),
            new GZIPInputStream(new ByteArrayInputStream(mr.body())).readAllBytes(), "gzip once, not twice");
      }
      // A coding fetch() does not decode passes through as it came, header and bytes together.
      HttpResponse<String> z = rt.send(HttpRequest.newBuilder(rt.uri("/zstd")).build());
      assertEquals("not really zstd", z.body());
      assertEquals("zstd", z.headers().firstValue("content-encoding").orElse(null));
    }
  }

  @Test
  void varyNamesAcceptEncodingOnceWhereTheClientsCodingsDecidedTheBody() {
    List<Map.Entry<String, String>> origin = List.of(Map.entry("content-encoding", "gzip"), Map.entry("Vary", "Origin"));
    assertEquals(List.of(Map.entry("Vary", "Origin"), Map.entry("vary", "Accept-Encoding")),
        ContentCoding.forClient(origin, "x".getBytes(StandardCharsets.UTF_8), null).getKey(),
        "the handler's Vary is kept, Accept-Encoding is added, and the unaccepted coding's header dropped");
    for (String covered : List.of("Origin, accept-encoding", "*")) {
      List<Map.Entry<String, String>> fields = List.of(Map.entry("content-encoding", "gzip"), Map.entry("vary", covered));
      assertEquals(fields, ContentCoding.forClient(fields, "x".getBytes(StandardCharsets.UTF_8), "gzip").getKey(),
          covered);
    }
    List<Map.Entry<String, String>> none = List.of(Map.entry("content-type", "text/plain"));
    assertSame(none, ContentCoding.forClient(none, "x".getBytes(StandardCharsets.UTF_8), "gzip").getKey(),
        "no coding: nothing depends on Accept-Encoding");
  }
}
