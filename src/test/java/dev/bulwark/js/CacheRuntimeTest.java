package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.TestRuntime;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cache API in the real runtime, over HTTP: one store per service shared by its isolates, bounded by
 * {@code cache.maxBytes} (evicting, and refusing a response larger than all of it), off with 0, and its meters.
 */
class CacheRuntimeTest {
  @TempDir
  static Path dir;
  static TestRuntime rt;

  private static final String WORKER = """
      const ISOLATE = crypto.randomUUID();
      const key = (url) => 'http://cache.test/' + new URL(url).searchParams.get('k');
      export default { async fetch(request, env, ctx) {
        const url = new URL(request.url);
        const cache = caches.default;
        if (url.pathname.endsWith('/page')) { // the Cache API's usual pattern, keyed by the incoming request
          let r = await cache.match(request);
          if (!r) {
            r = new Response('page body ' + ISOLATE, { headers: { 'cache-control': 'max-age=600', etag: '"p1"',
              'content-type': 'text/plain' } });
            ctx.waitUntil(cache.put(request, r.clone()));
          }
          return r;
        }
        if (url.pathname.endsWith('/put')) {
          const size = Number(url.searchParams.get('size') || 0);
          try {
            await cache.put(key(request.url), new Response(size ? 'x'.repeat(size) : ISOLATE,
              { headers: { 'cache-control': 'max-age=600' } }));
            return new Response(ISOLATE);
          } catch (e) {
            return new Response(e.constructor.name + ': ' + e.message, { status: 500 });
          }
        }
        if (url.pathname.endsWith('/get')) {
          const until = Date.now() + 15; // keeps this isolate busy, so that requests arriving meanwhile go to another
          while (Date.now() < until) {}
          const r = await cache.match(key(request.url));
          return Response.json({ isolate: ISOLATE, body: r === undefined ? null : await r.text() });
        }
        if (url.pathname.endsWith('/vary')) { // stored for English; asked in French, then in English
          const k = 'http://cache.test/vary';
          await cache.put(new Request(k, { headers: { 'accept-language': 'en' } }),
            new Response('hello', { headers: { 'cache-control': 'max-age=600', vary: 'Accept-Language' } }));
          const fr = await cache.match(new Request(k, { headers: { 'accept-language': 'fr' } }));
          const en = await cache.match(new Request(k, { headers: { 'accept-language': 'en' } }));
          return Response.json({ fr: fr === undefined ? null : await fr.text(), en: en === undefined ? null : await en.text() });
        }
        if (url.pathname.endsWith('/fill')) {
          const n = Number(url.searchParams.get('n'));
          for (let i = 0; i < n; i++) {
            await cache.put('http://cache.test/fill/' + i, new Response('y'.repeat(1024), { headers: { 'cache-control': 'max-age=600' } }));
          }
          let kept = 0;
          for (let i = 0; i < n; i++) if (await cache.match('http://cache.test/fill/' + i)) kept++;
          return Response.json({ kept });
        }
        return new Response('no such path', { status: 404 });
      } };
      """;

  static JsonObject service(String name, int instances, JsonObject cache) throws Exception {
    Path file = dir.resolve(name + ".mjs");
    Files.writeString(file, WORKER);
    // 64 puts and lookups in one request take the interpreter more than the default 50 ms.
    JsonObject s = new JsonObject().put("name", name).put("source", file.toString()).put("instances", instances)
        .put("cpuBudget", "2s");
    return cache == null ? s : s.put("cache", cache);
  }

  @BeforeAll
  static void start() throws Exception {
    rt = TestRuntime.start(TestRuntime.routed(TestRuntime.config(service("shop", 2, null),
        service("tiny", 1, new JsonObject().put("maxBytes", "16KiB")),
        service("off", 1, new JsonObject().put("maxBytes", 0))), "/tiny", "tiny", "/off", "off", "/", "shop"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (rt != null) {
      rt.close();
    }
  }

  @Test
  void everyIsolateOfTheServiceSeesWhatAnotherPut() throws Exception {
    HttpResponse<String> put = rt.get("/put?k=shared");
    assertEquals(200, put.statusCode(), put.body());
    String putter = put.body();
    Set<String> isolates = new HashSet<>();
    for (int round = 0; round < 30 && isolates.size() < 2; round++) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(rt.client.sendAsync(HttpRequest.newBuilder(rt.uri("/get?k=shared")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        JsonObject got = new JsonObject(a.get().body());
        assertEquals(putter, got.getString("body"), "every isolate finds the entry: " + got);
        isolates.add(got.getString("isolate"));
      }
    }
    assertEquals(2, isolates.size(), "both isolates of the service answered: " + isolates);
    assertTrue(isolates.contains(putter));
  }

  @Test
  void aCachedResponseIsServedAsItIsAndAnswersTheClientsConditionalAndRangeRequests() throws Exception {
    HttpResponse<String> first = rt.get("/page");
    assertEquals(200, first.statusCode());
    assertTrue(first.headers().firstValue("cf-cache-status").isEmpty(), "the first answer is made, not cached");
    HttpResponse<String> hit = null;
    for (int i = 0; i < 50 && (hit == null || hit.headers().firstValue("cf-cache-status").isEmpty()); i++) {
      Thread.sleep(i == 0 ? 0 : 20); // the put runs in waitUntil, just after the first answer
      hit = rt.get("/page");
    }
    assertEquals("HIT", hit.headers().firstValue("cf-cache-status").orElse(null));
    assertEquals(first.body(), hit.body(), "the same body, whichever isolate answers");
    assertEquals("\"p1\"", hit.headers().firstValue("etag").orElseThrow());
    assertEquals("text/plain", hit.headers().firstValue("content-type").orElseThrow());
    HttpResponse<String> notModified = rt.send(HttpRequest.newBuilder(rt.uri("/page"))
        .header("If-None-Match", "\"p1\"").build());
    assertEquals(304, notModified.statusCode());
    assertEquals("", notModified.body());
    HttpResponse<String> part = rt.send(HttpRequest.newBuilder(rt.uri("/page")).header("Range", "bytes=0-3").build());
    assertEquals(206, part.statusCode());
    assertEquals("page", part.body());
    assertEquals("bytes 0-3/" + first.body().length(), part.headers().firstValue("content-range").orElseThrow());
  }

  @Test
  void theStoreStaysWithinMaxBytesAndRefusesAResponseLargerThanAllOfIt() throws Exception {
    JsonObject filled = new JsonObject(rt.get("/tiny/fill?n=64").body());
    int kept = filled.getInteger("kept");
    assertTrue(kept > 0 && kept <= 16, "64 entries of 1 KiB in a 16 KiB cache: " + kept + " kept");
    HttpResponse<String> big = rt.get("/tiny/put?k=big&size=20000");
    assertEquals(500, big.statusCode());
    assertEquals("TypeError: Failed to execute 'put' on 'Cache': the response (20000 bytes of body) is larger than "
        + "this service's whole cache (16384 bytes, the service's cache.maxBytes)", big.body());
    // Each service has its own store: what "shop" put is not in "tiny".
    rt.get("/put?k=mine");
    assertEquals(null, new JsonObject(rt.get("/tiny/get?k=mine").body()).getString("body"));
  }

  @Test
  void maxBytesZeroTurnsTheCacheOff() throws Exception {
    assertEquals(200, rt.get("/off/put?k=a").statusCode());
    assertEquals(null, new JsonObject(rt.get("/off/get?k=a").body()).getString("body"));
    assertEquals(0, new JsonObject(rt.get("/off/fill?n=3").body()).getInteger("kept"));
  }

  @Test
  void aResponseStoredForOtherVaryValuesCountsAsAMiss() throws Exception {
    double hits = gets("hit");
    double misses = gets("miss");
    assertEquals(new JsonObject().put("fr", null).put("en", "hello"), new JsonObject(rt.get("/vary").body()));
    assertEquals(hits + 1, gets("hit"), "the English lookup");
    assertEquals(misses + 1, gets("miss"), "the French lookup found the entry, but not one for French");
  }

  private static double gets(String result) throws Exception {
    return rt.client.send(HttpRequest.newBuilder(rt.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
        .body().lines().filter(l -> l.startsWith("cache_gets_total") && l.contains("cache=\"shop\"")
            && l.contains("result=\"" + result + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  void theStoresMetersAreScraped() throws Exception {
    rt.get("/tiny/put?k=big&size=20000"); // larger than all of "tiny": not stored
    rt.get("/put?k=metered");
    rt.get("/get?k=metered");
    rt.get("/get?k=absent");
    String metrics = rt.client.send(HttpRequest.newBuilder(rt.adminUri("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    List<String> lines = metrics.lines().filter(l -> l.startsWith("cache_") && l.contains("cache=\"shop\"")).toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache_gets_total") && l.contains("result=\"hit\"")
        && !l.endsWith(" 0.0")), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache_gets_total") && l.contains("result=\"miss\"")
        && !l.endsWith(" 0.0")), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache_size")), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache_puts_total") && l.contains("result=\"stored\"")
        && !l.endsWith(" 0.0")), String.join("\n", lines));
    assertTrue(lines.stream().filter(l -> l.startsWith("cache_puts_total")).allMatch(l -> l.contains("result=")),
        "no puts meter without a result (Caffeine's own, always 0):\n" + String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache_evictions_total")), String.join("\n", lines));
    List<String> tiny = metrics.lines().filter(l -> l.startsWith("cache_puts_total") && l.contains("cache=\"tiny\"")
        && l.contains("result=\"not_stored\"")).toList();
    assertEquals(1, tiny.size(), metrics);
    assertTrue(metrics.lines().noneMatch(l -> l.startsWith("cache_") && l.contains("cache=\"off\"")),
        "no meters for a cache that is off");
  }
}
