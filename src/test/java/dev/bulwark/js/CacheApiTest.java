package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The Cache API (caches.default, caches.open) in one isolate: workerd's argument checks and messages, what a
 * response's headers let the store keep, expiry, conditional and range lookups, Vary, namespaces.
 */
class CacheApiTest {
  private static JsonObject eval(String body) throws Exception {
    return new JsonObject(io.vertx.core.json.Json.encode(JsHarness.eval(body)));
  }

  @Test
  void putMatchAndDeleteKeepTheResponseWholeAndMarkItAHit() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        const before = await cache.match('http://example.com/a');
        const put = await cache.put('http://example.com/a#frag', new Response('cached body', { status: 203,
          statusText: 'Kept', headers: { 'content-type': 'text/x-kept', 'x-one': '1', 'cache-control': 'max-age=60' } }));
        const r = await cache.match(new Request('http://example.com/a'));
        const again = await cache.match('http://example.com/a');
        const out = {
          before: before === undefined, put: put === undefined, status: r.status, statusText: r.statusText,
          type: r.headers.get('content-type'), one: r.headers.get('x-one'), hit: r.headers.get('cf-cache-status'),
          age: r.headers.get('age'), body: await r.text(), againBody: await again.text(), url: r.url,
          immutable: (() => { try { r.headers.set('x', 'y'); return false; } catch (e) { return e instanceof TypeError; } })(),
        };
        out.deleted = await cache.delete('http://example.com/a');
        out.deletedAgain = await cache.delete('http://example.com/a');
        out.afterDelete = (await cache.match('http://example.com/a')) === undefined;
        return out;
        """);
    assertEquals(new JsonObject("""
        {"before":true,"put":true,"status":203,"statusText":"Kept","type":"text/x-kept","one":"1","hit":"HIT",
         "age":"0","body":"cached body","againBody":"cached body","url":"","immutable":true,
         "deleted":true,"deletedAgain":false,"afterDelete":true}"""), v);
  }

  @Test
  void argumentsAreCheckedInWorkerdsOrderWithItsMessages() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        const why = (p) => p.then(() => 'resolved', (e) => e.constructor.name + ': ' + e.message);
        const ok = () => new Response('x', { headers: { 'cache-control': 'max-age=60' } });
        const used = ok();
        await used.text();
        await cache.put('http://example.com/m', ok());
        return {
          post: await why(cache.put(new Request('http://example.com/p', { method: 'POST' }), ok())),
          partial: await why(cache.put('http://example.com/p', new Response('x', { status: 206 }))),
          varyStar: await why(cache.put('http://example.com/p', new Response('x', { headers: { vary: 'accept, *' } }))),
          error: await why(cache.put('http://example.com/p', Response.error())),
          notResponse: await why(cache.put('http://example.com/p', 'text')),
          usedBody: await why(cache.put('http://example.com/p', used)),
          badUrl: await why(cache.match('not a url')),
          matchPost: (await cache.match(new Request('http://example.com/m', { method: 'POST' }))) === undefined,
          matchPostIgnoringMethod: (await cache.match(new Request('http://example.com/m', { method: 'POST' }),
            { ignoreMethod: true })).status,
          deletePost: await cache.delete(new Request('http://example.com/m', { method: 'POST' })),
          stillThere: (await cache.match('http://example.com/m')) !== undefined,
          deletePostIgnoringMethod: await cache.delete(new Request('http://example.com/m', { method: 'POST' }),
            { ignoreMethod: true }),
          add: (() => { try { cache.add('http://example.com/'); return 'no error'; } catch (e) { return e.message; } })(),
          addAll: (() => { try { cache.addAll([]); return 'no error'; } catch (e) { return e.message; } })(),
          newCache: (() => { try { new Cache(); return 'constructed'; } catch (e) { return e.constructor.name; } })(),
          newStorage: (() => { try { new CacheStorage(); return 'constructed'; } catch (e) { return e.constructor.name; } })(),
          tags: [String(caches), String(cache), caches instanceof CacheStorage, cache instanceof Cache],
        };
        """);
    assertEquals(new JsonObject("""
        {"post":"TypeError: Cannot cache response to non-GET request.",
         "partial":"TypeError: Cannot cache response to a range request (206 Partial Content).",
         "varyStar":"TypeError: Cannot cache response with 'Vary: *' header.",
         "error":"TypeError: Cache is unable to store an error response",
         "notResponse":"TypeError: Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.",
         "usedBody":"TypeError: Failed to execute 'put' on 'Cache': Response body is already used",
         "badUrl":"TypeError: Invalid URL: not a url",
         "matchPost":true,"matchPostIgnoringMethod":200,"deletePost":false,"stillThere":true,
         "deletePostIgnoringMethod":true,
         "add":"Failed to execute 'add' on 'Cache': the method is not implemented.",
         "addAll":"Failed to execute 'addAll' on 'Cache': the method is not implemented.",
         "newCache":"TypeError","newStorage":"TypeError",
         "tags":["[object CacheStorage]","[object Cache]",true,true]}"""), v);
  }

  @Test
  void whatIsStoredFollowsTheResponsesCachingHeaders() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        const cases = {
          noHeaders200: [200, {}],
          noHeaders404: [404, {}],
          noHeaders500: [500, {}],
          maxAge500: [500, { 'cache-control': 'max-age=60' }],
          noStore: [200, { 'cache-control': 'no-store, max-age=60' }],
          private: [200, { 'cache-control': 'private, max-age=60' }],
          noCache: [200, { 'cache-control': 'no-cache' }],
          maxAgeZero: [200, { 'cache-control': 'max-age=0' }],
          sMaxAgeWins: [200, { 'cache-control': 'max-age=0, s-maxage=60' }],
          agedOut: [200, { 'cache-control': 'max-age=60', age: '60' }],
          expiresPast: [200, { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }],
          expiresInvalid: [200, { expires: '0' }],
          expiresFuture: [200, { expires: new Date(Date.now() + 3600e3).toUTCString() }],
          setCookie: [200, { 'cache-control': 'max-age=60', 'set-cookie': 'id=1' }],
          privateSetCookie: [200, { 'cache-control': 'max-age=60, private="Set-Cookie"', 'set-cookie': 'id=1', 'x-kept': 'yes' }],
          notModified: [304, { 'cache-control': 'max-age=60' }],
        };
        const out = {};
        for (const [name, [status, headers]] of Object.entries(cases)) {
          const body = status === 304 ? null : name;
          await cache.put('http://example.com/' + name, new Response(body, { status, headers }));
          const r = await cache.match('http://example.com/' + name);
          out[name] = r === undefined ? 'miss' : r.status + (r.headers.has('set-cookie') ? ' with cookie' : '')
            + (r.headers.has('x-kept') ? ' kept' : '');
        }
        return out;
        """);
    assertEquals(new JsonObject("""
        {"noHeaders200":"200","noHeaders404":"404","noHeaders500":"miss","maxAge500":"500","noStore":"miss",
         "private":"miss","noCache":"miss","maxAgeZero":"miss","sMaxAgeWins":"200","agedOut":"miss",
         "expiresPast":"miss","expiresInvalid":"miss","expiresFuture":"200","setCookie":"miss",
         "privateSetCookie":"200 kept","notModified":"miss"}"""), v);
  }

  @Test
  void anEntryExpiresAtTheEndOfItsLifetimeAndAgeCountsFromTheResponsesOwn() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        await cache.put('http://example.com/short', new Response('s', { headers: { 'cache-control': 'max-age=1' } }));
        await cache.put('http://example.com/aged', new Response('a', { headers: { 'cache-control': 'max-age=600', age: '100' } }));
        const first = (await cache.match('http://example.com/short')) !== undefined;
        const aged = (await cache.match('http://example.com/aged')).headers.get('age');
        await scheduler.wait(1300);
        return { first, aged, later: (await cache.match('http://example.com/short')) === undefined,
          agedLater: (await cache.match('http://example.com/aged')).headers.get('age') };
        """);
    assertEquals(new JsonObject("{\"first\":true,\"aged\":\"100\",\"later\":true,\"agedLater\":\"101\"}"), v);
  }

  @Test
  void conditionalAndRangeRequestsAreAnsweredFromTheStoredResponse() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        const url = 'http://example.com/doc';
        await cache.put(url, new Response('0123456789', { headers: { 'cache-control': 'max-age=60', etag: '"v1"',
          'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT', 'content-type': 'text/plain', 'x-other': 'o' } }));
        const ask = async (headers) => {
          const r = await cache.match(new Request(url, { headers }));
          return [r.status, r.body === null ? null : await r.text(), r.headers.get('content-range'),
            r.headers.get('etag'), r.headers.has('x-other'), r.headers.get('content-type')];
        };
        return {
          inmMatch: await ask({ 'if-none-match': '"v0", "v1"' }),
          inmWeak: await ask({ 'if-none-match': 'W/"v1"' }),
          inmStar: await ask({ 'if-none-match': '*' }),
          inmOther: await ask({ 'if-none-match': '"v2"' }),
          imsLater: await ask({ 'if-modified-since': 'Tue, 01 Dec 2026 11:00:00 GMT' }),
          imsEarlier: await ask({ 'if-modified-since': 'Tue, 01 Dec 2026 09:00:00 GMT' }),
          inmOverridesIms: await ask({ 'if-none-match': '"v2"', 'if-modified-since': 'Tue, 01 Dec 2026 11:00:00 GMT' }),
          range: await ask({ range: 'bytes=2-4' }),
          suffix: await ask({ range: 'bytes=-3' }),
          open: await ask({ range: 'bytes=7-' }),
          past: await ask({ range: 'bytes=5-100' }),
          unsatisfiable: await ask({ range: 'bytes=10-20' }),
          several: await ask({ range: 'bytes=0-1, 4-5' }),
          notBytes: await ask({ range: 'items=0-1' }),
          ifRangeSame: await ask({ range: 'bytes=0-0', 'if-range': '"v1"' }),
          ifRangeOther: await ask({ range: 'bytes=0-0', 'if-range': '"v0"' }),
        };
        """);
    assertEquals(new JsonObject("""
        {"inmMatch":[304,null,null,"\\"v1\\"",false,null],
         "inmWeak":[304,null,null,"\\"v1\\"",false,null],
         "inmStar":[304,null,null,"\\"v1\\"",false,null],
         "inmOther":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"],
         "imsLater":[304,null,null,"\\"v1\\"",false,null],
         "imsEarlier":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"],
         "inmOverridesIms":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"],
         "range":[206,"234","bytes 2-4/10","\\"v1\\"",true,"text/plain"],
         "suffix":[206,"789","bytes 7-9/10","\\"v1\\"",true,"text/plain"],
         "open":[206,"789","bytes 7-9/10","\\"v1\\"",true,"text/plain"],
         "past":[206,"56789","bytes 5-9/10","\\"v1\\"",true,"text/plain"],
         "unsatisfiable":[416,"","bytes */10","\\"v1\\"",true,null],
         "several":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"],
         "notBytes":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"],
         "ifRangeSame":[206,"0","bytes 0-0/10","\\"v1\\"",true,"text/plain"],
         "ifRangeOther":[200,"0123456789",null,"\\"v1\\"",true,"text/plain"]}"""), v);
  }

  @Test
  void varyNamespacesAndTheGlobalScope() throws Exception {
    String source = """
        const early = caches.default.match('http://example.com/').then(() => 'resolved', (e) => e.message);
        export default { async fetch() {
          const cache = caches.default;
          await cache.put(new Request('http://example.com/v', { headers: { 'accept-language': 'en' } }),
            new Response('english', { headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' } }));
          const lang = async (l) => {
            const r = await cache.match(new Request('http://example.com/v', { headers: l ? { 'accept-language': l } : {} }));
            return r === undefined ? 'miss' : await r.text();
          };
          const a = await caches.open('a');
          const b = await caches.open('b');
          await a.put('http://example.com/n', new Response('in a', { headers: { 'cache-control': 'max-age=60' } }));
          const read = async (c) => { const r = await c.match('http://example.com/n'); return r === undefined ? 'miss' : await r.text(); };
          return Response.json({
            en: await lang('en'), fr: await lang('fr'), none: await lang(null),
            a: await read(a), aAgain: await read(await caches.open('a')), b: await read(b), default: await read(cache),
            sameObject: a === await caches.open('a'),
            early: await early,
          });
        } };
        """;
    try (JsHarness js = JsHarness.module(source)) {
      dev.bulwark.api.Response r = js.fetch(dev.bulwark.api.Request.get("/"));
      assertEquals(new JsonObject("""
          {"en":"english","fr":"miss","none":"miss","a":"in a","aAgain":"in a","b":"miss","default":"miss",
           "sameObject":true,
           "early":"the Cache API is not allowed in the global scope of a worker (as in workerd): use it while handling a request"}"""),
          new JsonObject(r.text()));
    }
  }

  @Test
  void urlStringsAndRequestsFindTheSameEntriesPastTheRememberedKeys() throws Exception {
    JsonObject v = eval("""
        const cache = caches.default;
        const ok = (s) => new Response(s, { headers: { 'cache-control': 'max-age=60' } });
        for (let i = 0; i < 300; i++) await cache.put('http://example.com/n/' + i + '#f', ok('n' + i));
        let found = 0;
        for (let i = 0; i < 300; i++) {
          const byString = await cache.match('http://example.com/n/' + i);
          const byRequest = await cache.match(new Request('HTTP://EXAMPLE.com/n/' + i));
          if (byString && byRequest && await byString.text() === 'n' + i && await byRequest.text() === 'n' + i) found++;
        }
        const bad = [];
        for (let i = 0; i < 2; i++) bad.push(await cache.match('http://[bad').then(() => 'resolved', (e) => e.message));
        return { found, bad, deleted: await cache.delete('http://example.com/n/7#other') };
        """);
    assertEquals(new JsonObject("{\"found\":300,\"bad\":[\"Invalid URL: http://[bad\",\"Invalid URL: http://[bad\"],"
        + "\"deleted\":true}"), v);
  }
}
