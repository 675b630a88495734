package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** atob and btoa per HTML, with Infra's forgiving-base64 decode, in a real isolate. */
class Base64Test {
  @Test
  void btoaEncodesLatin1AndRejectsWiderCodeUnits() throws Exception {
    Object v = JsHarness.eval("""
        const attempt = (f) => { try { return f(); } catch (e) { return e.name + '/' + (e instanceof DOMException) + '/' + e.code; } };
        let all = '';
        for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
        return {
          rfc: ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => btoa(s)),
          high: btoa('\\u00ff\\u00fe\\u0080'),
          roundTrip: atob(btoa(all)) === all,
          wide: attempt(() => btoa('\\u0100')),
          emoji: attempt(() => btoa('\\u{1F600}')),
          converts: [btoa(null), btoa(undefined), btoa(12)],
          noArgument: attempt(() => btoa()),
        };
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\",\"Zm9vYg==\",\"Zm9vYmE=\",\"Zm9vYmFy\"]"), o.getJsonArray("rfc"));
    assertEquals("//6A", o.getString("high"));
    assertEquals(true, o.getBoolean("roundTrip"));
    assertEquals("InvalidCharacterError/true/5", o.getString("wide"));
    assertEquals("InvalidCharacterError/true/5", o.getString("emoji"));
    assertEquals(new JsonArray("[\"bnVsbA==\",\"dW5kZWZpbmVk\",\"MTI=\"]"), o.getJsonArray("converts"));
    assertEquals("TypeError/false/undefined", o.getString("noArgument"));
  }

  @Test
  void atobIsForgivingBase64Decode() throws Exception {
    Object v = JsHarness.eval("""
        const attempt = (f) => { try { return [...f()].map((c) => c.charCodeAt(0)); } catch (e) { return e.name; } };
        const cases = ['Zm9vYmFy', 'Zm9vYg==', 'Zm9vYg=', 'Zm9vYg', ' Z m\\t9\\nv\\fY\\rg = = ', 'Zm9vY', 'Zm9vYg===', 'Zg',
          'Z===', '=Zg=', 'Zm9v\\u00a0', 'Zm9v\\u000b', 'Zm-v', 'Zm_v', 'ZA=', 'ZA==', 'ZB==', '', '    ', 'ab=c', 'abc=d===',
          '//6A', '\\u0100AAA', null, undefined];
        return Object.fromEntries(cases.map((c, i) => [i + ':' + String(c), attempt(() => atob(c))]));
        """);
    JsonObject o = (JsonObject) v;
    assertEquals(new JsonArray("[102,111,111,98,97,114]"), o.getValue("0:Zm9vYmFy"));
    assertEquals(new JsonArray("[102,111,111,98]"), o.getValue("1:Zm9vYg=="));
    // One '=' where two are needed: the length is then 7, not a multiple of 4, so the '=' stays and is invalid.
    assertEquals("InvalidCharacterError", o.getValue("2:Zm9vYg="));
    assertEquals(new JsonArray("[102,111,111,98]"), o.getValue("3:Zm9vYg"));
    // ASCII whitespace anywhere, even between padding characters, is removed first.
    assertEquals(new JsonArray("[102,111,111,98]"), o.getValue("4: Z m\t9\nv\fY\rg = = "));
    assertEquals("InvalidCharacterError", o.getValue("5:Zm9vY"));
    assertEquals("InvalidCharacterError", o.getValue("6:Zm9vYg==="));
    assertEquals(new JsonArray("[102]"), o.getValue("7:Zg"));
    assertEquals("InvalidCharacterError", o.getValue("8:Z==="));
    assertEquals("InvalidCharacterError", o.getValue("9:=Zg="));
    // Only ASCII whitespace is forgiven: no-break space and vertical tab are not.
    assertEquals("InvalidCharacterError", o.getValue("10:Zm9v\u00a0"));
    assertEquals("InvalidCharacterError", o.getValue("11:Zm9v\u000b"));
    assertEquals("InvalidCharacterError", o.getValue("12:Zm-v"));
    assertEquals("InvalidCharacterError", o.getValue("13:Zm_v"));
    assertEquals("InvalidCharacterError", o.getValue("14:ZA="));
    assertEquals(new JsonArray("[100]"), o.getValue("15:ZA=="));
    // Leftover bits that are not zero are ignored.
    assertEquals(new JsonArray("[100]"), o.getValue("16:ZB=="));
    assertEquals(new JsonArray(), o.getValue("17:"));
    assertEquals(new JsonArray(), o.getValue("18:    "));
    assertEquals("InvalidCharacterError", o.getValue("19:ab=c"));
    assertEquals("InvalidCharacterError", o.getValue("20:abc=d==="));
    assertEquals(new JsonArray("[255,254,128]"), o.getValue("21://6A"));
    assertEquals("InvalidCharacterError", o.getValue("22:\u0100AAA"));
    assertEquals(new JsonArray("[158,233,101]"), o.getValue("23:null"));
    assertEquals("InvalidCharacterError", o.getValue("24:undefined"));
  }
}
