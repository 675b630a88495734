package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The URL parser's fast path for http(s) URLs already in serialized form (src/main/js/url-fast-path.js) gives what
 * the URL Standard's state machine gives. A URL with a base always takes the state machine, and an absolute input
 * ignores its base, so {@code new URL(x)} and {@code new URL(x, base)} must agree on every part, for inputs built to
 * sit on both sides of each of the fast path's conditions.
 */
class UrlFastPathTest {
  @Test
  void theFastPathAgreesWithTheStateMachineOnEveryPart() throws Exception {
    Object result = JsHarness.eval("""
        const FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname',
          'search', 'hash'];
        const describe = (make) => {
          try {
            const u = make();
            return FIELDS.map((f) => u[f]).join(' | ') + ' | ' + JSON.stringify([...u.searchParams]);
          } catch (e) {
            return e.constructor.name;
          }
        };
        const schemes = ['http', 'https', 'HTTP', 'ws', 'ftp'];
        const hosts = ['example.com', 'a-b.c', 'x', '-a.b-', 'ab--cd.e', '127.0.0.1', '1.2.3', 'a.0x7f', 'a.09', 'a.1e', '255.255.255.255', '256.1.1.1', '1.2.3.04', '0.0.0.0', '10.0.0.1',
          '01.2.3.4', '1.2.3.4.5', '192.168.1.100',
          'xn--nxasmq6b.com', 'a.xn--nxasmq6b', 'EXAMPLE.com', 'ex_ample.com', 'a..b', 'a.', '[::1]', 'user@h',
          'u:p@h', '%41.com', 'exa mple', 'a\\\\b', ''];
        const ports = ['', ':80', ':443', ':8080', ':0', ':1', ':65535', ':65536', ':08', ':', ':99999'];
        const segments = ['a', '', '.', '..', '%2e', '%2E.', '.%2e', '.a', 'a.', '..a', 'b%20c', '%zz', '|', '^', '[x]',
          '{', '`', '"', '<', ' ', '\\\\', ';p=1', 'é', '~!$&()*+,;=:@'];
        const queries = ['', '?', '?a=1', '?a=1&b=2', "?q='x'", '?a b', '?a"b', '?a<b', '?a`b', '?a?b', '?%zz', '?é',
          '?a=1#', '?x=\\\\'];
        const fragments = ['', '#', '#f', '#a#b', '#a b', '#a`b', '#a"b', "#a'b", '#é', '#{}'];
        let seed = 42;
        const pick = (list) => { seed = (seed * 1103515245 + 12345) % 2147483648; return list[seed % list.length]; };
        const inputs = new Set(['http://example.com/', 'https://example.com:8443/v1/users/12345?limit=10#top',
          'http://example.com', 'http://example.com/a/./b', 'http://example.com/a/../b', 'http://localhost:8080/x']);
        while (inputs.size < 1200) {
          let path = '';
          for (let i = 0, n = seed % 4; i <= n; i++) path += '/' + pick(segments);
          inputs.add(pick(schemes) + '://' + pick(hosts) + pick(ports) + (pick([0, 1, 1, 1, 1]) ? path : '')
            + pick(queries) + pick(fragments));
        }
        const disagreements = [];
        let parsed = 0;
        for (const input of inputs) {
          const alone = describe(() => new URL(input));
          const withBase = describe(() => new URL(input, 'http://base.invalid/dir/file?q#h'));
          if (alone !== 'TypeError') parsed++;
          if (alone !== withBase) disagreements.push(input + '\\n  alone:     ' + alone + '\\n  with base: ' + withBase);
          const set = describe(() => { const u = new URL('http://other.invalid/'); u.href = input; return u; });
          if (set !== alone) disagreements.push(input + '\\n  href set:  ' + set + '\\n  alone:     ' + alone);
        }
        return { inputs: inputs.size, parsed, disagreements: disagreements.slice(0, 20) };
        """);
    JsonObject r = new JsonObject(io.vertx.core.json.Json.encode(result));
    assertEquals(1200, r.getInteger("inputs"));
    assertTrue(r.getInteger("parsed") > 400, "most inputs parse, so both paths are exercised: " + r);
    assertEquals("[]", r.getJsonArray("disagreements").encode(), String.join("\n",
        r.getJsonArray("disagreements").stream().map(Object::toString).toList()));
  }
}
