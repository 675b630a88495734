package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Request;
import dev.bulwark.api.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Web Platform Tests URL data (/work/shared/wpt/url, see SOURCE.md there) run through the {@code URL} of a real
 * isolate, the way WPT's url-constructor, url-statics-canparse, url-statics-parse and url-setters tests do. The
 * JSON files go in as the request body byte for byte, so that JSON.parse in the isolate sees exactly the strings
 * of the data (escapes included), never a Java re-encoding of them.
 */
class UrlConformanceTest {
  private static final Path WPT = Path.of("/work/shared/wpt/url");

  /** Runs every case in the isolate and returns {parsing|setters: {pass, total, failures: [...]}}. */
  private static final String WORKER = """
      const FIELDS = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
      function show(s) { return JSON.stringify(s); }
      function parsing(cases) {
        const out = { pass: 0, total: 0, failures: [] };
        for (const c of cases) {
          if (typeof c === 'string') continue;
          out.total++;
          const base = c.base === null ? undefined : c.base;
          const problems = [];
          // URL.canParse and URL.parse must agree with the constructor.
          if (URL.canParse(c.input, base) !== !c.failure) problems.push('canParse');
          if ((URL.parse(c.input, base) === null) !== Boolean(c.failure)) problems.push('parse');
          if (c.failure) {
            try { new URL(c.input, base); problems.push('no TypeError'); }
            catch (e) { if (!(e instanceof TypeError)) problems.push('threw ' + e); }
          } else {
            let url;
            try { url = new URL(c.input, base); } catch (e) { problems.push('threw ' + e); }
            if (url) {
              for (const f of FIELDS) if (url[f] !== c[f]) problems.push(f + ' ' + show(url[f]) + ' != ' + show(c[f]));
              if ('origin' in c && url.origin !== c.origin) problems.push('origin ' + show(url.origin) + ' != ' + show(c.origin));
              if ('searchParams' in c && url.searchParams.toString() !== c.searchParams) {
                problems.push('searchParams ' + show(url.searchParams.toString()) + ' != ' + show(c.searchParams));
              }
            }
          }
          if (problems.length) out.failures.push(show(c.input) + ' base ' + show(c.base) + ': ' + problems.join('; '));
          else out.pass++;
        }
        return out;
      }
      function setters(groups) {
        const out = { pass: 0, total: 0, failures: [] };
        for (const [attr, cases] of Object.entries(groups)) {
          if (attr === 'comment') continue;
          for (const c of cases) {
            out.total++;
            const problems = [];
            try {
              const url = new URL(c.href);
              url[attr] = c.new_value;
              for (const [k, v] of Object.entries(c.expected)) if (url[k] !== v) problems.push(k + ' ' + show(url[k]) + ' != ' + show(v));
            } catch (e) {
              problems.push('threw ' + e);
            }
            if (problems.length) out.failures.push(attr + ' = ' + show(c.new_value) + ' on ' + show(c.href) + ': ' + problems.join('; '));
            else out.pass++;
          }
        }
        return out;
      }
      export default {
        async fetch(request) {
          const data = await request.json();
          return Response.json({ parsing: parsing(data.urls), setters: setters(data.setters) });
        },
      };
      """;

  private static JsHarness js;

  @BeforeAll
  static void start() throws Exception {
    js = JsHarness.worker("wpt-url.mjs", WORKER, Duration.ofSeconds(120), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    js.close();
  }

  private static JsonObject run(byte[] body) throws Exception {
    Response r = js.fetch(Request.of("POST", "/", Headers.of("content-type", "application/json"), body, "", "wpt"));
    assertEquals(200, r.status(), r::text);
    return new JsonObject(r.text());
  }

  @Test
  void allWptParsingAndSetterCasesPass() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("{\"urls\":".getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(Files.readAllBytes(WPT.resolve("urltestdata.json")));
    body.writeBytes(",\"setters\":".getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(Files.readAllBytes(WPT.resolve("setters_tests.json")));
    body.writeBytes("}".getBytes(StandardCharsets.US_ASCII));
    JsonObject result = run(body.toByteArray());
    JsonObject parsing = result.getJsonObject("parsing");
    JsonObject setters = result.getJsonObject("setters");
    System.out.printf("URL WPT: %d/%d parsing, %d/%d setters%n", parsing.getInteger("pass"),
        parsing.getInteger("total"), setters.getInteger("pass"), setters.getInteger("total"));
    JsonArray failures = parsing.getJsonArray("failures").copy().addAll(setters.getJsonArray("failures"));
    // The data holds 869 parsing cases; a smaller total would mean cases were skipped.
    assertEquals(869, parsing.getInteger("total"));
    assertTrue(setters.getInteger("total") > 250, "setter cases: " + setters.getInteger("total"));
    assertTrue(failures.isEmpty(), () -> failures.size() + " failing cases:\n" + String.join("\n",
        failures.stream().map(String::valueOf).toList()));
  }

  @Test
  void searchParamsRepeatedKeysSortAndFormEncoding() throws Exception {
    Object v = JsHarness.eval("""
        const p = new URLSearchParams('a=1&b=2&a=3&c=%20x+y');
        const out = { getAll: p.getAll('a'), get: p.get('a'), c: p.get('c'), has: p.has('a', '3') };
        p.append('sp ace', 'x y&z=\u00e9');
        out.serialized = p.toString();
        p.sort();
        out.sorted = [...p.keys()].join(',');
        p.delete('a', '1');
        out.afterDeleteValue = p.getAll('a');
        p.set('a', 'only');
        out.afterSet = p.toString();
        const u = new URL('http://h/p?z=1');
        u.searchParams.append('q', 'a b');
        out.href = u.href;
        out.fromRecord = new URLSearchParams({ x: '1', y: '*-._~' }).toString();
        out.fromPairs = new URLSearchParams([['k', 'v'], ['k', 'w']]).getAll('k');
        out.size = new URLSearchParams('?a&a&b').size;
        // Lone surrogates: USVString conversion makes them U+FFFD before percent-encoding.
        out.loneSurrogates = [new URL('http://h/\\ud800?\\udc00#\\ud800x').href, new URLSearchParams([['\\ud800', '\\udfff']]).toString()];
        out.names = [URL.name, URLSearchParams.name, Object.prototype.toString.call(u), u.constructor.name];
        return out;
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray().add("1").add("3"), o.getJsonArray("getAll"));
    assertEquals("1", o.getString("get"));
    assertEquals(" x y", o.getString("c"));
    assertEquals(true, o.getBoolean("has"));
    assertEquals("a=1&b=2&a=3&c=+x+y&sp+ace=x+y%26z%3D%C3%A9", o.getString("serialized"));
    // sort is stable: the two "a" keep their order.
    assertEquals("a,a,b,c,sp ace", o.getString("sorted"));
    assertEquals(new JsonArray().add("3"), o.getJsonArray("afterDeleteValue"));
    assertEquals("a=only&b=2&c=+x+y&sp+ace=x+y%26z%3D%C3%A9", o.getString("afterSet"));
    assertEquals("http://h/p?z=1&q=a+b", o.getString("href"));
    assertEquals("x=1&y=*-._%7E", o.getString("fromRecord"));
    assertEquals(new JsonArray().add("v").add("w"), o.getJsonArray("fromPairs"));
    assertEquals(3, o.getInteger("size"));
    assertEquals(new JsonArray().add("http://h/%EF%BF%BD?%EF%BF%BD#%EF%BF%BDx").add("%EF%BF%BD=%EF%BF%BD"),
        o.getJsonArray("loneSurrogates"));
    assertEquals(new JsonArray().add("URL").add("URLSearchParams").add("[object URL]").add("URL"), o.getJsonArray("names"));
  }
}
