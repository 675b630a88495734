package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.api.Request;
import org.junit.jupiter.api.Test;

/** URLPattern, as workerd has it (the URLPattern Standard; the vendored urlpattern-polyfill). */
class UrlPatternTest {
  @Test
  void namedGroupsWildcardsRegExpGroupsAndBaseUrls() throws Exception {
    Object v = JsHarness.eval("""
        const out = [];
        const book = new URLPattern({ pathname: '/books/:id' });
        out.push(book.exec('https://example.com/books/123').pathname.groups.id);
        out.push(book.test('https://example.com/books'), book.test('https://example.com/books/1/2'));
        const api = new URLPattern('/api/*', 'https://example.com');
        out.push(api.test('https://example.com/api/v1/users'), api.test('https://other.example/api/v1'));
        out.push(api.exec('https://example.com/api/v1/users').pathname.groups['0']);
        const digits = new URLPattern({ pathname: '/user/:id(\\\\d+)' });
        out.push(digits.test({ pathname: '/user/42' }), digits.test({ pathname: '/user/abc' }), digits.hasRegExpGroups);
        const host = new URLPattern({ hostname: '{*.}?example.com' });
        out.push(host.test('https://a.b.example.com/x'), host.test('https://example.com/'), host.test('https://example.org/'));
        const opt = new URLPattern({ pathname: '/items/:name?' });
        out.push(opt.test({ pathname: '/items' }), opt.exec({ pathname: '/items/x' }).pathname.groups.name);
        out.push(new URLPattern({ search: 'q=:q' }).exec('https://e.com/?q=cats').search.groups.q);
        out.push(book.pathname, api.hostname, api.protocol);
        for (const bad of [() => new URLPattern({ pathname: '/(' }), () => new URLPattern('/relative')]) {
          try { bad(); out.push('accepted'); } catch (e) { out.push(e.constructor.name); }
        }
        return out;
        """);
    assertEquals("[\"123\",false,false,true,false,\"v1/users\",true,false,true,true,true,false,true,\"x\",\"cats\","
        + "\"/books/:id\",\"example.com\",\"https\",\"TypeError\",\"TypeError\"]", v.toString());
  }

  @Test
  void aRouterInAFetchHandlerAndAScriptThatReplacesUrlCannotChangeHowPatternsMatch() throws Exception {
    try (JsHarness js = JsHarness.module("""
        const routes = [
          [new URLPattern({ pathname: '/posts/:slug' }), (m) => 'post ' + m.pathname.groups.slug],
          [new URLPattern({ pathname: '/' }), () => 'home'],
        ];
        export default { async fetch(request) {
          globalThis.URL = function () { throw new Error('replaced'); };
          for (const [pattern, handle] of routes) {
            const m = pattern.exec(request.url);
            if (m) return new Response(handle(m));
          }
          return new Response('no route', { status: 404 });
        } };
        """)) {
      assertEquals("post hello-world", js.fetch(Request.get("/posts/hello-world")).text());
      assertEquals("home", js.fetch(Request.get("/")).text());
      assertEquals(404, js.fetch(Request.get("/nope/x")).status());
    }
  }
}
