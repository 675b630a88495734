package dev.bulwark.js;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Headers values are WebIDL ByteStrings: code units above 0xFF are refused where the value is given. And an incoming
 * request has the members the spec gives every Request.
 */
class HeadersAndSignalTest {
  @Test
  void anIncomingRequestHasASignal() throws Exception {
    try (JsHarness js = JsHarness.module("""
        export default { async fetch(req) {
          return new Response(String(req.signal instanceof AbortSignal) + ' ' + req.signal.aborted + ' '
            + (req.signal === req.signal));
        } };""")) {
      assertEquals("true false true", js.fetch(dev.bulwark.api.Request.get("/")).text(), "before: null");
    }
  }

  @Test
  void aValueThatIsNotBytesIsATypeErrorWhereItIsGiven() throws Exception {
    Object v = JsHarness.eval("""
        const out = [];
        for (const make of [() => new Headers({ x: 'a\u20acb' }), () => new Headers([['x', '\u4e2d']]),
            () => new Headers().append('x', '\u20ac'), () => new Headers().set('x', 'ok\u0100'),
            () => new Response('', { headers: { x: '\u20ac' } }), () => new Request('http://a/', { headers: { x: '\u20ac' } })]) {
          try { make(); out.push('accepted'); } catch (e) { out.push(e instanceof TypeError ? e.message : String(e)); }
        }
        // Latin-1 is bytes: kept as they are.
        out.push(new Headers({ x: 'caf\u00e9 \u00ff' }).get('x'));
        return out;
        """);
    String refused = "Cannot convert argument to a ByteString because the character at index ";
    assertEquals("[\"" + refused + "1 has a value of 8364 which is greater than 255.\",\""
        + refused + "0 has a value of 20013 which is greater than 255.\",\""
        + refused + "0 has a value of 8364 which is greater than 255.\",\""
        + refused + "2 has a value of 256 which is greater than 255.\",\""
        + refused + "0 has a value of 8364 which is greater than 255.\",\""
        + refused + "0 has a value of 8364 which is greater than 255.\",\"caf\u00e9 \u00ff\"]", v.toString());
  }
}
